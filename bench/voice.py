"""Voice answers: model load time, real-time factor and resident memory of the transcriber.

Speech is made here with espeak-ng (about 30 s of a spoken interview answer), then transcribed
the way the app does it (faster-whisper, int8, greedy, VAD, the filler prompt) side by side:
with and without word timestamps, and the whole path from a MediaRecorder-like WebM/Opus upload
(format and duration checks, decoding, transcription). Real-time factor = processing time /
audio duration (lower is better; the target is <= 0.3 with word timestamps on 2 cores). Memory
is this process's resident set before and after loading the model: the voice model's share,
apart from the generator's (which this process never loads).

Run: .venv/bin/python bench/voice.py [--threads 2] [--runs 3]   (last line: one JSON object of figures)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.voice import transcribe as voice  # noqa: E402

ANSWER = (
    "In my last role I owned the billing service for a payments company. Um, the hardest problem was "
    "that invoices were generated twice when a worker restarted. I traced it to a job queue without "
    "idempotency keys, added them, and wrote a test that kills the worker halfway through. After the "
    "change, duplicate invoices went from about forty a week to zero, and support tickets about "
    "billing dropped by a third. I also wrote a short runbook, so the on-call engineers knew what to "
    "check first, and I presented the fix to the whole team on a Friday."
)


def speech(folder: Path) -> bytes:
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is missing: apt-get install espeak-ng")
    path = folder / "answer.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(path), ANSWER], check=True, capture_output=True)
    return path.read_bytes()


def webm(data: bytes) -> bytes:
    """``data`` (a WAV) as MediaRecorder sends it: Opus in a live WebM without a duration."""
    import av

    out_buffer = io.BytesIO()
    with (
        av.open(io.BytesIO(data), "r") as source,
        av.open(out_buffer, "w", format="webm", options={"live": "1"}) as out,
    ):
        stream = out.add_stream("libopus", rate=48000)
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=48000)
        for frame in source.decode(audio=0):
            for chunk in resampler.resample(frame):
                out.mux(stream.encode(chunk))
        for chunk in resampler.resample(None):
            out.mux(stream.encode(chunk))
        out.mux(stream.encode(None))
    return out_buffer.getvalue()


def timed(runs: int, work) -> float:  # type: ignore[no-untyped-def]
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def load(threads: int, audio: Any) -> tuple[Any, dict[str, float]]:
    """The transcriber, with its load time, its first call's time and the memory around loading."""
    rss_before = voice.resident_mb()
    started = time.perf_counter()
    transcriber = voice.WhisperTranscriber(threads=threads)
    load_s = time.perf_counter() - started
    rss_loaded = voice.resident_mb()
    started = time.perf_counter()
    transcriber.words(audio)  # the first call also allocates and loads the VAD model
    first_s = time.perf_counter() - started
    return transcriber, {"rss_before": rss_before, "load_s": load_s, "rss_loaded": rss_loaded, "first_s": first_s}


def timings(transcriber: Any, audio: Any, upload: bytes, limits: voice.Limits, runs: int) -> tuple[float, float, float]:
    """Median seconds: with word timestamps (as the app runs), without them, and a WebM upload end to end."""
    model = transcriber.model

    def plain() -> None:
        segments, _ = model.transcribe(
            audio, language="en", beam_size=1, vad_filter=True, initial_prompt=voice.FILLER_PROMPT
        )
        list(segments)

    words_s = timed(runs, lambda: transcriber.words(audio))
    plain_s = timed(runs, plain)
    upload_s = timed(runs, lambda: voice.transcribe(upload, transcriber, limits))
    return words_s, plain_s, upload_s


def measure(threads: int, runs: int) -> tuple[dict[str, Any], str]:
    """The figures, and the words heard in the upload."""
    with tempfile.TemporaryDirectory() as folder:
        wav = speech(Path(folder))
    upload = webm(wav)
    limits = voice.Limits()
    audio = voice.decode(wav, limits)
    duration = len(audio) / voice.RATE
    transcriber, loaded = load(threads, audio)
    words_s, plain_s, upload_s = timings(transcriber, audio, upload, limits, runs)
    heard = voice.transcribe(upload, transcriber, limits)
    rss_after = voice.resident_mb()
    figures = {
        "audio_s": round(duration, 1),
        "threads": threads,
        "load_s": round(loaded["load_s"], 2),
        "rtf_first_call": round(loaded["first_s"] / duration, 3),
        "rtf_word_timestamps": round(words_s / duration, 3),
        "rtf_no_word_timestamps": round(plain_s / duration, 3),
        "rtf_webm_upload_end_to_end": round(upload_s / duration, 3),
        "words_heard": len(heard.words),
        "rss_before_mb": round(loaded["rss_before"]),
        "model_load_rss_mb": round(loaded["rss_loaded"] - loaded["rss_before"]),
        "model_rss_after_transcribing_mb": round(rss_after - loaded["rss_before"]),
        "rss_total_mb": round(rss_after),
    }
    return figures, heard.text


def report(figures: dict[str, Any], heard: str) -> None:
    """The figures as a Markdown table, then as one JSON line."""
    duration, threads = figures["audio_s"], figures["threads"]
    print(f"speech: {duration:.1f} s made with espeak-ng; faster-whisper int8, beam 1, VAD, {threads} threads")
    print(f"heard: {heard[:120]}...")
    print()
    print("| figure | measured |")
    print("| --- | --- |")
    print(f"| model load (packaged tiny.en, CTranslate2 int8) | {figures['load_s']:.2f} s |")
    print(f"| real-time factor, first call after loading (word timestamps) | {figures['rtf_first_call']} |")
    print(f"| real-time factor, word timestamps (as the app runs) | {figures['rtf_word_timestamps']} |")
    print(f"| real-time factor, no word timestamps | {figures['rtf_no_word_timestamps']} |")
    print(
        f"| real-time factor, WebM/Opus upload end to end (checks, decode, transcribe) | {figures['rtf_webm_upload_end_to_end']} |"
    )
    print(
        f"| resident memory of the voice model (after load / after transcribing) | {figures['model_load_rss_mb']} MB / {figures['model_rss_after_transcribing_mb']} MB |"
    )
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for CTranslate2")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is reported)")
    args = parser.parse_args()
    report(*measure(args.threads, args.runs))


if __name__ == "__main__":
    main()
