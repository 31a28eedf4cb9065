"""Generation on other processes or machines: web processes with ``GENERATOR_MODE=remote`` send
their requests over the channel layer to `manage.py runworker generation` processes, which run
the engine and send the events back.

The protocol (all messages are plain dicts on the channel layer):

- web -> ``generation``: ``generate.request`` {id, reply, request}; any worker takes it;
- worker -> reply: ``generate.accepted`` {id, worker} (the worker's own channel), then
  ``generate.alive`` every ``HEARTBEAT_S`` while it decodes, and ``generate.event`` {id, event}
  for each engine event, the last one terminal;
- web -> worker: ``generate.cancel`` {id} (the candidate ended the interview, or the turn's
  claim was lost).

A request nobody took within ``GENERATION_TIMEOUT_S`` (no worker, the message expired) or whose
worker went silent that long (it died) ends as LOST: the turn is dropped, its claim released,
and the next attempt sends it again; nothing is stored twice (the claim guards the turn).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings

from interviewer.serving.handles import Event, GenerationRequest, Handle

log = logging.getLogger(__name__)
CHANNEL = "generation"
HEARTBEAT_S = 2.0
POLL_S = 0.5


class RemoteEngine:
    """The engine's ``submit`` interface, decoded by generation workers."""

    name = "remote"

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, request: GenerationRequest) -> Handle:
        """Send ``request`` to the workers; events arrive on the handle (call from a running event loop)."""
        handle = Handle(request)
        task = asyncio.get_running_loop().create_task(self._relay(handle))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return handle

    def stop(self, timeout: float | None = 5) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def _relay(self, handle: Handle) -> None:
        layer = get_channel_layer()
        assert layer is not None  # None only without CHANNEL_LAYERS, which settings always define
        reply, request_id = await layer.new_channel(), uuid.uuid4().hex
        message = {"type": "generate.request", "id": request_id, "reply": reply, "request": handle.request.as_dict()}
        await layer.send(CHANNEL, message)
        worker, heard, cancelled = "", time.monotonic(), False
        try:
            while True:
                if handle.cancelled and worker and not cancelled:
                    await layer.send(worker, {"type": "generate.cancel", "id": request_id})
                    cancelled = True
                try:
                    received = await asyncio.wait_for(layer.receive(reply), POLL_S)
                except TimeoutError:
                    if time.monotonic() - heard > settings.GENERATION_TIMEOUT_S:
                        handle.lose(
                            "no generation worker answered" if not worker else "the generation worker went silent"
                        )
                        return
                    continue
                heard = time.monotonic()
                worker = _handle_reply(received, handle) or worker
                if handle.finished:
                    return
        except asyncio.CancelledError:
            handle.lose("the web process stopped")
            raise


def _handle_reply(message: dict[str, Any], handle: Handle) -> str:
    """Apply one reply to the handle; returns the worker's channel when it says which it is."""
    kind = message.get("type")
    if kind == "generate.accepted":
        return str(message["worker"])
    if kind == "generate.event":
        handle.relay(Event.from_dict(message["event"]))
    return ""
