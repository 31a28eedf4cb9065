"""Voice answers, the Django side: one transcriber per process, run off the shared thread;
takes stored, attached to the answer that uses them, and summarised in the report.

Transcription is CPU work of a second or more. Under ASGI, sync views and the interview
sockets' database calls share one thread per process, so it runs in this module's own
executor (one worker: one transcription at a time per process, a few more may wait, the rest
are told to retry). The model loads there on the first recording, so a process that never
serves voice never loads it.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.conf import settings

from interviewer.feedback import delivery
from interviewer.voice import transcribe as voice
from webapp.interviews.models import InterviewSession, Turn, VoiceTake
from webapp.serving.model_cache import Loaded

log = logging.getLogger(__name__)
MAX_WAITING = 4  # recordings queued or being transcribed in one process before "busy"
MAX_TAKES = 8  # takes one answer may name

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice")
_transcriber: Loaded[voice.Transcriber] = Loaded()
_in_flight = 0


class Busy(Exception):
    """Too many recordings are waiting in this process."""


def uses_fake() -> bool:
    return settings.FAKE_MODELS if settings.VOICE_FAKE is None else bool(settings.VOICE_FAKE)


def limits() -> voice.Limits:
    return voice.Limits(max_seconds=settings.VOICE_MAX_SECONDS, max_bytes=settings.VOICE_MAX_MB * 1024 * 1024)


def transcriber() -> voice.Transcriber:
    """This process's transcriber, loaded on first use (its load time and memory are logged)."""
    if uses_fake():
        return _transcriber.get("fake", voice.FakeTranscriber)
    model, threads = settings.VOICE_MODEL, settings.VOICE_THREADS
    return _transcriber.get(f"{model or 'packaged'}:{threads}", lambda: _load_whisper(model or None, threads))


def _load_whisper(model: str | None, threads: int) -> voice.Transcriber:
    """faster-whisper from ``model`` (None: the packaged one), with what the load cost logged."""
    before, started = voice.resident_mb(), time.perf_counter()
    loaded = voice.WhisperTranscriber(model, threads)
    log.info(
        "voice model %s loaded in %.1f s, +%.0f MB resident",
        getattr(loaded, "path", "?"),
        time.perf_counter() - started,
        voice.resident_mb() - before,
    )
    return loaded


def reset() -> None:
    _transcriber.reset()


async def transcribe(data: bytes) -> voice.Transcript:
    """Transcribe a recording in the voice executor.

    Raises:
        voice.VoiceError: the recording cannot be transcribed (its message says why).
        Busy: :data:`MAX_WAITING` recordings are already waiting in this process.
    """
    global _in_flight
    if _in_flight >= MAX_WAITING:
        raise Busy
    _in_flight += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_executor, _transcribe, data)
    finally:
        _in_flight -= 1


def _transcribe(data: bytes) -> voice.Transcript:
    return voice.transcribe(data, transcriber(), limits())


def store_take(session: InterviewSession, heard: voice.Transcript, data: bytes, keep: bool) -> VoiceTake:
    """Save what was heard (and the audio, only if ``keep``) as a take of ``session``."""
    take = VoiceTake(
        session=session,
        text=heard.text,
        duration=heard.duration,
        words=[w.as_dict() for w in heard.words],
        delivery=delivery.measure([heard.words]).as_dict(),
    )
    path: Path | None = None
    if keep:
        relative = Path("audio") / str(session.pk) / f"{take.id}.{voice.SUFFIX[heard.format]}"
        path = Path(settings.VAR_DIR) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        take.audio = str(relative)
    try:
        take.save(force_insert=True)
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    return take


def take_payload(take: VoiceTake) -> dict[str, Any]:
    """The transcription view's answer: {take, text, duration, words, delivery, kept}."""
    return {
        "take": str(take.id),
        "text": take.text,
        "duration": round(take.duration, 2),
        "words": take.words,
        "delivery": take.delivery,
        "kept": bool(take.audio),
    }


def attach(turn: Turn, take_ids: Sequence[str]) -> None:
    """Give the answer ``turn`` the delivery of the takes it names (its session's unused ones).

    Ids that are malformed, unknown, used already or from another interview are ignored: the
    answer's words stand on their own; only the delivery feedback needs the takes.
    """
    ids = [_uuid(t) for t in take_ids[:MAX_TAKES]]
    takes = list(VoiceTake.objects.filter(session_id=turn.session_id, turn__isnull=True, id__in=[i for i in ids if i]))
    if not takes:
        return
    takes.sort(key=lambda t: ids.index(t.id))
    spoken = delivery.measure([[delivery.Word.from_dict(w) for w in t.words] for t in takes])
    heard = " ".join(t.text for t in takes)
    turn.delivery = {**spoken.as_dict(), "takes": len(takes), "heard": heard, "edited": heard.strip() != turn.text}
    turn.save(update_fields=["delivery"])
    VoiceTake.objects.filter(pk__in=[t.pk for t in takes]).update(turn=turn)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def report_block(history: Iterable[Turn]) -> dict[str, Any] | None:
    """The report's delivery summary over the candidate's answers; None if none was spoken."""
    return delivery.summarise([t.delivery or None for t in history if t.role == Turn.Role.CANDIDATE])
