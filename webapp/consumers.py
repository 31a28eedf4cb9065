"""WebSocket consumers: thin; the interview logic lives in webapp.interviews."""

from __future__ import annotations

import uuid

from channels.generic.websocket import AsyncJsonWebsocketConsumer


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
    """Placeholder until the live interview lands; refuses every connection."""

    async def connect(self) -> None:
        await self.close(code=4404)
