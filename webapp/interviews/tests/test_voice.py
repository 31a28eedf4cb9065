"""Voice answers (issue 14): recordings checked before decoding, transcribed off the shared thread,
stored as takes (audio only when asked), attached to the answer that uses them, summarised in
the report; every bad recording gets a clear message and leaves nothing behind."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import subprocess
import threading
import wave
from pathlib import Path

import numpy as np
import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient, Client
from django.urls import reverse

from interviewer.feedback.delivery import Word
from interviewer.voice import transcribe as voice
from tests.interview_helpers import next_turn, start
from webapp.interviews import interviews, protocol
from webapp.interviews import voice as voice_service
from webapp.interviews.models import InterviewSession, Turn, VoiceTake

RATE = voice.RATE


# ---------------------------------------------------------------------------
# Recordings made here


def tone(seconds: float, amplitude: float = 0.3, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def encoded(samples: np.ndarray, container: str, codec: str, options: dict[str, str] | None = None) -> bytes:
    """``samples`` encoded with FFmpeg (through PyAV) as a browser or a phone would send them."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container, options=options or {}) as out:
        stream = out.add_stream(codec, rate=48000)
        stream.layout = "mono"
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=48000)
        frame = av.AudioFrame.from_ndarray(
            (samples * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = RATE
        for chunk in resampler.resample(frame) + resampler.resample(None):
            out.mux(stream.encode(chunk))
        out.mux(stream.encode(None))
    return buffer.getvalue()


SPEECH = wav_bytes(tone(3.0))
LIMITS = voice.Limits(max_seconds=10, max_bytes=2 * 1024 * 1024)


# ---------------------------------------------------------------------------
# The checks, before any decoding


@pytest.mark.parametrize(
    "kind, container, codec",
    [("webm", "webm", "libopus"), ("ogg", "ogg", "libopus"), ("mp3", "mp3", "libmp3lame"), ("mp4", "mp4", "aac")],
)
def test_it_reads_every_supported_format_by_its_content(kind, container, codec):
    data = encoded(tone(2.0), container, codec)
    assert voice.sniff(data) == kind
    heard = voice.transcribe(data, voice.FakeTranscriber(), LIMITS)
    assert heard.format == kind and heard.words and heard.duration == pytest.approx(2.0, abs=0.1)


def test_it_reads_wav():
    heard = voice.transcribe(SPEECH, voice.FakeTranscriber(), LIMITS)
    assert heard.format == "wav" and "billing" in heard.text and heard.duration == pytest.approx(3.0)


@pytest.mark.parametrize(
    "data",
    [
        b"I am a text file pretending to be audio",
        b"%PDF-1.7\n" + b"0" * 2000,
        b"RIFF\x00\x10\x00\x00WAVEjunkjunkjunk" + b"\x00" * 500,  # the right magic, nothing behind it
        b"\x1a\x45\xdf\xa3" + os.urandom(4000),  # a Matroska header and noise
        b"",
    ],
)
def test_it_refuses_what_is_not_audio_by_its_content(data):
    with pytest.raises(voice.VoiceError) as refused:
        voice.transcribe(data, voice.FakeTranscriber(), LIMITS)
    assert refused.value.code == "unsupported_format"
    assert "WebM" in refused.value.message


def test_it_refuses_a_video_container_without_sound():
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="webm") as out:
        stream = out.add_stream("libvpx", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(3):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")))
        out.mux(stream.encode(None))
    with pytest.raises(voice.VoiceError, match="not a recording"):
        voice.probe(buffer.getvalue(), LIMITS)


def test_it_refuses_a_recording_over_the_size_limit_before_looking_inside(monkeypatch):
    monkeypatch.setattr(voice, "sniff", lambda data: pytest.fail("looked inside"))
    with pytest.raises(voice.VoiceError) as refused:
        voice.probe(b"\x00" * (LIMITS.max_bytes + 1), LIMITS)
    assert refused.value.code == "too_big" and "2 MB" in refused.value.message


def test_it_refuses_a_long_recording_without_decoding_it(monkeypatch):
    monkeypatch.setattr(voice, "decode", lambda *a: pytest.fail("decoded"))
    with pytest.raises(voice.VoiceError) as refused:
        voice.transcribe(wav_bytes(tone(3.0)), voice.FakeTranscriber(), voice.Limits(max_seconds=2))
    assert refused.value.code == "too_long" and "limited to 0:02" in refused.value.message


def test_it_times_a_webm_without_a_duration_by_its_packets(monkeypatch):
    """MediaRecorder's WebM has no duration in its header (FFmpeg's live mode writes the same)."""
    live = encoded(tone(4.0), "webm", "libopus", {"live": "1"})
    import av

    assert av.open(io.BytesIO(live)).duration is None
    assert voice.probe(live, voice.Limits(max_seconds=5)) == "webm"
    monkeypatch.setattr(voice, "decode", lambda *a: pytest.fail("decoded"))
    with pytest.raises(voice.VoiceError, match="limited to 0:03"):
        voice.transcribe(live, voice.FakeTranscriber(), voice.Limits(max_seconds=3))


def test_it_says_when_it_heard_nothing():
    for quiet in (np.zeros(RATE * 2, np.float32), tone(2.0, amplitude=0.001), tone(0.1)):
        with pytest.raises(voice.VoiceError) as refused:
            voice.transcribe(wav_bytes(quiet), voice.FakeTranscriber(), LIMITS)
        assert refused.value.code == "silence"
        assert refused.value.message.startswith("I didn't hear anything")


class Guessing(voice.Transcriber):
    def __init__(self, words: list[Word]) -> None:
        self.heard = words

    def words(self, audio: np.ndarray) -> list[Word]:
        return self.heard


@pytest.mark.parametrize(
    "heard",
    [[], [Word("...", 0.1, 0.4)], [Word("you", 0.2, 0.5, probability=0.1), Word("the", 0.6, 0.7, probability=0.2)]],
)
def test_it_says_when_it_could_not_make_out_words(heard):
    with pytest.raises(voice.VoiceError) as refused:
        voice.transcribe(SPEECH, Guessing(heard), LIMITS)
    assert refused.value.code == "unintelligible"
    assert "couldn't make out any words" in refused.value.message


def test_it_loads_models_from_local_folders_only(tmp_path):
    for where in (tmp_path, "tiny.en", "Systran/faster-whisper-tiny.en"):
        with pytest.raises(ValueError, match="nothing is downloaded"):
            voice.WhisperTranscriber(where)


# ---------------------------------------------------------------------------
# The transcription view


@pytest.fixture(autouse=True)
def fresh_transcriber():  # type: ignore[no-untyped-def]
    voice_service.reset()
    yield
    voice_service.reset()


# The view reads the database from worker threads (on PostgreSQL, not the test's own connection):
# its tests commit their data.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice_session(users):  # type: ignore[no-untyped-def]
    return start(users[0])


def post(client: Client, session_id: int, data: bytes, keep: bool = True, **extra: str):  # type: ignore[no-untyped-def]
    url = reverse("transcribe", args=[session_id]) + ("?keep=1" if keep else "")
    return client.post(url, data=data, content_type="audio/webm", **extra)


def nothing_stored(settings) -> bool:  # type: ignore[no-untyped-def]
    return VoiceTake.objects.count() == 0 and not (Path(settings.VAR_DIR) / "audio").exists()


@committed
def test_it_transcribes_a_recording_and_keeps_no_audio_unless_asked(client, users, alice_session, settings):
    client.force_login(users[0])
    response = post(client, alice_session.pk, SPEECH, keep=False)
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == voice.FakeTranscriber.SENTENCE
    assert body["duration"] == pytest.approx(3.0)
    assert body["words"][0]["word"] == "I" and body["words"][0]["start"] < body["words"][-1]["end"] <= 3.0
    assert body["delivery"]["fillers"] == {"um": 1} and body["delivery"]["wpm"] > 0
    assert body["kept"] is False
    take = VoiceTake.objects.get(pk=body["take"])
    assert take.session == alice_session and take.turn is None and take.audio == ""
    assert not (Path(settings.VAR_DIR) / "audio").exists()


@committed
def test_it_keeps_the_audio_when_the_candidate_opts_in(client, users, alice_session, settings):
    client.force_login(users[0])
    data = encoded(tone(2.0), "webm", "libopus")
    body = post(client, alice_session.pk, data, keep=True).json()
    take = VoiceTake.objects.get(pk=body["take"])
    assert body["kept"] is True
    assert take.audio == f"audio/{alice_session.pk}/{take.pk}.webm"
    assert (Path(settings.VAR_DIR) / take.audio).read_bytes() == data


@pytest.mark.parametrize(
    "name, data, setting, status, message",
    [
        ("too big", wav_bytes(tone(40.0)), {"VOICE_MAX_MB": 1}, 413, "limited to 1 MB"),
        ("too long", wav_bytes(tone(5.0)), {"VOICE_MAX_SECONDS": 4}, 413, "limited to 0:04"),
        ("not audio", b"%PDF-1.7 a document, not a recording" * 10, {}, 415, "not a recording I can read"),
        ("silence", wav_bytes(np.zeros(RATE * 3, np.float32)), {}, 422, "I didn't hear anything"),
    ],
)
@committed
def test_it_refuses_bad_recordings_clearly_and_stores_nothing(
    client, users, alice_session, settings, name, data, setting, status, message
):
    for key, value in setting.items():
        setattr(settings, key, value)
    client.force_login(users[0])
    response = post(client, alice_session.pk, data, keep=True)
    assert response.status_code == status, name
    assert message in response.json()["message"]
    assert nothing_stored(settings)


@committed
def test_it_deletes_a_kept_recording_with_its_interview(client, users, alice_session, settings):
    client.force_login(users[0])
    take = VoiceTake.objects.get(pk=post(client, alice_session.pk, SPEECH, keep=True).json()["take"])
    kept = Path(settings.VAR_DIR) / take.audio
    assert kept.is_file()
    alice_session.delete()
    assert not kept.exists() and VoiceTake.objects.count() == 0


@committed
def test_it_refuses_another_users_interview_and_anonymous_callers(client, users, alice_session, settings):
    client.force_login(users[1])
    response = post(client, alice_session.pk, SPEECH)
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert post(client, 999999, SPEECH).status_code == 404
    client.logout()
    response = post(client, alice_session.pk, SPEECH)
    assert response.status_code == 403 and "sign in again" in response.json()["message"]
    assert nothing_stored(settings)


@committed
def test_it_needs_the_pages_csrf_token(users, alice_session, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[0])
    assert post(client, alice_session.pk, SPEECH).status_code == 403
    assert nothing_stored(settings)
    page = client.get(reverse("interview", args=[alice_session.pk]))
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert post(client, alice_session.pk, SPEECH, HTTP_X_CSRFTOKEN=token).status_code == 200


@committed
def test_it_takes_no_recordings_for_an_ended_interview_or_when_voice_is_off(client, users, alice_session, settings):
    client.force_login(users[0])
    settings.VOICE_ENABLED = False
    assert post(client, alice_session.pk, SPEECH).json()["error"] == "voice_off"
    page = client.get(reverse("interview", args=[alice_session.pk])).content.decode()
    assert 'id="record"' not in page and 'id="answer"' in page  # typing stays
    settings.VOICE_ENABLED = True
    interviews.end(alice_session)
    assert post(client, alice_session.pk, SPEECH).status_code == 409
    assert nothing_stored(settings)


@committed
def test_it_says_when_it_is_busy_or_failed_and_stores_nothing(client, users, alice_session, settings, monkeypatch):
    client.force_login(users[0])
    monkeypatch.setattr(voice_service, "_in_flight", voice_service.MAX_WAITING)
    response = post(client, alice_session.pk, SPEECH)
    assert response.status_code == 503 and "try again in a moment" in response.json()["message"]
    monkeypatch.setattr(voice_service, "_in_flight", 0)

    def broken(self, audio):  # type: ignore[no-untyped-def]
        raise RuntimeError("the model fell over")

    monkeypatch.setattr(voice.FakeTranscriber, "words", broken)
    response = post(client, alice_session.pk, SPEECH)
    assert response.status_code == 500 and response.json()["message"].startswith("Transcription failed")
    assert "fell over" not in response.content.decode()  # no internals
    assert nothing_stored(settings)


@committed
def test_it_refuses_only_get(client, users, alice_session):
    client.force_login(users[0])
    assert client.get(reverse("transcribe", args=[alice_session.pk])).status_code == 405


@committed
def test_it_offers_the_microphone_on_the_interview_page(client, users, alice_session):
    client.force_login(users[0])
    response = client.get(reverse("interview", args=[alice_session.pk]))
    page = response.content.decode()
    assert 'id="record"' in page and 'id="keep-audio"' in page and "webapp/voice.js" in page
    assert 'data-max-seconds="120"' in page and 'data-max-mb="8"' in page
    assert response["Permissions-Policy"].startswith("microphone=(self)")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy  # voice.js is a file, not inline


@committed
def test_it_loads_the_transcriber_once_and_only_when_a_recording_comes(client, users, alice_session):
    client.force_login(users[0])
    client.get(reverse("interview", args=[alice_session.pk]))
    assert voice_service._transcriber.peek() is None
    post(client, alice_session.pk, SPEECH)
    first = voice_service._transcriber.peek()
    post(client, alice_session.pk, SPEECH)
    assert first is not None and voice_service._transcriber.peek() is first


# ---------------------------------------------------------------------------
# Answers that name their takes


def spoken_take(client: Client, session: InterviewSession) -> str:
    return str(post(client, session.pk, SPEECH, keep=False).json()["take"])


@committed
def test_it_attaches_the_delivery_as_heard_to_the_answer(client, users, alice_session):
    client.force_login(users[0])
    next_turn(alice_session)
    first, second = spoken_take(client, alice_session), spoken_take(client, alice_session)
    edited = "I built the billing service in Python with a team of four engineers."
    turn, created = interviews.add_answer(alice_session, edited, "answer-1", [first, second])
    assert created
    turn.refresh_from_db()
    assert turn.text == edited  # the words as corrected...
    assert turn.delivery["fillers"] == {"um": 2}  # ...the delivery as heard, both takes
    assert turn.delivery["takes"] == 2 and turn.delivery["edited"] is True
    assert turn.delivery["heard"].startswith("I built the billing service in Python, um,")
    assert turn.delivery["wpm"] and turn.delivery["long_pauses"] == []
    assert set(VoiceTake.objects.values_list("turn", flat=True)) == {turn.pk}
    assert interviews.turn_payload(turn)["delivery"]["takes"] == 2


@committed
def test_it_ignores_takes_that_are_not_this_interviews_own(client, users, alice_session):
    client.force_login(users[1])
    bobs = start(users[1])
    bobs_take = spoken_take(client, bobs)
    client.force_login(users[0])
    next_turn(alice_session)
    used = spoken_take(client, alice_session)
    interviews.add_answer(alice_session, "First answer.", "a1", [used])
    next_turn(alice_session)
    turn, _ = interviews.add_answer(alice_session, "Second answer.", "a2", [bobs_take, used, "not-a-uuid"])
    turn.refresh_from_db()
    assert turn.delivery == {}  # bob's take, a used take and garbage: nothing to attach
    assert VoiceTake.objects.get(pk=bobs_take).turn is None


def test_it_validates_the_voice_field_of_an_answer():
    message = protocol.parse_client_message(json.dumps({"type": "answer", "text": "Hi", "id": "a", "voice": ["t1"]}))
    assert message.voice == ("t1",) and message.as_dict()["voice"] == ["t1"]
    assert "voice" not in protocol.parse_client_message(json.dumps({"type": "answer", "text": "Hi"})).as_dict()
    for bad in ("t1", [], [1], ["x" * 101], ["t"] * 9, {"take": "t1"}):
        with pytest.raises(protocol.ProtocolError, match="voice"):
            protocol.parse_client_message(json.dumps({"type": "answer", "text": "Hi", "voice": bad}))


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_saves_a_spoken_answer_sent_over_the_socket_with_its_delivery():
    from webapp.interviews.tests.test_interview_ws import alice_interview, connect, until

    alice, session = await alice_interview()
    client = AsyncClient()
    await sync_to_async(client.force_login)(alice)
    response = await client.post(reverse("transcribe", args=[session.pk]), data=SPEECH, content_type="audio/wav")
    take = response.json()["take"]
    communicator = await connect(alice, session.pk)
    await until(communicator, "state")
    await until(communicator, "state")  # the opening question was asked: an answer is awaited
    answer = {"type": "answer", "text": "I built the billing service in Python.", "id": "v1", "voice": [take]}
    await communicator.send_json_to(answer)
    turn, _ = await until(communicator, "turn")
    while turn["role"] != "candidate":
        turn, _ = await until(communicator, "turn")
    assert turn["delivery"]["fillers"] == {"um": 1} and turn["delivery"]["edited"] is True
    await communicator.send_json_to(answer)  # a resend after a reconnect: acknowledged, stored once
    again, _ = await until(communicator, "turn")
    assert again["index"] == turn["index"]
    await communicator.disconnect()
    saved = await sync_to_async(Turn.objects.get)(session=session, client_id="v1")
    assert saved.delivery["takes"] == 1


@committed
def test_it_summarises_the_delivery_in_the_report(client, users, alice_session):
    client.force_login(users[0])
    next_turn(alice_session)
    interviews.add_answer(alice_session, "Spoken, then corrected.", "a1", [spoken_take(client, alice_session)])
    next_turn(alice_session)
    interviews.add_answer(alice_session, "Typed.", "a2")
    report = interviews.end(alice_session)
    block = report["delivery"]
    assert (block["spoken"], block["typed"]) == (1, 1) and block["fillers"] == 1
    assert block["answers"][0]["number"] == 1 and block["notes"]
    page = client.get(reverse("report", args=[alice_session.pk])).content.decode()
    assert "How you spoke" in page and "words a minute" in page and "“um” ×1" in page


@committed
def test_it_leaves_the_report_of_a_typed_interview_as_it_was(client, users, alice_session):
    client.force_login(users[0])
    next_turn(alice_session)
    interviews.add_answer(alice_session, "Typed.", "a1")
    assert "delivery" not in interviews.end(alice_session)
    assert "How you spoke" not in client.get(reverse("report", args=[alice_session.pk])).content.decode()


# ---------------------------------------------------------------------------
# Off the shared thread, and bounded bodies


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_transcribes_off_the_thread_that_serves_interview_sockets(monkeypatch):
    """While a recording is transcribed, a thread-sensitive call (what the consumers make) still
    runs: had the transcription held that thread, the fake would wait forever."""
    ran = threading.Event()
    original = voice.FakeTranscriber.words

    def waiting_for_the_shared_thread(self, audio):  # type: ignore[no-untyped-def]
        assert ran.wait(10), "the shared thread was blocked by the transcription"
        return original(self, audio)

    monkeypatch.setattr(voice.FakeTranscriber, "words", waiting_for_the_shared_thread)
    from django.contrib.auth import get_user_model

    alice = await sync_to_async(get_user_model().objects.create_user)("alice", password="alice-password-1")
    session = await sync_to_async(start)(alice)
    client = AsyncClient()
    await sync_to_async(client.force_login)(alice)
    url = reverse("transcribe", args=[session.pk])
    request = asyncio.ensure_future(client.post(url, data=SPEECH, content_type="audio/wav"))
    await asyncio.sleep(0.2)
    await sync_to_async(ran.set)()  # thread_sensitive=True: the consumers' thread
    response = await asyncio.wait_for(request, 30)
    assert response.status_code == 200
    assert await sync_to_async(VoiceTake.objects.count)() == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_bounds_recording_bodies_by_voice_max_mb(settings):
    from channels.testing import HttpCommunicator

    from webapp.asgi import application

    settings.MAX_REQUEST_KB = 16
    settings.VOICE_MAX_MB = 1
    path = reverse("transcribe", args=[1])
    fits = b"x" * (512 * 1024)  # over MAX_REQUEST_KB, within VOICE_MAX_MB
    over = b"x" * (1024 * 1024 + 1)
    for body, refused in ((fits, False), (over, True)):
        sent = HttpCommunicator(application, "POST", path, body=body, headers=[(b"content-length", b"%d" % len(body))])
        assert ((await sent.get_response())["status"] == 413) is refused
    streamed = HttpCommunicator(application, "POST", path, body=over)  # no Content-Length: counted
    assert (await streamed.get_response())["status"] == 413


# ---------------------------------------------------------------------------
# The real model on speech made here


def espeak_wav(text: str, path: Path) -> Path:
    """``text`` spoken by Debian's espeak-ng (installed by .ci/run), as a WAV file."""
    if shutil.which("espeak-ng") is None:
        if os.getenv("REQUIRE_BROWSER") == "1":
            pytest.fail("espeak-ng is missing (apt-get install espeak-ng)")
        pytest.skip("espeak-ng is missing")
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(path), text], check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def whisper():  # type: ignore[no-untyped-def]
    return voice.WhisperTranscriber(threads=2)


@pytest.mark.real_models
def test_it_transcribes_speech_with_word_timestamps(whisper, tmp_path):
    said = "I migrated the billing service to PostgreSQL. It took three weeks and cut the costs by half."
    data = espeak_wav(said, tmp_path / "said.wav").read_bytes()
    heard = voice.transcribe(data, whisper, voice.Limits())
    text = heard.text.lower()
    for word in ("migrated", "billing service", "postgres", "three weeks"):
        assert word in text, heard.text
    starts = [w.start for w in heard.words]
    assert starts == sorted(starts) and all(w.start <= w.end for w in heard.words)
    assert 0 <= heard.words[0].start < 1.0 and heard.words[-1].end <= heard.duration + 0.1
    billing = next(w for w in heard.words if "billing" in w.text.lower())
    weeks = next(w for w in heard.words if "weeks" in w.text.lower())
    assert billing.end < weeks.start  # said in that order, and timed so


@pytest.mark.real_models
def test_it_hears_a_browser_recording_and_refuses_noise(whisper, tmp_path):
    wav = espeak_wav("We shipped the new search feature in two weeks.", tmp_path / "said.wav")
    import av

    with av.open(str(wav)) as source:
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in source.decode(audio=0)]).astype(np.float32)
        rate = source.streams.audio[0].rate
    resampled = np.interp(np.arange(0, len(samples), rate / RATE), np.arange(len(samples)), samples / 32768.0)
    webm = encoded(resampled.astype(np.float32), "webm", "libopus", {"live": "1"})  # as MediaRecorder sends it
    heard = voice.transcribe(webm, whisper, voice.Limits())
    assert "search" in heard.text.lower() and "weeks" in heard.text.lower()
    noise = np.random.default_rng(1).normal(0, 0.2, RATE * 3).astype(np.float32)
    with pytest.raises(voice.VoiceError) as refused:
        voice.transcribe(wav_bytes(noise), whisper, voice.Limits())
    assert refused.value.code == "unintelligible"


def test_the_admin_lists_spoken_takes_read_only(client, users, alice_session):
    from webapp.interviews.models import VoiceTake

    take = VoiceTake.objects.create(session=alice_session, text="um I moved the ledger", duration=3.2)
    client.force_login(users[2])  # charlie is staff
    users[2].is_superuser = True
    users[2].save()

    listing = client.get("/admin/interviews/voicetake/")
    detail = client.get(f"/admin/interviews/voicetake/{take.pk}/change/")

    assert listing.status_code == 200 and "3.2" in listing.content.decode()
    assert detail.status_code == 200 and "um I moved the ledger" in detail.content.decode()
    assert client.get("/admin/interviews/voicetake/add/").status_code == 403
