"""GenerationEngine: one worker thread, FIFO, streaming events, cancellation and failures."""

from __future__ import annotations

import asyncio
import threading

import pytest

from interviewer.engine import CANCELLED, DONE, ERROR, TOKEN, GenerationEngine
from interviewer.generator import Cancelled, PromptInputs
from interviewer.vocabulary import Act

WAIT = 5  # seconds; every wait is bounded so that a broken engine fails instead of hanging


def request(name: str) -> PromptInputs:
    """A request told apart by its job title."""
    return PromptInputs(job_title=name, stage=Act.OPENING)


def pieces_for(inputs: PromptInputs) -> list[str]:
    return ["Tell", " me", " about", f" {inputs.job_title}", "?"]


class ScriptedGenerator:
    """Yields a few pieces derived from the job title; records the order of the requests it served."""

    name = "scripted"

    def __init__(self) -> None:
        self.served: list[str] = []

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        self.served.append(inputs.job_title)
        for piece in pieces_for(inputs):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            yield piece


class GatedGenerator(ScriptedGenerator):
    """Holds each request after its first piece until ``gate`` opens; reports when it is holding."""

    name = "gated"

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.gate = threading.Event()

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        for i, piece in enumerate(super().stream(inputs, cancel)):
            yield piece
            if i == 0:
                self.holding.set()
                # Wake up as soon as either the gate opens or the request is cancelled.
                while not self.gate.is_set() and not (cancel is not None and cancel.is_set()):
                    self.gate.wait(0.01)


class FailingGenerator(ScriptedGenerator):
    """Fails on the job title "boom" after one piece; serves the others normally."""

    name = "failing"

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        for piece in super().stream(inputs, cancel):
            yield piece
            if inputs.job_title == "boom":
                raise RuntimeError("the model fell over")


@pytest.fixture
def engines():  # type: ignore[no-untyped-def]
    """Builds engines and stops every one of them after the test."""
    made: list[GenerationEngine] = []

    def make(generator) -> GenerationEngine:  # type: ignore[no-untyped-def]
        engine = GenerationEngine(lambda: generator)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.stop()


def events(handle) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """All events of a handle, failing (not hanging) if the engine stops sending them."""
    out = []
    while True:
        kind, text = handle.events.get(timeout=WAIT)
        out.append((kind, text))
        if kind != TOKEN:
            return out


def test_it_streams_tokens_then_one_done_with_the_joined_text(engines):
    engine = engines(ScriptedGenerator())
    inputs = request("opening")

    seen = list(engine.submit(inputs))

    expected = pieces_for(inputs)
    assert seen[:-1] == [(TOKEN, piece) for piece in expected]
    assert seen[-1] == (DONE, "".join(expected))
    assert [kind for kind, _ in seen].count(DONE) == 1


def test_it_serves_requests_in_submission_order(engines):
    generator = GatedGenerator()
    engine = engines(generator)

    first = engine.submit(request("first"))
    assert generator.holding.wait(WAIT)
    second = engine.submit(request("second"))
    assert engine.pending() == 1  # the second waits while the first is being served
    generator.gate.set()

    assert events(first)[-1] == (DONE, "".join(pieces_for(request("first"))))
    assert events(second)[-1] == (DONE, "".join(pieces_for(request("second"))))
    assert generator.served == ["first", "second"]


def test_it_cancels_a_waiting_request_without_calling_the_generator(engines):
    generator = GatedGenerator()
    engine = engines(generator)

    first = engine.submit(request("first"))
    assert generator.holding.wait(WAIT)
    second = engine.submit(request("second"))
    second.cancel()
    generator.gate.set()

    assert events(second) == [(CANCELLED, "")]
    assert events(first)[-1][0] == DONE
    assert generator.served == ["first"]


def test_it_cancels_a_request_mid_stream(engines):
    generator = GatedGenerator()
    engine = engines(generator)
    inputs = request("long")

    handle = engine.submit(inputs)
    assert handle.events.get(timeout=WAIT) == (TOKEN, pieces_for(inputs)[0])
    handle.cancel()

    assert events(handle) == [(CANCELLED, "")]


