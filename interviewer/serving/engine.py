"""One generation engine per process: loads the model once and decodes every interview's requests.

Requests wait in one queue served by one worker thread per lane of the backend. When a worker is
free it takes the oldest waiting request and every other waiting one the backend can decode with it
(the same sampling settings, prompt lengths close enough, at most ``max_sequences`` sequences: a
request for N candidates is N sequences, and no more than its share when other lanes are free) and
decodes them as one batch. A request for more candidates than its share while other lanes are free
is split: its candidates are decoded in parts, one per lane, and reported together. Each request
streams its own events and can be cancelled on its own: it stops taking part in the batch at its
next token.

Events reach asyncio code through ``loop.call_soon_threadsafe`` into an ``asyncio.Queue``, so a
waiting request holds no thread; synchronous code (the terminal) iterates the handle instead.
Requests, candidates and events are plain data (``as_dict``/``from_dict``): an engine in another
process can serve the same interface over a channel layer.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeAlias, runtime_checkable

from interviewer.dialog.inputs import PromptInputs
from interviewer.serving.generator import Cancelled, Candidate, GenerationConfig, decode_config

log = logging.getLogger(__name__)

TOKEN, DONE, CANCELLED, ERROR = "token", "done", "cancelled", "error"
# The engine behind the handle went away (a remote worker died, a request expired in the layer):
# nothing was decided about the request, so it may be sent again.
LOST = "lost"
TERMINAL = frozenset({DONE, CANCELLED, ERROR, LOST})
GATHER_S = 0.005  # a free worker waits this long for more requests before choosing its batch


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


@runtime_checkable
class Backend(Protocol):
    """Decodes batches of requests. ``max_sequences``: most sequences decoded together;
    ``max_spread``: most difference between prompt lengths (tokens) within one batch; ``lanes``:
    batches it can decode at the same time (one engine worker each)."""

    name: str
    max_sequences: int
    max_spread: int
    lanes: int

    def prepare(self, request: GenerationRequest) -> Sequence[Any]:
        """The prompt's tokens (their count is the prompt length).

        Raises:
            ValueError: the prompt cannot be built (only this request fails).
        """
        ...

    def decode(self, handles: list[Handle]) -> None:
        """Decode every handle, ending each with ``finish``, ``fail`` or ``finish_cancelled``.
        Raising fails every handle of the batch not yet ended."""
        ...


class StreamGenerator(Protocol):
    """The smallest generator: yields one greedy utterance's pieces (fakes in tests)."""

    name: str

    def stream(self, inputs: PromptInputs, cancel: threading.Event | None = None) -> Iterator[str]: ...


@runtime_checkable
class CandidateGenerator(Protocol):
    """A generator that decodes one candidate with given sampling settings (transformers, templates)."""

    name: str

    def candidate(
        self,
        inputs: PromptInputs,
        config: GenerationConfig | None = None,
        cancel: threading.Event | None = None,
        on_piece: Callable[[str], None] | None = None,
    ) -> Candidate: ...


# What an engine can serve: a Backend as it is, a generator through SequentialBackend.
AnyGenerator: TypeAlias = Backend | StreamGenerator | CandidateGenerator


class SequentialBackend:
    """Decodes one sequence at a time with a generator that has no batching (transformers' loop,
    templates, test fakes); a request's candidates are decoded one after another."""

    max_sequences = 1
    max_spread = 0
    lanes = 1

    def __init__(self, generator: StreamGenerator | CandidateGenerator) -> None:
        self.generator = generator
        self.name = generator.name

    def prepare(self, request: GenerationRequest) -> Sequence[Any]:
        return ()

    def decode(self, handles: list[Handle]) -> None:
        for handle in handles:
            self._decode_one(handle)

    def _decode_one(self, handle: Handle) -> None:
        if handle.cancelled:
            handle.finish_cancelled()
            return
        try:
            candidates = [self._candidate(handle, index) for index in range(handle.request.n)]
        except Cancelled:
            handle.finish_cancelled()
            return
        except Exception as exc:  # noqa: BLE001 - this request fails, the others are served
            log.exception("generation failed")
            handle.fail(f"{type(exc).__name__}: {exc}")
            return
        handle.finish(candidates)

    def _candidate(self, handle: Handle, index: int) -> Candidate:
        def on_piece(piece: str) -> None:
            handle.push(index, piece)

        generator = self.generator
        if isinstance(generator, CandidateGenerator):
            base = getattr(generator, "config", None) or GenerationConfig()
            return generator.candidate(handle.inputs, handle.request.config(base, index), handle.cancel_event, on_piece)
        pieces = []
        for piece in generator.stream(handle.inputs, handle.cancel_event):
            pieces.append(piece)
            on_piece(piece)
        return Candidate("".join(pieces), 0.0, len(pieces))


