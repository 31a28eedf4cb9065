"""WebSocket consumers: connection, authorisation and relaying; the interview logic lives in
webapp.interviews (answers, the end) and webapp.turns (the interviewer's turns)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from webapp import interviews, protocol, turns
from webapp.dbasync import db
from webapp.models import InterviewSession, Turn

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)


class HealthConsumer(AsyncJsonWebsocketConsumer):
    """Echoes a ping through the channel layer: proves WebSockets and the layer both work."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=4403)
            return
        self.group = f"health-{uuid.uuid4().hex}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        try:
            content = protocol.parse_json_object(text_data, bytes_data)
        except protocol.ProtocolError as exc:
            await self.send_json({"type": "error", "code": exc.code, "message": exc.message})
            return
        await self.receive_json(content)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        await self.channel_layer.group_send(
            self.group, {"type": "health.pong", "echo": content.get("echo"), "layer": type(self.channel_layer).__name__}
        )

    async def health_pong(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "pong", "echo": event["echo"], "layer": event["layer"]})


class InterviewConsumer(AsyncJsonWebsocketConsumer):
    """The live interview: joins the session's group, replays the transcript, relays new turns.

    Protocol (README "WebSocket protocol"): client -> server ``answer`` and ``end``; server ->
    client ``state``, ``thinking``, ``token``, ``turn``, ``report`` and ``error``. While the
    interviewer is due, the socket keeps asking for the turn, so a turn whose generator died
    (its claim lapsed) is taken over by whichever process still has a socket open.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.group = f"interview-{self.session_id}"
        self.awaiting_interviewer = False
        self.seen = -1  # the highest turn index this socket was sent
        # Refusals accept first: a close before accept reaches browsers as a bare 1006, and the
        # page could not tell "not yours" from "connection lost".
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=4403)
            return
        if not await self._owned():
            await self.accept()
            await self.close(code=4404)  # another user's id looks exactly like a missing one
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._replay()  # read after joining: nothing can slip between
        self.watch = asyncio.create_task(self._watch())

    async def disconnect(self, code: int) -> None:
        watch = getattr(self, "watch", None)
        if watch is not None:
            watch.cancel()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        try:
            message = protocol.parse_client_message(text_data, bytes_data)
        except protocol.ProtocolError as exc:
            await self._error(exc.code, exc.message)
            return
        await self.receive_json(message.as_dict())

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        if not await self._owned():
            await self.close(code=4404)
            return
        kind = content.get("type")
        if kind == "answer":
            await self._answer(content)
        elif kind == "end":
            await self._end()
        else:
            await self._error("bad_message", "Unknown message type.")

    # -- group events -> this socket
    async def interview_event(self, event: dict[str, Any]) -> None:
        await self._send(event["payload"])

    # -- helpers
    async def _answer(self, content: dict[str, Any]) -> None:
        text, client_id = content.get("text"), content.get("id", "")
        if not isinstance(text, str) or not isinstance(client_id, str):
            await self._error("bad_message", "An answer's text (and id) must be strings.")
            return
        session = await db(InterviewSession.objects.get)(pk=self.session_id)
        try:
            turn, created = await db(interviews.add_answer)(session, text, client_id, content.get("voice", ()))
        except interviews.InterviewError as exc:
            await self._error(exc.code, exc.message)
            return
        if not created:  # a resent answer that was taken before: acknowledge it to this socket only
            await self._send(await db(interviews.turn_payload)(turn))
            await self._send(await db(interviews.state_payload)(session))
            return
        await self._broadcast(await db(interviews.turn_payload)(turn))
        await self._broadcast({"type": "state", "status": "active", "awaiting": "interviewer"})
        kick(self.channel_layer, self.group, self.session_id)

    async def _end(self) -> None:
        stop(self.session_id)
        try:
            report = await db(interviews.end)(self.session_id)
        except Exception:  # noqa: BLE001 - the socket must survive a failed report
            log.exception("interview %s: the report failed", self.session_id)
            await self._error("report_failed", "The report could not be written; try again.")
            return
        await self._broadcast({"type": "state", "status": "ended", "awaiting": "nothing"})
        await self._broadcast(report)

    async def _error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})

    async def _broadcast(self, payload: dict[str, Any]) -> None:
        await self.channel_layer.group_send(self.group, {"type": "interview.event", "payload": payload})

    async def _owned(self) -> bool:
        user = cast("User", self.scope["user"])  # connect() let only a signed-in user in: the lazy object is theirs
        return await db(InterviewSession.objects.filter(pk=self.session_id, candidate=user).exists)()

    async def _send(self, payload: dict[str, Any]) -> None:
        """Send one event, remembering what this socket has seen."""
        if payload.get("type") == "state":
            self.awaiting_interviewer = payload.get("awaiting") == "interviewer"
        elif payload.get("type") == "turn":
            self.seen = max(self.seen, int(payload["index"]))
        await self.send_json(payload)

    async def _replay(self, after: int = -1) -> None:
        """The saved turns after index ``after``, then the state (and the report once ended)."""
        session, saved = await db(_transcript)(self.session_id)
        for payload in saved:
            if int(payload["index"]) > after:
                await self._send(payload)
        await self._send(await db(interviews.state_payload)(session))
        if session.status == InterviewSession.Status.ENDED and session.report:
            await self.send_json(session.report)

    async def _watch(self) -> None:
        """While the interviewer is due: ask for the turn (again, should its claim lapse), and catch
        up on a turn that was saved but never announced here (its process died while revealing it)."""
        interval = settings.TURN_LEASE_SECONDS / 3  # a lapsed claim is taken over within a lease and a third
        while True:
            if self.awaiting_interviewer:
                kick(self.channel_layer, self.group, self.session_id)
                if await db(_settled_since)(self.session_id, self.seen, settings.TURN_LEASE_SECONDS):
                    await self._replay(after=self.seen)
            await asyncio.sleep(interval)


def _transcript(session_id: int) -> tuple[InterviewSession, list[dict[str, Any]]]:
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

_relays: dict[int, asyncio.Task[None]] = {}


def kick(layer: Any, group: str, session_id: int) -> None:
    """Run the interview's next turn in this process unless it already is."""
    running = _relays.get(session_id)
    if running is not None and not running.done():
        return
    _relays[session_id] = asyncio.get_running_loop().create_task(_relay(layer, group, session_id))


def stop(session_id: int) -> None:
    """Cancel this process's turn for the interview (the candidate ended it)."""
    running = _relays.pop(session_id, None)
    if running is not None:
        running.cancel()


async def _relay(layer: Any, group: str, session_id: int) -> None:
    try:
        async for event in turns.run_turn(session_id):
            await layer.group_send(group, {"type": "interview.event", "payload": event})
    except Exception:  # noqa: BLE001 - the layer failed; the next kick retries
        log.exception("interview %s: relaying the turn failed", session_id)
