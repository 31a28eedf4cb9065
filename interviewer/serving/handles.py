"""What one generation request is, and how its events reach whoever submitted it.

This module owns the engine's plain data and its consumer side: a ``GenerationRequest`` (one
prompt, its sampling settings and candidate count), the ``Event`` kinds a request ends with, and
the ``Handle`` through which a backend reports pieces and results while the submitter iterates
them (synchronously, or from asyncio through ``loop.call_soon_threadsafe`` into an
``asyncio.Queue``, so a waiting request holds no thread) or cancels. A request split across lanes
is reported through parts gathered into one whole (``split_candidates``). Requests, candidates and
events are plain data (``as_dict``/``from_dict``): an engine in another process serves the same
interface over a channel layer.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from interviewer.dialog.inputs import PromptInputs
from interviewer.serving.generator import Candidate, GenerationConfig, decode_config

TOKEN, DONE, CANCELLED, ERROR = "token", "done", "cancelled", "error"
# The engine behind the handle went away (a remote worker died, a request expired in the layer):
# nothing was decided about the request, so it may be sent again.
LOST = "lost"
TERMINAL = frozenset({DONE, CANCELLED, ERROR, LOST})


@dataclass(frozen=True)
class GenerationRequest:
    """What to generate: one prompt, greedy or ``n`` sampled candidates.

    ``stream``: send the pieces of candidate 0 as TOKEN events while decoding (otherwise only
    the final DONE). ``max_new_tokens`` None means the generator's setting.
    """

    inputs: PromptInputs
    n: int = 1
    sample: bool = False
    temperature: float = 0.8
    top_p: float = 0.95
    max_new_tokens: int | None = None
    seed: int = 0
    stream: bool = True

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError(f"n must be at least 1, got {self.n}")
        if self.sample and self.temperature <= 0:
            raise ValueError(f"sampling needs a temperature above 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.max_new_tokens is not None and self.max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be at least 1, got {self.max_new_tokens}")

    @property
    def sampling_key(self) -> tuple[object, ...]:
        """Requests with equal keys can share one batch (a batch has one set of sampling settings)."""
        return (True, self.temperature, self.top_p) if self.sample else (False,)

    def config(self, base: GenerationConfig, index: int = 0) -> GenerationConfig:
        """``base`` with this request's sampling settings; candidate ``index`` gets its own seed."""
        return decode_config(base, self.sample, self.temperature, self.top_p, self.max_new_tokens, self.seed + index)

    def as_dict(self) -> dict[str, object]:
        return {
            "inputs": self.inputs.as_dict(),
            "n": self.n,
            "sample": self.sample,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_new_tokens": self.max_new_tokens,
            "seed": self.seed,
            "stream": self.stream,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationRequest:
        return cls(**{**data, "inputs": PromptInputs.from_dict(data["inputs"])})


def candidate_requests(
    inputs: PromptInputs, n: int, retries: int, seed: int, exemplars: bool = True
) -> list[GenerationRequest]:
    """The batches of candidates one turn may decode, in order (the fixture evaluation, and a
    served turn's fallback round).

    The first: ``n`` sampled candidates (one greedy when ``n`` is 1), from the prompt with its
    exemplars unless ``exemplars`` is False. Then, for sampled candidates, ``retries`` more, each
    decoded only when no candidate so far passed the ranker: new seeds, and the prompt without its
    exemplars, whose subject sometimes leaks into every candidate instead of the fact. None for
    ``n`` < 1 (templates only).
    """
    if n < 1:
        return []
    rounds = 1 + retries if n > 1 else 1
    return [
        GenerationRequest(
            replace(inputs, exemplars=[]) if attempt or not exemplars else inputs,
            n=n,
            sample=n > 1,
            seed=(seed + attempt * 7919) % 2**31,
            stream=False,
        )
        for attempt in range(rounds)
    ]


@dataclass(frozen=True)
class Event:
    """TOKEN (``text`` is a piece of candidate 0), then one of DONE (``candidates``; ``text`` is
    candidate 0's), CANCELLED, or ERROR (``text`` says why)."""

    kind: str
    text: str = ""
    candidates: tuple[Candidate, ...] = ()

    @property
    def terminal(self) -> bool:
        return self.kind in TERMINAL

    def __iter__(self) -> Iterator[str]:
        """Unpacks as ``kind, text`` for callers written against the earlier (kind, text) events."""
        return iter((self.kind, self.text))

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "candidates": [c.as_dict() for c in self.candidates]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        return cls(
            data["kind"], data.get("text", ""), tuple(Candidate.from_dict(c) for c in data.get("candidates", []))
        )


class Handle:
    """A submitted request. Consumers iterate its events (sync or async) or cancel it; the backend
    decoding it reports through ``push``/``finish``/``fail``/``finish_cancelled``."""

    def __init__(self, request: GenerationRequest) -> None:
        self.request = request
        self.submitted = time.monotonic()
        self.cancel_event = threading.Event()
        self.prompt: Sequence[Any] = ()  # the backend's prompt tokens, set before decoding
        self._changed = threading.Condition()
        self._events: list[Event] = []
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Event]]] = []

    @property
    def inputs(self) -> PromptInputs:
        return self.request.inputs

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @property
    def finished(self) -> bool:
        with self._changed:
            return bool(self._events) and self._events[-1].terminal

    # -- the backend's side ------------------------------------------------

    def push(self, candidate: int, piece: str) -> None:
        """A decoded piece of candidate ``candidate``; only candidate 0 of a streaming request is sent."""
        if piece and candidate == 0 and self.request.stream:
            self._emit(Event(TOKEN, piece))

    def finish(self, candidates: Sequence[Candidate]) -> None:
        self._emit(Event(DONE, candidates[0].text if candidates else "", tuple(candidates)))

    def fail(self, message: str) -> None:
        self._emit(Event(ERROR, message))

    def finish_cancelled(self) -> None:
        self._emit(Event(CANCELLED))

    def lose(self, message: str) -> None:
        self._emit(Event(LOST, message))

    def relay(self, event: Event) -> None:
        """An event decoded elsewhere (a remote engine's worker)."""
        self._emit(event)

    def _emit(self, event: Event) -> None:
        with self._changed:
            if self._events and self._events[-1].terminal:
                return  # a request ends once
            self._events.append(event)
            self._changed.notify_all()
            for loop, queue in list(self._listeners):
                try:
                    loop.call_soon_threadsafe(queue.put_nowait, event)
                except RuntimeError:  # that event loop is closed: its reader is gone
                    self._listeners.remove((loop, queue))

    # -- the consumer's side -----------------------------------------------

    def __iter__(self) -> Iterator[Event]:
        return self.iter()

    def iter(self, timeout: float | None = None) -> Iterator[Event]:
        """Events in order, ending with the terminal one.

        Raises:
            TimeoutError: when no event arrives within ``timeout`` seconds.
        """
        index = 0
        while True:
            with self._changed:
                deadline = None if timeout is None else time.monotonic() + timeout
                while len(self._events) <= index:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        raise TimeoutError(f"no generation event within {timeout} s")
                    self._changed.wait(left)
                event = self._events[index]
            index += 1
            yield event
            if event.terminal:
                return

    async def aiter(self) -> AsyncGenerator[Event, None]:
        """The same events for asyncio code; waiting holds no thread."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Event] = asyncio.Queue()
        listener = (loop, queue)
        with self._changed:
            for event in self._events:
                queue.put_nowait(event)
            if not (self._events and self._events[-1].terminal):
                self._listeners.append(listener)
        try:
            while True:
                event = await queue.get()
                yield event
                if event.terminal:
                    return
        finally:
            with self._changed:
                if listener in self._listeners:
                    self._listeners.remove(listener)


class _Whole:
    """The candidates of a request decoded in parts on several lanes, gathered for its handle: it
    ends when every candidate has come (DONE, in candidate order) or at a part's first failure or
    cancellation."""

    def __init__(self, handle: Handle) -> None:
        self.handle = handle
        self._lock = threading.Lock()
        self._left = handle.request.n  # candidates of parts not yet finished
        self._candidates: dict[int, Candidate] = {}

    def add(self, part: _Part, candidates: Sequence[Candidate]) -> None:
        with self._lock:
            self._left -= part.request.n
            self._candidates.update((part.first + i, c) for i, c in enumerate(candidates))
            if self._left > 0:
                return
            gathered = [self._candidates[i] for i in sorted(self._candidates)]
        self.handle.finish(gathered)


class _Part(Handle):
    """Candidates ``first`` .. ``first + n - 1`` of a split request: a request of its own to the
    backend (its seeds continue the whole's), sharing the whole's prompt and cancellation and
    reporting to it. Only the part holding candidate 0 streams."""

    def __init__(self, whole: _Whole, first: int, n: int) -> None:
        root = whole.handle
        super().__init__(replace(root.request, n=n, seed=root.request.seed + first))
        self.whole, self.first = whole, first
        self.submitted, self.cancel_event, self.prompt = root.submitted, root.cancel_event, root.prompt

    def push(self, candidate: int, piece: str) -> None:
        self.whole.handle.push(self.first + candidate, piece)

    def finish(self, candidates: Sequence[Candidate]) -> None:
        super().finish(candidates)
        self.whole.add(self, candidates)

    def fail(self, message: str) -> None:
        super().fail(message)
        self.whole.handle.fail(message)

    def finish_cancelled(self) -> None:
        super().finish_cancelled()
        self.whole.handle.finish_cancelled()


def split_candidates(handle: Handle, n: int) -> tuple[Handle, Handle]:
    """(the first ``n`` candidates of ``handle``, the rest), as parts reporting to the same whole."""
    if isinstance(handle, _Part):
        whole, first = handle.whole, handle.first
    else:
        whole, first = _Whole(handle), 0
    return _Part(whole, first, n), _Part(whole, first + n, handle.request.n - n)