def as_backend(generator: AnyGenerator) -> Backend:
    """A batching backend as it is; anything else with ``stream``/``candidate`` decoded sequentially."""
    if isinstance(generator, Backend):
        return generator
    return SequentialBackend(generator)


@dataclass
class _Queue:
    """The waiting requests and the workers' lifecycle, guarded by ``changed``."""

    changed: threading.Condition = field(default_factory=threading.Condition)
    waiting: list[Handle] = field(default_factory=list)
    workers: list[threading.Thread] = field(default_factory=list)
    stopping: bool = False


class GenerationEngine:
    """The process's generation engine over a lazily loaded generator (a Backend, or a generator
    that ``as_backend`` wraps). ``submit`` never waits for the model to load.

    One worker thread per lane of the backend: a request that arrives while every lane decodes
    waits for the next batch.
    """

    def __init__(self, load: Callable[[], AnyGenerator]) -> None:
        self._load = load
        self._generator: AnyGenerator | None = None
        self._backend: Backend | None = None
        self._load_lock = threading.Lock()  # guards the (slow) model load; submit never waits on it
        self._select_lock = threading.Lock()  # one worker at a time chooses its batch
        self._queue = _Queue()
        self._decoding: set[Handle] = set()  # guarded by the queue's lock
        self._busy_lanes = 0  # batches chosen and not yet decoded (guarded by the queue's lock)
        _engines.add(self)

    @property
    def generator(self) -> AnyGenerator | None:
        """The loaded generator (loads it on first use, in the caller's thread)."""
        self._ensure_loaded()
        return self._generator

    @property
    def backend(self) -> Backend:
        return self._ensure_loaded()

    @property
    def loaded(self) -> bool:
        """Whether the generator is loaded (without loading it)."""
        return self._backend is not None

    @property
    def name(self) -> str:
        """The generator's name, without loading it: "unloaded" until the first request ran."""
        backend = self._backend
        return backend.name if backend is not None else "unloaded"

    def submit(self, request: GenerationRequest | PromptInputs) -> Handle:
        """Queue a request (a bare PromptInputs is one greedy, streamed candidate)."""
        if isinstance(request, PromptInputs):
            request = GenerationRequest(request)
        handle = Handle(request)
        with self._queue.changed:
            self._queue.waiting.append(handle)
            if not self._queue.workers:
                self._start_worker()
            self._queue.changed.notify_all()
        return handle

    def pending(self) -> int:
        """Requests waiting for a batch (not those being decoded)."""
        with self._queue.changed:
            return len(self._queue.waiting)

    def stop(self, timeout: float | None = 5) -> None:
        """Serve what was submitted, then end the workers (a later submit starts new ones).
        Waits up to ``timeout`` seconds for them (0: don't wait)."""
        queue = self._queue
        with queue.changed:
            workers = list(queue.workers)
            queue.stopping = bool(workers)
            queue.changed.notify_all()
        if timeout != 0:
            for worker in workers:
                worker.join(timeout)

    def close(self, timeout: float = 2) -> None:
        """Cancel everything, end the workers and release the model (the process is ending).

        A backend with a ``close`` method is closed: CTranslate2's threads must end before the
        process does, or its exit aborts ("terminate called without an active exception").
        """
        with self._queue.changed:
            handles = self._queue.waiting + list(self._decoding)
        for handle in handles:
            handle.cancel()
        self.stop(timeout)
        with self._load_lock:
            backend, self._backend, self._generator = self._backend, None, None
        close = getattr(backend, "close", None) or getattr(getattr(backend, "generator", None), "close", None)
        if close is not None:
            close()

    def _start_worker(self) -> None:
        """Called with the queue's lock held."""
        worker = threading.Thread(target=self._run, name="generation-engine", daemon=True)
        self._queue.workers.append(worker)
        worker.start()

    def _ensure_loaded(self) -> Backend:
        with self._load_lock:
            if self._backend is None:
                generator = self._load()
                self._generator, self._backend = generator, as_backend(generator)
            return self._backend

    def _run(self) -> None:
        while self._wait_for_requests():
            time.sleep(GATHER_S)  # requests submitted together (a burst) start together
            try:
                backend = self._ensure_loaded()
            except Exception as exc:  # noqa: BLE001 - these requests fail; the next ones retry the load
                log.exception("the generator could not be loaded")
                with self._select_lock:
                    for handle in self._take(self._snapshot()):
                        handle.fail(f"{type(exc).__name__}: {exc}")
                continue
            with self._queue.changed:
                while len(self._queue.workers) < backend.lanes and not self._queue.stopping:
                    self._start_worker()
            with self._select_lock:
                batch = self._select(backend, self._snapshot())
            if batch:
                self._decode(backend, batch)

    def _wait_for_requests(self) -> bool:
        """Wait for requests; False when this worker should end (stopping, nothing left)."""
        queue = self._queue
        with queue.changed:
            while not queue.waiting and not queue.stopping:
                queue.changed.wait()
            if queue.waiting:
                return True
            queue.workers.remove(threading.current_thread())
            if not queue.workers:
                queue.stopping = False
            return False

    def _snapshot(self) -> list[Handle]:
        with self._queue.changed:
            return list(self._queue.waiting)

    def _take(self, handles: list[Handle]) -> list[Handle]:
        with self._queue.changed:
            taken = {id(h) for h in handles}
            self._queue.waiting = [h for h in self._queue.waiting if id(h) not in taken]
        return handles

    def _select(self, backend: Backend, waiting: list[Handle]) -> list[Handle]:
        """The next batch: the oldest live request and the waiting ones that fit with it.

        Cancelled requests and requests whose prompt cannot be built end here, without decoding.
        """
        live, ended = [], []
        for handle in waiting:
            if handle.cancelled:
                handle.finish_cancelled()
                ended.append(handle)
                continue
            try:
                if not handle.prompt:
                    handle.prompt = backend.prepare(handle.request)
            except Exception as exc:  # noqa: BLE001 - this request fails, the others are served
                handle.fail(f"{type(exc).__name__}: {exc}")
                ended.append(handle)
                continue
            live.append(handle)
        with self._queue.changed:
            free = max(1, backend.lanes - self._busy_lanes)
        share = self._share(backend, live, free)
        batch = fit_batch(live, share, backend.max_spread)
        if free > 1 and len(batch) == 1 and batch[0].request.n > share:
            batch = [self._split(batch[0], share)]
        self._take(ended + batch)
        if batch:
            with self._queue.changed:
                self._busy_lanes += 1
        return batch

    @staticmethod
    def _share(backend: Backend, live: list[Handle], free: int) -> int:
        """Most sequences for the next batch: the waiting ones shared out among the free lanes.

        With lanes idle, one lane taking every waiting request would read all their prompts on its
        own cores while the others wait: 8 requests submitted at once on 2 lanes of 1 core reached
        their first token at p95 1.00 s in one batch, and 0.69 s as two of 4 (bench/generator.py).
        """
        wanted = sum(h.request.n for h in live)
        return max(1, min(backend.max_sequences, -(-wanted // free)))

    def _split(self, handle: Handle, share: int) -> Handle:
        """The first ``share`` candidates of a waiting request, to decode now; the rest waits in its
        place for the next free lane.

        Only when other lanes are free: on 2 lanes of 1 core (AVX2), a lone turn's 6 candidates took
        1.7 s as one batch, the other core idle, and take 1.0-1.3 s as two parts of 3 (each lane
        reads the prompt; bench/generator.py).
        """
        head, rest = split_candidates(handle, share)
        with self._queue.changed:
            self._queue.waiting = [rest if h is handle else h for h in self._queue.waiting]
            self._queue.changed.notify_all()
        return head

    def _decode(self, backend: Backend, batch: list[Handle]) -> None:
        started = time.monotonic()
        with self._queue.changed:
            self._decoding.update(batch)
        try:
            backend.decode(batch)
        except Exception as exc:  # noqa: BLE001 - the batch fails, the engine keeps serving
            log.exception("generation failed")
            for handle in batch:
                handle.fail(f"{type(exc).__name__}: {exc}")
        finally:
            with self._queue.changed:
                self._decoding.difference_update(batch)
                self._busy_lanes -= 1
        for handle in batch:
            if not handle.finished:
                handle.fail(f"{backend.name} returned without ending the request")
        lengths = [len(h.prompt) for h in batch]
        log.debug(
            "decoded %d requests, %d sequences, prompts of %d-%d tokens, in %.2f s",
            len(batch),
            sum(h.request.n for h in batch),
            min(lengths),
            max(lengths),
            time.monotonic() - started,
        )


_engines: weakref.WeakSet[GenerationEngine] = weakref.WeakSet()


@atexit.register
def _close_engines() -> None:
    for engine in list(_engines):
        engine.close()


def fit_batch(live: list[Handle], max_sequences: int, max_spread: int) -> list[Handle]:
    """The oldest request, then (in submission order) each one with the same sampling settings
    that keeps the batch within ``max_sequences`` sequences and ``max_spread`` prompt tokens."""
    if not live:
        return []
    first = live[0]
    batch, sequences = [first], first.request.n
    shortest = longest = len(first.prompt)
    for handle in live[1:]:
        length = len(handle.prompt)
        if handle.request.sampling_key != first.request.sampling_key:
            continue
        if sequences + handle.request.n > max_sequences:
            continue
        if max(longest, length) - min(shortest, length) > max_spread:
            continue
        batch.append(handle)
        sequences += handle.request.n
        shortest, longest = min(shortest, length), max(longest, length)
    return batch
