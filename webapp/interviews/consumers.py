"""WebSocket consumers: connection and authorisation; what an interview socket's messages do lives
in webapp.interviews.live (answers, the end, replays, relaying the turns of webapp.interviews.turns)."""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any, cast

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from webapp.dbasync import db
from webapp.interviews import live, protocol
from webapp.interviews.models import InterviewSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User


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
            await self.send_json({"type": protocol.Event.ERROR, "code": exc.code, "message": exc.message})
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
        await self.send_json({"type": protocol.Event.PONG, "echo": event["echo"], "layer": event["layer"]})


class InterviewConsumer(AsyncJsonWebsocketConsumer):
    """The live interview's front door: authorises the socket, joins the session's group, and hands
    each message to webapp.interviews.live, which replays the transcript, takes answers, ends the interview
    and relays new turns.

    Protocol (README "WebSocket protocol"): client -> server ``answer`` and ``end``; server ->
    client ``state``, ``thinking``, ``token``, ``turn``, ``report`` and ``error``. While the
    interviewer is due, the socket keeps asking for the turn, so a turn whose generator died
    (its claim lapsed) is taken over by whichever process still has a socket open.
    """

    async def connect(self) -> None:
        user = self.scope.get("user")
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        self.room = live.Room(self.channel_layer, self.session_id)
        self.group = self.room.group
        self.viewer = live.Viewer(self.send_json)
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
        await live.replay(self.viewer, self.session_id)  # read after joining: nothing can slip between
        self.watch = asyncio.create_task(live.watch(self.room, self.viewer))

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
            await self.viewer.error(exc.code, exc.message)
            return
        if not await self._owned():
            await self.close(code=4404)
            return
        if message.type == protocol.Message.ANSWER:
            await live.answer(self.room, self.viewer, message)
        else:  # the protocol lets through an answer or an end, nothing else
            await live.end(self.room, self.viewer)

    # -- group events -> this socket
    async def interview_event(self, event: dict[str, Any]) -> None:
        await self.viewer.send(event["payload"])

    async def _owned(self) -> bool:
        user = cast("User", self.scope["user"])  # connect() let only a signed-in user in: the lazy object is theirs
        return await db(InterviewSession.objects.filter(pk=self.session_id, candidate=user).exists)()
