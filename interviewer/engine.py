"""One generation engine per process: loads the model once and serves every interview.

Requests go into one FIFO queue served by one worker thread, because a CPU gains nothing
from decoding two sequences at once in separate threads. Each request streams its pieces
into its own queue and can be cancelled at any token. The worker takes requests from the
queue one at a time today; batching means draining several waiting requests and decoding
them together, which changes only ``_serve`` (the request and handle API stays the same).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from interviewer.generator import Cancelled, PromptInputs

log = logging.getLogger(__name__)

TOKEN, DONE, CANCELLED, ERROR = "token", "done", "cancelled", "error"


class Generator(Protocol):
    name: str

    def stream(self, inputs: PromptInputs, cancel: threading.Event | None = None) -> Iterator[str]: ...


@dataclass
class Handle:
    """A submitted request: iterate its events, or cancel it."""

    inputs: PromptInputs
    cancel_event: threading.Event = field(default_factory=threading.Event)
    events: queue.Queue = field(default_factory=queue.Queue)  # type: ignore[type-arg]
    submitted: float = field(default_factory=time.monotonic)

    def cancel(self) -> None:
        self.cancel_event.set()

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """(kind, text) events: TOKEN pieces, then exactly one DONE, CANCELLED or ERROR."""
        while True:
            kind, text = self.events.get()
            yield kind, text
            if kind != TOKEN:
                return

    async def aiter(self) -> AsyncIterator[tuple[str, str]]:
        """The same events for asyncio code, without blocking the event loop."""
        loop = asyncio.get_running_loop()
        while True:
            kind, text = await loop.run_in_executor(None, self.events.get)
            yield kind, text
            if kind != TOKEN:
                return


class GenerationEngine:
    def __init__(self, load: Callable[[], Generator]) -> None:
        self._load = load
        self._generator: Generator | None = None
        self._requests: queue.Queue[Handle | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # guards the worker thread
        self._load_lock = threading.Lock()  # guards the (slow) model load; submit never waits on it

    @property
    def generator(self) -> Generator:
        """The loaded generator (loads it on first use, in the caller's thread)."""
        with self._load_lock:
            if self._generator is None:
                self._generator = self._load()
            return self._generator

    @property
    def name(self) -> str:
        """The generator's name, without loading it: "unloaded" until the first request ran."""
        generator = self._generator
        return generator.name if generator is not None else "unloaded"

    def submit(self, inputs: PromptInputs) -> Handle:
        handle = Handle(inputs)
        self._ensure_worker()
        self._requests.put(handle)
        return handle

    def pending(self) -> int:
        return self._requests.qsize()

    def stop(self) -> None:
        if self._thread is not None:
            self._requests.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def _ensure_worker(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="generation-engine", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            handle = self._requests.get()
            if handle is None:
                return
            self._serve(handle)

    def _serve(self, handle: Handle) -> None:
        if handle.cancel_event.is_set():
            handle.events.put((CANCELLED, ""))
            return
        pieces: list[str] = []
        try:
            for piece in self.generator.stream(handle.inputs, handle.cancel_event):
                pieces.append(piece)
                handle.events.put((TOKEN, piece))
        except Cancelled:
            handle.events.put((CANCELLED, ""))
            return
        except Exception as exc:  # noqa: BLE001 - the request fails, the engine keeps serving
            log.exception("generation failed")
            handle.events.put((ERROR, f"{type(exc).__name__}: {exc}"))
            return
        handle.events.put((DONE, "".join(pieces)))
