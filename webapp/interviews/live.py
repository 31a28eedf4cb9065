"""The live interview behind its WebSocket: what a socket's messages do, apart from the socket.

The consumer (webapp.interviews.consumers) authorises a socket and hands each message here; this module
takes answers, ends the interview, replays what a socket missed, keeps asking for the turn while
the interviewer is due, and relays each turn's events (webapp.interviews.turns) to the interview's group on
the channel layer. A :class:`Viewer` is one socket as seen from here: where it sends, and what it
was sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from webapp.dbasync import db
from webapp.interviews import interviews, protocol, turns
from webapp.interviews.models import InterviewSession, Turn

log = logging.getLogger(__name__)
Payload = dict[str, Any]


def group_name(session_id: int) -> str:
    """The channel layer group of an interview's sockets."""
    return f"interview-{session_id}"


@dataclass
class Room:
    """One interview's sockets, through the channel layer: what is said to all of them."""

    layer: Any
    session_id: int

    @property
    def group(self) -> str:
        return group_name(self.session_id)

    async def broadcast(self, payload: Payload) -> None:
        await self.layer.group_send(self.group, {"type": "interview.event", "payload": payload})

    def kick(self) -> None:
        """Ask for the interview's next turn (:func:`kick`)."""
        kick(self.layer, self.group, self.session_id)


@dataclass
class Viewer:
    """One socket: ``send`` reaches it alone, and what it was sent decides what it is owed."""

    send_json: Callable[[Payload], Awaitable[None]]
    awaiting_interviewer: bool = False
    seen: int = -1  # the highest turn index this socket was sent

    async def send(self, payload: Payload) -> None:
        """Send one event, remembering what this socket has seen."""
        if payload.get("type") == protocol.Event.STATE:
            self.awaiting_interviewer = payload.get("awaiting") == protocol.Awaiting.INTERVIEWER
        elif payload.get("type") == protocol.Event.TURN:
            self.seen = max(self.seen, int(payload["index"]))
        await self.send_json(payload)

    async def error(self, code: str, message: str) -> None:
        await self.send_json({"type": protocol.Event.ERROR, "code": code, "message": message})


async def answer(room: Room, viewer: Viewer, message: protocol.ClientMessage) -> None:
    """Take the candidate's answer (checked by :func:`protocol.parse_client_message`): announced to
    every socket and the next turn asked for; an answer resent after a reconnect is acknowledged to
    its own socket only."""
    session = await db(InterviewSession.objects.get)(pk=room.session_id)
    try:
        turn, created = await db(interviews.add_answer)(session, message.text, message.id or "", message.voice)
    except interviews.InterviewError as exc:
        await viewer.error(exc.code, exc.message)
        return
    if not created:  # a resent answer that was taken before: acknowledge it to this socket only
        await viewer.send(await db(interviews.turn_payload)(turn))
        await viewer.send(await db(interviews.state_payload)(session))
        return
    await room.broadcast(await db(interviews.turn_payload)(turn))
    await room.broadcast(protocol.state_event(protocol.Awaiting.INTERVIEWER))
    room.kick()


async def end(room: Room, viewer: Viewer) -> None:
    """End the interview: the turn under way is dropped, the interviewer closes (unless it had), every
    socket gets the closing and the report."""
    stop(room.session_id)
    try:
        report = await db(interviews.end)(room.session_id, closing=True)
    except Exception:  # noqa: BLE001 - the socket must survive a failed report
        log.exception("interview %s: the report failed", room.session_id)
        await viewer.error("report_failed", "The report could not be written; try again.")
        return
    if closing := await db(interviews.early_closing)(room.session_id):
        await room.broadcast(closing)
    await room.broadcast(protocol.state_event(protocol.Awaiting.NOTHING))
    await room.broadcast(report)


async def replay(viewer: Viewer, session_id: int, after: int = -1) -> None:
    """The saved turns after index ``after``, then the state (and the report once ended)."""
    session, saved = await db(_transcript)(session_id)
    for payload in saved:
        if int(payload["index"]) > after:
            await viewer.send(payload)
    await viewer.send(await db(interviews.state_payload)(session))
    if session.status == InterviewSession.Status.ENDED and session.report:
        await viewer.send_json(session.report)


async def watch(room: Room, viewer: Viewer) -> None:
    """While the interviewer is due: ask for the turn (again, should its claim lapse), and catch
    up on a turn that was saved but never announced here (its process died while revealing it)."""
    interval = settings.TURN_LEASE_SECONDS / 3  # a lapsed claim is taken over within a lease and a third
    while True:
        if viewer.awaiting_interviewer:
            room.kick()
            if await db(_settled_since)(room.session_id, viewer.seen, settings.TURN_LEASE_SECONDS):
                await replay(viewer, room.session_id, after=viewer.seen)
        await asyncio.sleep(interval)


def _transcript(session_id: int) -> tuple[InterviewSession, list[Payload]]:
    session = InterviewSession.objects.get(pk=session_id)
    return session, [interviews.turn_payload(turn) for turn in interviews.turns(session)]


def _settled_since(session_id: int, seen: int, seconds: float) -> bool:
    """A turn after index ``seen`` was saved more than ``seconds`` ago (so it is not merely being
    revealed right now), or the interview ended meanwhile."""
    old = timezone.now() - timedelta(seconds=seconds)
    ended = InterviewSession.objects.filter(pk=session_id, status=InterviewSession.Status.ENDED).exists()
    return ended or Turn.objects.filter(session_id=session_id, index__gt=seen, created__lt=old).exists()


# ---------------------------------------------------------------------------
# Relaying turns: a task per interview that outlives the socket that started it, so a dropped
# connection never leaves half a turn. The claim in the database decides who generates; this
# map only keeps this process from asking twice at once (and keeps the tasks referenced).

relays: dict[int, asyncio.Task[None]] = {}


def kick(layer: Any, group: str, session_id: int) -> None:
    """Run the interview's next turn in this process unless it already is."""
    running = relays.get(session_id)
    if running is not None and not running.done():
        return
    relays[session_id] = asyncio.get_running_loop().create_task(_relay(layer, group, session_id))


def stop(session_id: int) -> None:
    """Cancel this process's turn for the interview (the candidate ended it)."""
    running = relays.pop(session_id, None)
    if running is not None:
        running.cancel()


async def _relay(layer: Any, group: str, session_id: int) -> None:
    try:
        async for event in turns.run_turn(session_id):
            await layer.group_send(group, {"type": "interview.event", "payload": event})
    except Exception:  # noqa: BLE001 - the layer failed; the next kick retries
        log.exception("interview %s: relaying the turn failed", session_id)