def test_it_reports_an_error_and_keeps_serving(engines):
    engine = engines(FailingGenerator())

    failed = events(engine.submit(request("boom")))
    after = events(engine.submit(request("fine")))

    assert failed[0] == (TOKEN, "Tell")
    assert failed[-1] == (ERROR, "RuntimeError: the model fell over")
    assert after[-1] == (DONE, "".join(pieces_for(request("fine"))))


def test_it_reports_a_failed_load_as_an_error_and_retries_it(engines):
    attempts = []
    generator = ScriptedGenerator()

    def load():  # type: ignore[no-untyped-def]
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("no model files")
        return generator

    engine = GenerationEngine(load)
    try:
        assert events(engine.submit(request("first"))) == [(ERROR, "OSError: no model files")]
        assert events(engine.submit(request("second")))[-1][0] == DONE
    finally:
        engine.stop()
    assert len(attempts) == 2


def test_it_loads_the_model_once_for_many_requests():
    loads = []
    generator = ScriptedGenerator()

    def load():  # type: ignore[no-untyped-def]
        loads.append(1)
        return generator

    engine = GenerationEngine(load)
    try:
        handles = [engine.submit(request(f"request-{i}")) for i in range(6)]
        results = [events(h)[-1] for h in handles]
        assert engine.generator is generator
    finally:
        engine.stop()

    assert loads == [1]
    assert results == [(DONE, "".join(pieces_for(request(f"request-{i}")))) for i in range(6)]
    assert generator.served == [f"request-{i}" for i in range(6)]


def test_it_accepts_submissions_while_the_model_is_loading():
    """A slow first load must not block submit(): the consumer calls it from the shared sync thread."""
    loading, release = threading.Event(), threading.Event()
    generator = ScriptedGenerator()

    def load():  # type: ignore[no-untyped-def]
        loading.set()
        release.wait(WAIT)
        return generator

    engine = GenerationEngine(load)
    try:
        first = engine.submit(request("first"))
        assert loading.wait(WAIT)
        submitted = threading.Event()
        late: list = []
        threading.Thread(target=lambda: (late.append(engine.submit(request("second"))), submitted.set())).start()

        returned_while_loading = submitted.wait(1)

        release.set()
        assert returned_while_loading, "submit() blocked until the model finished loading"
        assert submitted.wait(WAIT)
        assert events(first)[-1][0] == DONE
        assert events(late[0])[-1][0] == DONE
    finally:
        release.set()
        engine.stop()


def test_it_restarts_the_worker_after_stop(engines):
    engine = engines(ScriptedGenerator())
    assert events(engine.submit(request("before")))[-1][0] == DONE

    engine.stop()

    assert events(engine.submit(request("after")))[-1] == (DONE, "".join(pieces_for(request("after"))))


@pytest.mark.asyncio
async def test_it_streams_events_to_asyncio_code(engines):
    engine = engines(ScriptedGenerator())
    inputs = request("async")

    async def collect() -> list[tuple[str, str]]:
        return [event async for event in engine.submit(inputs).aiter()]

    seen = await asyncio.wait_for(collect(), WAIT)

    assert seen == [(TOKEN, p) for p in pieces_for(inputs)] + [(DONE, "".join(pieces_for(inputs)))]


@pytest.mark.asyncio
async def test_it_cancels_from_asyncio_code(engines):
    generator = GatedGenerator()
    engine = engines(generator)
    handle = engine.submit(request("async"))

    async def collect() -> list[tuple[str, str]]:
        seen = []
        async for kind, text in handle.aiter():
            seen.append((kind, text))
            if kind == TOKEN:
                handle.cancel()
        return seen

    seen = await asyncio.wait_for(collect(), WAIT)

    assert seen == [(TOKEN, "Tell"), (CANCELLED, "")]
