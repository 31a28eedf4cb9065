"""One generation engine per process: loads the model once and decodes every interview's requests.

Requests wait in one queue served by one worker thread per lane of the backend. When a worker is
free it takes the oldest waiting request and every other waiting one the backend can decode with it
(the same sampling settings, prompt lengths close enough, at most ``max_sequences`` sequences: a
request for N candidates is N sequences, and no more than its share when other lanes are free) and
decodes them as one batch. A request for more candidates than its share while other lanes are free
is split: its candidates are decoded in parts, one per lane, and reported together. Each request
streams its own events and can be cancelled on its own: it stops taking part in the batch at its
next token.

Requests, their events and their handles live in :mod:`interviewer.serving.handles`.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, runtime_checkable

from interviewer.dialog.inputs import PromptInputs
from interviewer.serving.generator import Cancel, Cancelled, Candidate, GenerationConfig, OnPiece
from interviewer.serving.handles import (
    GenerationRequest,
    Handle,
    split_candidates,
)

log = logging.getLogger(__name__)

GATHER_S = 0.005  # a free worker waits this long for more requests before choosing its batch


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
        cancel: Cancel = None,
        on_piece: OnPiece = None,
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
