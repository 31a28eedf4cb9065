"""Background workers fed through the channel layer (`manage.py runworker <channel>`)."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.consumer import AsyncConsumer, SyncConsumer
from channels.db import database_sync_to_async

from interviewer.serving.handles import GenerationRequest, Handle
from webapp.documents import imports
from webapp.serving import models_registry, remote


class ImportWorker(SyncConsumer):
    """`manage.py runworker imports`: runs bulk-import jobs queued by the admin."""

    def import_run(self, message: dict[str, Any]) -> None:
        imports.run(int(message["job"]))


class GenerationWorker(AsyncConsumer):
    """`manage.py runworker generation`: decodes requests from web processes with
    GENERATOR_MODE=remote on this process's engine (webapp.serving.remote has the protocol).

    One instance serves the channel; each request runs as its own task, so requests that
    arrive together are batched by the engine as in one process.
    """

    async def generate_request(self, message: dict[str, Any]) -> None:
        if not hasattr(self, "handles"):
            self.handles: dict[str, Handle] = {}
            self.tasks: set[asyncio.Task[None]] = set()
        task = asyncio.get_running_loop().create_task(self._serve(message))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def generate_cancel(self, message: dict[str, Any]) -> None:
        handle = getattr(self, "handles", {}).get(message["id"])
        if handle is not None:
            handle.cancel()

    async def _serve(self, message: dict[str, Any]) -> None:
        request_id, reply = message["id"], message["reply"]
        engine = await database_sync_to_async(models_registry.local_engine)()
        handle = engine.submit(GenerationRequest.from_dict(message["request"]))
        self.handles[request_id] = handle
        await self.channel_layer.send(
            reply, {"type": "generate.accepted", "id": request_id, "worker": self.channel_name}
        )
        alive = asyncio.get_running_loop().create_task(self._heartbeat(reply, request_id))
        try:
            async for event in handle.aiter():
                await self.channel_layer.send(
                    reply, {"type": "generate.event", "id": request_id, "event": event.as_dict()}
                )
        finally:
            alive.cancel()
            self.handles.pop(request_id, None)

    async def _heartbeat(self, reply: str, request_id: str) -> None:
        while True:
            await asyncio.sleep(remote.HEARTBEAT_S)
            await self.channel_layer.send(reply, {"type": "generate.alive", "id": request_id})
