"""WebSocket consumers: thin; the interview logic lives in webapp.interviews."""

from __future__ import annotations

import asyncio
import logging
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from interviewer.engine import CANCELLED, DONE, ERROR, TOKEN, Handle
from interviewer.vocabulary import Act
from webapp import interviews
from webapp.models import InterviewSession

log = logging.getLogger(__name__)


class HealthConsumer(AsyncJsonWebsocketConsumer):
    """Echoes a ping through the channel layer: proves WebSockets and the layer both work."""

    async def connect(self) -> None:
        self.group = f"health-{uuid.uuid4().hex}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:  # type: ignore[no-untyped-def]
        await self.channel_layer.group_send(
            self.group, {"type": "health.pong", "echo": content.get("echo"), "layer": type(self.channel_layer).__name__}
        )

    async def health_pong(self, event) -> None:  # type: ignore[no-untyped-def]
        await self.send_json({"type": "pong", "echo": event["echo"], "layer": event["layer"]})


class InterviewConsumer(AsyncJsonWebsocketConsumer):
    """The live interview: joins the session's group, replays the transcript, streams new turns.

    Protocol (README "WebSocket protocol"): client -> server ``answer`` and ``end``; server ->
    client ``state``, ``thinking``, ``token``, ``turn``, ``report`` and ``error``. Generation runs
    in a task that outlives the socket, so a dropped connection never leaves half a turn.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.group = f"interview-{self.session_id}"
        # Refusals accept first: a close before accept reaches browsers as a bare 1006, and the
        # page could not tell "not yours" from "connection lost".
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=4403)
            return
        session = await self._session(user)
        if session is None:
            await self.accept()
            await self.close(code=4404)  # another user's id looks exactly like a missing one
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        session = await self._session(user)  # re-read after joining: nothing can slip between
        await self._replay(session)
        self._kick(session)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kind = content.get("type") if isinstance(content, dict) else None
        session = await self._session(self.scope["user"])
        if session is None:
            await self.close(code=4404)
            return
        if kind == "answer":
            try:
                turn = await database_sync_to_async(interviews.add_answer)(session, str(content.get("text", "")))
            except interviews.InterviewError as exc:
                await self.send_json({"type": "error", "code": exc.code, "message": exc.message})
                return
            await self._broadcast(interviews.turn_payload(turn))
            await self._broadcast({"type": "state", "status": "active", "awaiting": "interviewer"})
            self._kick(session)
        elif kind == "end":
            handle = _handles.get(self.session_id)
            if handle is not None:
                handle.cancel()
            try:
                report = await database_sync_to_async(interviews.end)(session)
            except Exception:  # noqa: BLE001 - the socket must survive a failed report
                log.exception("interview %s: the report failed", self.session_id)
                await self.send_json(
                    {"type": "error", "code": "report_failed", "message": "The report could not be written; try again."}
                )
                return
            await self._broadcast(report)
        else:
            await self.send_json({"type": "error", "code": "bad_message", "message": "Unknown message type."})

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        try:
            content = await self.decode_json(text_data) if text_data else None
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "code": "bad_message", "message": "Messages must be JSON objects."})
            return
        await self.receive_json(content)

    # -- group events -> this socket
    async def interview_event(self, event) -> None:  # type: ignore[no-untyped-def]
        await self.send_json(event["payload"])

    # -- helpers
    async def _broadcast(self, payload: dict) -> None:  # type: ignore[type-arg]
        await self.channel_layer.group_send(self.group, {"type": "interview.event", "payload": payload})

    @database_sync_to_async
    def _session(self, user):  # type: ignore[no-untyped-def]
        return (
            InterviewSession.objects.select_related("job", "resume").filter(pk=self.session_id, candidate=user).first()
        )

    async def _replay(self, session) -> None:  # type: ignore[no-untyped-def]
        turns = await database_sync_to_async(interviews.turns)(session)
        for turn in turns:
            await self.send_json(interviews.turn_payload(turn))
        if session.status == InterviewSession.Status.ENDED:
            await self.send_json({"type": "state", "status": "ended", "awaiting": "nothing"})
            if session.report:
                await self.send_json(session.report)
            return
        waiting = await database_sync_to_async(interviews.awaiting_answer)(session)
        await self.send_json(
            {"type": "state", "status": session.status, "awaiting": "answer" if waiting else "interviewer"}
        )

    def _kick(self, session) -> None:  # type: ignore[no-untyped-def]
        """Start generating the next interviewer turn unless this process already is."""
        task = _tasks.get(self.session_id)
        if task is not None and not task.done():
            return
        _tasks[self.session_id] = asyncio.get_running_loop().create_task(
            _generate(self.channel_layer, self.group, session)
        )


_tasks: dict[int, asyncio.Task] = {}  # type: ignore[type-arg]
_handles: dict[int, Handle] = {}


async def _generate(layer, group: str, session) -> None:  # type: ignore[no-untyped-def]
    """Generate, stream and save the next interviewer turn; close the interview after its closing."""

    async def broadcast(payload: dict) -> None:  # type: ignore[type-arg]
        await layer.group_send(group, {"type": "interview.event", "payload": payload})

    try:
        report = await database_sync_to_async(interviews.end_if_closed)(session)
        if report is not None:  # the closing was saved but the process died before the report
            await broadcast(report)
            return
        pending = await database_sync_to_async(interviews.prepare_next)(session)
        if pending is None:
            return
        await broadcast({"type": "thinking", "index": pending.index})
        engine = await database_sync_to_async(interviews.engine)()
        handle = engine.submit(pending.inputs)
        _handles[session.pk] = handle
        raw = ""
        async for kind, text in handle.aiter():
            if kind == TOKEN:
                await broadcast({"type": "token", "text": text, "index": pending.index})
            elif kind == DONE:
                raw = text
            elif kind == CANCELLED:
                return
            elif kind == ERROR:
                log.error("generation failed for interview %s: %s", session.pk, text)
        turn, created = await database_sync_to_async(interviews.finish)(pending, raw, engine.name)
        if turn is None or not created:
            return  # ended meanwhile, or another process saved (and announced) this turn
        await broadcast(interviews.turn_payload(turn))
        if turn.act == Act.CLOSING:
            await broadcast(await database_sync_to_async(interviews.end)(session))
        else:
            await broadcast({"type": "state", "status": "active", "awaiting": "answer"})
    except Exception:  # noqa: BLE001 - tell the client instead of dying silently
        log.exception("interview %s: turn generation failed", session.pk)
        await broadcast(
            {
                "type": "error",
                "code": "generation_failed",
                "message": "The interviewer could not answer; reload the page to retry.",
            }
        )
    finally:
        _handles.pop(session.pk, None)
