"""The live interview over WebSockets: streaming, answers, end, isolation, drops and restarts."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from interviewer.serving.engine import GenerationEngine
from interviewer.vocabulary import Act
from tests.interview_helpers import SlowGenerator, start
from webapp.asgi import application
from webapp.interviews import live
from webapp.interviews.models import InterviewSession, Turn
from webapp.serving import models_registry

ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture(autouse=True)
def clean_engine():  # type: ignore[no-untyped-def]
    models_registry.reset_engine()
    live.relays.clear()
    yield
    models_registry.reset_engine()
    live.relays.clear()


@pytest.fixture
def slow(monkeypatch, settings):  # type: ignore[no-untyped-def]
    """A slow stand-in model decoding one candidate per turn, so ``calls`` counts turns decoded."""
    settings.GENERATOR_CANDIDATES = 1
    generator = SlowGenerator()
    engine = GenerationEngine(lambda: generator)
    monkeypatch.setattr(models_registry, "engine", lambda: engine)
    yield generator
    engine.stop()


@sync_to_async
def make_user(name: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.create_user(name, password=f"{name}-password-1")


@sync_to_async
def cookie_for(user) -> bytes:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def connect(user, session_id: int) -> WebsocketCommunicator:  # type: ignore[no-untyped-def]
    """A connected socket (refusals are accepted first, then closed with their code)."""
    headers = [ORIGIN]
    if user is not None:
        headers.append((b"cookie", await cookie_for(user)))
    communicator = WebsocketCommunicator(application, f"/ws/interview/{session_id}/", headers=headers)
    assert (await communicator.connect())[0]
    return communicator


async def alice_interview():  # type: ignore[no-untyped-def]
    alice = await make_user("alice")
    return alice, await sync_to_async(start)(alice)


async def until(communicator, kind: str, timeout: float = 10) -> tuple[dict, list[dict]]:  # type: ignore[type-arg]
    """Receive until a message of ``kind``; returns it and everything before it."""
    seen = []
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message, seen
        seen.append(message)


@sync_to_async
def saved_turns(session_id: int) -> list[tuple[int, str]]:
    return list(Turn.objects.filter(session_id=session_id).order_by("index").values_list("index", "role"))


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_streams_questions_takes_answers_and_ends_with_a_report():
    alice, session = await alice_interview()
    ws = await connect(alice, session.pk)
    first, before = await until(ws, "turn")
    tokens = [m for m in before if m["type"] == "token"]
    assert tokens and "".join(t["text"] for t in tokens) == first["text"]  # streamed before complete
    assert first["index"] == 0 and first["role"] == "interviewer"
    assert first["grounding"] and {"source", "text", "fact_id", "reason"} <= set(first["grounding"][0])

    await ws.send_json_to(
        {"type": "answer", "text": "I migrated our PostgreSQL database to version 15 with zero downtime."}
    )
    echo, _ = await until(ws, "turn")
    assert (echo["index"], echo["role"]) == (1, "candidate")
    state, _ = await until(ws, "state")
    assert state["awaiting"] == "interviewer"  # every tab learns the answer was taken
    second, _ = await until(ws, "turn")
    assert (second["index"], second["role"]) == (2, "interviewer")

    await ws.send_json_to({"type": "end"})
    report, before = await until(ws, "report")
    closing = [m for m in before if m["type"] == "turn"][-1]  # ended early: the interviewer still closes
    assert (closing["act"], closing["role"], closing["source"]) == ("closing", "interviewer", "template")
    assert closing["index"] > second["index"] and closing["text"].startswith("Thank you")
    assert report["answers"][0]["answer"].startswith("I migrated our PostgreSQL")
    assert "covered_requirements" in report and "uncovered_requirements" in report
    await ws.disconnect()
    refreshed = await sync_to_async(InterviewSession.objects.get)(pk=session.pk)
    assert refreshed.status == "ended" and refreshed.report["summary"]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_another_users_session_and_anonymous_users():
    alice, bob = await make_user("alice"), await make_user("bob")
    session = await sync_to_async(start)(alice)
    for user, session_id, code in ((bob, session.pk, 4404), (None, session.pk, 4403), (alice, 999999, 4404)):
        ws = await connect(user, session_id)  # accepted only to say why: browsers see a close after accept
        assert await ws.receive_output(timeout=5) == {"type": "websocket.close", "code": code}
        await ws.disconnect()
    assert await saved_turns(session.pk) == []  # nobody else's connection started the interview


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_rejects_answers_out_of_turn_and_bad_messages():
    alice, session = await alice_interview()
    ws = await connect(alice, session.pk)
    await until(ws, "turn")
    await ws.send_json_to({"type": "answer", "text": "   "})
    error, _ = await until(ws, "error")
    assert error["code"] == "empty_answer"
    await ws.send_json_to({"type": "answer", "text": "x" * 5000})
    error, _ = await until(ws, "error")
    assert error["code"] == "answer_too_long"
    await ws.send_json_to({"type": "dance"})
    error, _ = await until(ws, "error")
    assert error["code"] == "bad_message"
    for junk in ("not json", "[1, 2]"):
        await ws.send_to(text_data=junk)
        error, _ = await until(ws, "error")
        assert error["code"] == "bad_message"
    await ws.send_json_to({"type": "answer", "text": "First answer with enough words to count as an answer here."})
    await ws.send_json_to({"type": "answer", "text": "A second answer sent before the next question arrived."})
    error, _ = await until(ws, "error")
    assert error["code"] == "not_your_turn"
    await until(ws, "turn")
    await ws.disconnect()
    await asyncio.sleep(0.2)
    assert [r for _, r in await saved_turns(session.pk)].count("candidate") == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_completes_a_turn_when_the_socket_drops_mid_generation(slow):
    alice, session = await alice_interview()
    ws = await connect(alice, session.pk)
    await until(ws, "token")  # generation has started
    await ws.disconnect()  # the tab closes mid-turn
    for _ in range(100):
        if await saved_turns(session.pk):
            break
        await asyncio.sleep(0.05)
    assert await saved_turns(session.pk) == [(0, "interviewer")]

    ws = await connect(alice, session.pk)  # the refresh
    replay, _ = await until(ws, "turn")
    state, _ = await until(ws, "state")
    assert replay["index"] == 0 and state["awaiting"] == "answer"
    await ws.disconnect()
    assert slow.calls == 1  # completed once, not regenerated


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_regenerates_a_turn_lost_to_a_server_restart(slow, settings):
    settings.TURN_LEASE_SECONDS = 1
    alice, session = await alice_interview()
    # The server died mid-turn: its claim on turn 0 is still in the database, nothing was saved.
    await sync_to_async(InterviewSession.objects.filter(pk=session.pk).update)(
        claim_index=0, claim_owner="dead-host:4242:gone", claim_expires=timezone.now() + timedelta(seconds=1)
    )

    ws = await connect(alice, session.pk)  # after the restart: the claim is still live
    state, _ = await until(ws, "state")
    assert state["awaiting"] == "interviewer"
    assert await ws.receive_nothing(timeout=0.5)  # nobody generates while the dead claim is live
    turn, _ = await until(ws, "turn", timeout=10)  # it lapses, and this process takes the turn over
    assert turn["index"] == 0
    await ws.disconnect()
    assert await saved_turns(session.pk) == [(0, "interviewer")]
    assert slow.calls == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_keeps_two_tabs_consistent(slow):
    alice, session = await alice_interview()
    one, two = await connect(alice, session.pk), await connect(alice, session.pk)
    first_one, _ = await until(one, "turn")
    first_two, _ = await until(two, "turn")
    assert first_one == first_two
    await one.send_json_to({"type": "answer", "text": "I built REST APIs in Python for two million users at Acme."})
    await two.send_json_to({"type": "answer", "text": "The same answer typed in the other tab at the same time."})
    echo_two, _ = await until(two, "turn")
    assert echo_two["role"] == "candidate"
    await until(one, "turn")
    await until(one, "turn")  # the next question reaches both tabs
    await until(two, "turn")
    await one.disconnect()
    await two.disconnect()
    assert await saved_turns(session.pk) == [(0, "interviewer"), (1, "candidate"), (2, "interviewer")]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_finishes_an_interview_whose_closing_was_saved_before_a_crash():
    alice, session = await alice_interview()

    @sync_to_async
    def closing_saved_but_not_ended() -> None:
        Turn.objects.create(session=session, index=0, role="interviewer", text="Thank you, goodbye.", act=Act.CLOSING)

    await closing_saved_but_not_ended()
    ws = await connect(alice, session.pk)
    report, _ = await until(ws, "report")
    await ws.disconnect()
    assert report["session"] == session.pk
    assert (await sync_to_async(InterviewSession.objects.get)(pk=session.pk)).status == "ended"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_refuses_control_characters_without_dropping_the_socket():
    alice, session = await alice_interview()
    ws = await connect(alice, session.pk)
    await until(ws, "turn")
    await ws.send_json_to({"type": "answer", "text": "\x00\x01 \ud800"})
    error, _ = await until(ws, "error")
    assert error["code"] == "empty_answer"
    await ws.send_json_to({"type": "answer", "text": "I led\x00 the migration of 40 services to Kubernetes in 2023."})
    echo, _ = await until(ws, "turn")
    assert echo["text"] == "I led the migration of 40 services to Kubernetes in 2023."
    await ws.disconnect()
