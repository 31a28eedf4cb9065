"""GenerationEngine: batches, streaming events, candidates, cancellation, failures, asyncio delivery."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from interviewer.dialog.inputs import GroundingFact, PromptInputs
from interviewer.serving.engine import GenerationEngine, fit_batch
from interviewer.serving.generator import Cancelled, Candidate, TemplateGenerator
from interviewer.serving.handles import (
    CANCELLED,
    DONE,
    ERROR,
    TOKEN,
    Event,
    GenerationRequest,
    Handle,
    candidate_requests,
)
from interviewer.vocabulary import Act

WAIT = 5  # seconds; every wait is bounded so that a broken engine fails instead of hanging


def request(name: str) -> PromptInputs:
    """A request told apart by its job title."""
    return PromptInputs(job_title=name, stage=Act.OPENING)


def pieces_for(inputs: PromptInputs, candidate: int = 0) -> list[str]:
    ending = "?" if candidate == 0 else f"? ({candidate})"
    return ["Tell", " me", " about", f" {inputs.job_title}", ending]


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


class BatchingBackend:
    """A fake batching backend: decodes a whole batch step by step, one piece per sequence per step,
    like CTranslate2's callback; records each batch. Prompt length = the job title's length.

    ``hold(k)``: batch number ``k`` holds after its first step until its gate opens (so that
    others queue up meanwhile). A job title "unbuildable" fails in ``prepare``; "crash" makes the whole batch raise.
    Candidate i of a request with seed s is ``pieces_for(inputs, s + i)``.
    """

    name = "batching"
    max_spread = 100

    def __init__(self, max_sequences: int = 16, lanes: int = 1) -> None:
        self.max_sequences = max_sequences
        self.lanes = lanes
        self.batches: list[list[str]] = []
        self.decoded: list[list[tuple[str, int]]] = []  # (job title, candidates) of each batch, once decoded
        self.holds: dict[int, tuple[threading.Event, threading.Event]] = {}
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def hold(self, number: int) -> tuple[threading.Event, threading.Event]:
        """(holding, gate) for batch ``number``."""
        self.holds[number] = (threading.Event(), threading.Event())
        return self.holds[number]

    def prepare(self, request: GenerationRequest) -> list[str]:
        if request.inputs.job_title == "unbuildable":
            raise ValueError("the prompt does not fit")
        return list(request.inputs.job_title)

    def decode(self, handles: list[Handle]) -> None:
        self.batches.append([h.inputs.job_title for h in handles])
        if any(h.inputs.job_title == "crash" for h in handles):
            raise RuntimeError("the batch fell over")
        sequences = [(h, i) for h in handles for i in range(h.request.n)]
        texts: dict[tuple[int, int], str] = {}
        for step in range(5):
            for handle, i in sequences:
                if handle.cancelled:
                    continue  # this sequence stops; the others go on
                piece = pieces_for(handle.inputs, handle.request.seed + i)[step]  # a part's seeds go on
                texts[(id(handle), i)] = texts.get((id(handle), i), "") + piece
                handle.push(i, piece)
            if step == 0 and len(self.batches) - 1 in self.holds:
                holding, gate = self.holds[len(self.batches) - 1]
                holding.set()
                assert gate.wait(WAIT)
        for handle in handles:
            if handle.cancelled:
                handle.finish_cancelled()
            else:
                first = handle.request.seed
                handle.finish([Candidate(texts[(id(handle), i)], -1.0 - first - i, 5) for i in range(handle.request.n)])
        self.decoded.append([(h.inputs.job_title, h.request.n) for h in handles])


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


def events(handle: Handle) -> list[tuple[str, str]]:
    """All (kind, text) events of a handle, failing (not hanging) if the engine stops sending them."""
    return [(e.kind, e.text) for e in handle.iter(timeout=WAIT)]


def done(handle: Handle) -> Event:
    *_, last = handle.iter(timeout=WAIT)
    assert last.kind == DONE, last
    return last


def busy(engines, backend: BatchingBackend):  # type: ignore[no-untyped-def]
    """(engine, its first request, gate): the first request's batch holds its lane until the gate opens."""
    holding, gate = backend.hold(0)
    engine = engines(backend)
    first = engine.submit(request("first"))
    assert holding.wait(WAIT)
    return engine, first, gate


def test_it_streams_tokens_then_one_done_with_the_joined_text(engines):
    engine = engines(ScriptedGenerator())
    inputs = request("opening")

    seen = events(engine.submit(inputs))

    expected = pieces_for(inputs)
    assert seen[:-1] == [(TOKEN, piece) for piece in expected]
    assert seen[-1] == (DONE, "".join(expected))
    assert [kind for kind, _ in seen].count(DONE) == 1


def test_it_still_unpacks_events_as_kind_and_text(engines):
    engine = engines(ScriptedGenerator())
    inputs = request("opening")

    seen = [(kind, text) for kind, text in engine.submit(inputs)]

    assert seen[-1] == (DONE, "".join(pieces_for(inputs)))


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
    assert next(handle.iter(timeout=WAIT)).text == pieces_for(inputs)[0]
    handle.cancel()

    assert events(handle) == [(TOKEN, pieces_for(inputs)[0]), (CANCELLED, "")]


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


# ---------------------------------------------------------------------------
# Batches


def test_it_decodes_the_requests_waiting_together_in_one_batch(engines):
    backend = BatchingBackend()
    engine, first, gate = busy(engines, backend)
    waiting = [engine.submit(request(name)) for name in ("second", "third", "fourth")]
    gate.set()

    assert events(first)[-1] == (DONE, "".join(pieces_for(request("first"))))
    for handle in waiting:
        seen = events(handle)
        assert seen[:-1] == [(TOKEN, p) for p in pieces_for(handle.inputs)]  # each streams its own tokens
        assert seen[-1] == (DONE, "".join(pieces_for(handle.inputs)))
    assert backend.batches == [["first"], ["second", "third", "fourth"]]


@pytest.mark.parametrize("names", [("second",), ("r0", "r1", "r2", "r3")])
def test_a_free_lane_takes_every_waiting_request_while_the_other_lane_decodes(engines, names):
    backend = BatchingBackend(lanes=2)
    engine, first, gate = busy(engines, backend)
    with engine._select_lock:  # no lane chooses before all of them are waiting
        handles = [engine.submit(request(name)) for name in names]

    for handle in handles:  # decoded while the first holds
        assert events(handle)[-1] == (DONE, "".join(pieces_for(handle.inputs)))
    gate.set()
    assert events(first)[-1][0] == DONE
    assert backend.batches == [["first"], list(names)]


def test_it_shares_requests_waiting_together_out_among_the_free_lanes(engines):
    backend = BatchingBackend(lanes=2)
    engine = engines(backend)
    done(engine.submit(request("warm-up")))  # the model is loaded and both lanes' workers run
    holding, gate = backend.hold(1)  # the first of the next batches keeps its lane busy

    with engine._select_lock:  # no lane chooses before all four are waiting
        handles = [engine.submit(request(f"r{i}")) for i in range(4)]
    assert holding.wait(WAIT)
    rest = [h for h in handles if not h.finished and h.inputs.job_title not in backend.batches[1]]
    for handle in rest:
        done(handle)  # decoded on the other lane meanwhile
    gate.set()
    for handle in handles:
        done(handle)

    assert [len(batch) for batch in backend.batches[1:]] == [2, 2]


def test_it_keeps_a_batch_within_the_sequence_limit(engines):
    backend = BatchingBackend(max_sequences=4)
    engine, _, gate = busy(engines, backend)
    handles = [engine.submit(GenerationRequest(request(f"r{i}"), n=2, sample=True)) for i in range(3)]
    gate.set()

    for handle in handles:
        done(handle)
    assert backend.batches == [["first"], ["r0", "r1"], ["r2"]]


def test_it_cancels_one_request_of_a_batch_and_decodes_the_others(engines):
    backend = BatchingBackend()
    (first_holding, first_gate), (second_holding, second_gate) = backend.hold(0), backend.hold(1)
    engine = engines(backend)

    engine.submit(request("first"))
    assert first_holding.wait(WAIT)
    kept, dropped = engine.submit(request("kept")), engine.submit(request("dropped"))
    first_gate.set()
    assert second_holding.wait(WAIT)  # both have decoded one token together
    dropped.cancel()
    second_gate.set()

    assert backend.batches[1] == ["kept", "dropped"]
    assert events(dropped) == [(TOKEN, "Tell"), (CANCELLED, "")]
    assert events(kept)[-1] == (DONE, "".join(pieces_for(request("kept"))))


def test_it_returns_n_candidates_and_streams_only_the_first(engines):
    engine = engines(BatchingBackend())
    inputs = request("sampled")

    handle = engine.submit(GenerationRequest(inputs, n=3, sample=True, temperature=0.9))
    seen = list(handle.iter(timeout=WAIT))

    assert [e.text for e in seen if e.kind == TOKEN] == pieces_for(inputs)
    assert [c.text for c in seen[-1].candidates] == ["".join(pieces_for(inputs, i)) for i in range(3)]
    assert [c.mean_logprob for c in seen[-1].candidates] == [-1.0, -2.0, -3.0]


def test_a_lone_request_for_candidates_is_split_across_the_free_lanes(engines):
    backend = BatchingBackend(lanes=2)
    engine = engines(backend)
    done(engine.submit(request("warm-up")))  # the model is loaded and both lanes' workers run
    inputs = request("split")
    holding, gate = backend.hold(1)  # the first part keeps its lane until the second part is decoded

    handle = engine.submit(GenerationRequest(inputs, n=6, sample=True))
    assert holding.wait(WAIT)
    for _ in range(int(WAIT / 0.01)):
        if len(backend.decoded) == 2:
            break
        threading.Event().wait(0.01)
    assert backend.decoded[1] == [("split", 3)]  # the second part, on the other lane, meanwhile
    assert not handle.finished  # the request waits for every candidate
    gate.set()
    seen = list(handle.iter(timeout=WAIT))

    assert backend.batches[1:] == [["split"], ["split"]]
    assert [e.text for e in seen if e.kind == TOKEN] == pieces_for(inputs)  # candidate 0 streams, once
    assert [e.kind for e in seen].count(DONE) == 1
    assert [c.text for c in seen[-1].candidates] == ["".join(pieces_for(inputs, i)) for i in range(6)]
    assert [c.mean_logprob for c in seen[-1].candidates] == [-1.0 - i for i in range(6)]


def test_a_request_split_more_than_once_comes_back_whole_and_in_order(engines):
    backend = BatchingBackend(lanes=4)
    engine = engines(backend)
    done(engine.submit(request("warm-up")))
    inputs = request("split")

    last = done(engine.submit(GenerationRequest(inputs, n=6, sample=True, stream=False)))

    parts = [n for batch in backend.decoded[1:] for name, n in batch if name == "split"]
    assert len(parts) > 1 and sum(parts) == 6
    assert [c.text for c in last.candidates] == ["".join(pieces_for(inputs, i)) for i in range(6)]


def test_a_request_is_not_split_while_the_other_lane_decodes(engines):
    backend = BatchingBackend(lanes=2)
    engine, _, gate = busy(engines, backend)

    last = done(engine.submit(GenerationRequest(request("whole"), n=6, sample=True)))
    gate.set()

    assert backend.batches[1] == ["whole"] and backend.decoded[0] == [("whole", 6)]
    assert len(last.candidates) == 6


@pytest.mark.parametrize("ending", ["cancel", "fail"])
def test_a_split_request_ends_once_when_one_part_is_cancelled_or_fails(engines, ending):
    backend = BatchingBackend(lanes=2)
    engine = engines(backend)
    done(engine.submit(request("warm-up")))
    holding, gate = backend.hold(1)
    name = "crash" if ending == "fail" else "split"

    handle = engine.submit(GenerationRequest(request(name), n=4, sample=True, stream=False))
    if ending == "cancel":
        assert holding.wait(WAIT)
        handle.cancel()
    gate.set()
    seen = [e.kind for e in handle.iter(timeout=WAIT)]

    assert seen == ([CANCELLED] if ending == "cancel" else [ERROR])
    assert done(engine.submit(request("after"))).text == "".join(pieces_for(request("after")))


def test_it_sends_no_tokens_for_a_request_that_does_not_stream(engines):
    engine = engines(BatchingBackend())

    seen = list(engine.submit(GenerationRequest(request("quiet"), n=2, sample=True, stream=False)).iter(timeout=WAIT))

    assert [e.kind for e in seen] == [DONE]
    assert len(seen[0].candidates) == 2


def test_it_decodes_candidates_one_after_another_without_a_batching_backend(engines):
    engine = engines(TemplateGenerator())
    inputs = PromptInputs("Data Analyst", Act.REQUIREMENT_PROBE, [GroundingFact("job", "Advanced SQL")])

    last = done(engine.submit(GenerationRequest(inputs, n=3, sample=True)))

    assert len(last.candidates) == 3
    assert len({c.text for c in last.candidates}) == 1 and "SQL" in last.text  # the template names the fact's core
    assert all(c.tokens > 3 and c.mean_logprob == 0.0 for c in last.candidates)


def test_it_fails_only_the_request_whose_prompt_cannot_be_built(engines):
    backend = BatchingBackend()
    engine, _, gate = busy(engines, backend)
    bad, good = engine.submit(request("unbuildable")), engine.submit(request("good"))
    gate.set()

    assert events(bad) == [(ERROR, "ValueError: the prompt does not fit")]
    assert events(good)[-1][0] == DONE
    assert ["good"] in backend.batches


def test_it_fails_a_crashed_batch_and_serves_the_next(engines):
    backend = BatchingBackend()
    engine = engines(backend)

    crashed = events(engine.submit(request("crash")))
    after = events(engine.submit(request("after")))

    assert crashed == [(ERROR, "RuntimeError: the batch fell over")]
    assert after[-1][0] == DONE


def test_it_fits_batches_by_sampling_settings_size_and_prompt_length():
    def handle(name: str, prompt: int, n: int = 1, sample: bool = False) -> Handle:
        h = Handle(GenerationRequest(request(name), n=n, sample=sample))
        h.prompt = ["t"] * prompt
        return h

    oldest = handle("oldest", 100)
    same = handle("same", 110)
    sampled = handle("sampled", 100, sample=True)
    far = handle("far", 200)
    big = handle("big", 100, n=3)
    fits = handle("fits", 95)

    batch = fit_batch([oldest, same, sampled, far, big, fits], max_sequences=4, max_spread=16)

    assert [h.inputs.job_title for h in batch] == ["oldest", "same", "fits"]


def test_it_round_trips_requests_and_events_as_plain_data():
    import json

    inputs = PromptInputs(
        "Backend Engineer",
        Act.GAP_PROBE,
        [GroundingFact("job", "Kafka")],
        [("interviewer", "Hi?"), ("candidate", "Hello.")],
        "Acme",
    )
    req = GenerationRequest(inputs, n=6, sample=True, temperature=0.7, top_p=0.9, max_new_tokens=40, seed=3)
    event = Event(DONE, "a", (Candidate("a", -0.5, 2), Candidate("b", -1.5, 3)))

    assert GenerationRequest.from_dict(json.loads(json.dumps(req.as_dict()))) == req
    assert Event.from_dict(json.loads(json.dumps(event.as_dict()))) == event


def test_it_refuses_a_bad_request():
    with pytest.raises(ValueError, match="n must be at least 1"):
        GenerationRequest(request("x"), n=0)
    with pytest.raises(ValueError, match="temperature"):
        GenerationRequest(request("x"), sample=True, temperature=0)


def test_it_cancels_everything_and_releases_the_model_on_close():
    backend = BatchingBackend()
    holding, gate = backend.hold(0)
    engine = GenerationEngine(lambda: backend)
    decoding = engine.submit(request("decoding"))
    assert holding.wait(WAIT)
    waiting = engine.submit(request("waiting"))
    threading.Thread(target=lambda: (wait_until(lambda: decoding.cancelled), gate.set())).start()

    engine.close(timeout=WAIT)

    assert events(decoding)[-1] == (CANCELLED, "")
    assert events(waiting) == [(CANCELLED, "")]
    assert backend.closed


def wait_until(condition) -> None:  # type: ignore[no-untyped-def]
    for _ in range(500):
        if condition():
            return
        threading.Event().wait(0.01)


# ---------------------------------------------------------------------------
# asyncio


@pytest.mark.asyncio
async def test_it_streams_events_to_asyncio_code(engines):
    engine = engines(ScriptedGenerator())
    inputs = request("async")

    async def collect() -> list[tuple[str, str]]:
        return [(e.kind, e.text) async for e in engine.submit(inputs).aiter()]

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


@pytest.mark.asyncio
async def test_it_serves_many_async_consumers_without_executor_threads(engines):
    """50 interviews wait at once on a loop whose only executor thread is busy: none may need it."""
    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(max_workers=1)
    loop.set_default_executor(executor)
    busy = threading.Event()
    occupied = loop.run_in_executor(None, busy.wait, WAIT)
    backend = BatchingBackend()
    engine = engines(backend)

    async def collect(handle: Handle) -> list[str]:
        return [e.kind async for e in handle.aiter()]

    handles = [engine.submit(request(f"interview-{i}")) for i in range(50)]
    try:
        results = await asyncio.wait_for(asyncio.gather(*(collect(h) for h in handles)), WAIT)
    finally:
        busy.set()
        await occupied

    assert all(kinds == [TOKEN] * 5 + [DONE] for kinds in results)
    assert sum(len(batch) for batch in backend.batches) == 50
    assert len(backend.batches) < 50  # they were batched


@pytest.mark.asyncio
async def test_it_replays_events_sent_before_the_async_consumer_started(engines):
    engine = engines(ScriptedGenerator())
    handle = engine.submit(request("early"))
    events(handle)  # finished before anyone listened asynchronously

    seen = [e.kind async for e in handle.aiter()]

    assert seen == [TOKEN] * 5 + [DONE]


def test_it_times_out_a_sync_reader_instead_of_hanging():
    handle = Handle(GenerationRequest(request("never served")))

    with pytest.raises(TimeoutError):
        next(handle.iter(timeout=0.05))


class _Text:
    """A stand-in TextAssembler: each token id is a word; the utterance ends at id 9."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def push(self, token_id: int, log_prob: float) -> str:
        self.ids.append(token_id)
        return f" w{token_id}"

    @property
    def ended(self) -> bool:
        return 9 in self.ids


class _Step:
    def __init__(self, batch_id: int, hypothesis_id: int, token_id: int) -> None:
        self.batch_id, self.hypothesis_id, self.token_id, self.log_prob = batch_id, hypothesis_id, token_id, -0.1


def test_sampled_hypotheses_of_one_prompt_stream_to_their_own_candidates():
    from interviewer.serving.ct2_generator import _on_step, _Sequence

    class Pushes:
        cancelled = False

        def __init__(self) -> None:
            self.pieces: list[tuple[int, str]] = []

        def push(self, index: int, piece: str) -> None:
            self.pieces.append((index, piece))

    a, b = Pushes(), Pushes()
    sequences = [_Sequence(h, i, _Text(), cap=3) for h in (a, b) for i in range(2)]  # type: ignore[arg-type]
    stop = frozenset({0})

    assert _on_step(sequences, stop, 2, _Step(1, 1, 5)) is False  # request b, candidate 1
    assert _on_step(sequences, stop, 2, _Step(0, 0, 9)) is False  # a's candidate 0 ends; candidate 1 has not
    assert _on_step(sequences, stop, 2, _Step(0, 0, 7)) is False  # a finished candidate ignores the rest
    assert _on_step(sequences, stop, 2, _Step(0, 1, 0)) is True  # a stop token: every candidate of a is done

    assert a.pieces == [(0, " w9")] and b.pieces == [(1, " w5")]
    a.cancelled = True
    assert _on_step(sequences, stop, 2, _Step(0, 1, 4)) is True  # a cancelled request stops its batch entry


def test_a_turn_decodes_a_second_batch_without_exemplars_only_for_sampled_candidates():
    inputs = PromptInputs("SRE", Act.REQUIREMENT_PROBE, exemplars=["How did you run on-call?"])
    first, second = candidate_requests(inputs, 6, 1, seed=5)
    assert (first.n, first.sample, first.inputs.exemplars) == (6, True, ["How did you run on-call?"])
    assert (second.n, second.sample, second.inputs.exemplars) == (6, True, [])
    assert second.seed != first.seed and second.inputs.stage is Act.REQUIREMENT_PROBE
    assert inputs.exemplars == ["How did you run on-call?"]  # the turn's own inputs are untouched
    assert [r.sample for r in candidate_requests(inputs, 1, 3, seed=5)] == [False]  # greedy: one batch
    assert candidate_requests(inputs, 0, 1, seed=5) == []  # templates only


class CT2Tokenizer:
    """What CT2Generator asks of a tokenizer before it decodes."""

    eos_token_id = 2

    def convert_tokens_to_ids(self, token: str) -> int:
        return 3


class CT2Model:
    """A ctranslate2.Generator that records each generate_batch call and decodes nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[list[str]], dict[str, object]]] = []

    def generate_batch(self, prompts, **options):  # type: ignore[no-untyped-def]
        self.calls.append((prompts, options))
        return []


@pytest.mark.parametrize(("sample", "topk"), [(True, 50), (False, 1)])
def test_ctranslate2_samples_from_the_top_k_tokens_and_decodes_greedy_requests_greedily(sample, topk):
    from interviewer.serving.ct2_generator import CT2Generator

    model = CT2Model()
    generator = CT2Generator(model, CT2Tokenizer())  # type: ignore[arg-type]
    handle = Handle(GenerationRequest(request("sampled"), n=3 if sample else 1, sample=sample, seed=4))
    handle.prompt = ["<|im_start|>", "hello"]

    generator.decode([handle])

    assert model.calls[-1][1]["sampling_topk"] == topk
    assert handle.finished


def test_ctranslate2_reads_a_static_part_shared_by_the_whole_batch_once_and_keeps_its_state():
    from interviewer.serving.ct2_generator import CT2Generator, PromptTokens

    model = CT2Model()
    generator = CT2Generator(model, CT2Tokenizer(), cache_static=True)  # type: ignore[arg-type]

    def handle(prompt: PromptTokens) -> Handle:
        made = Handle(GenerationRequest(request("static")))
        made.prompt = prompt
        return made

    system = ["<system>", "be", "kind"]
    generator.decode([handle(PromptTokens([*system, "<user>", "a"], 3)), handle(PromptTokens([*system, "b"], 3))])
    prompts, options = model.calls[-1]
    assert options["static_prompt"] == system and prompts == [["<user>", "a"], ["b"]]

    other = PromptTokens(["<system>", "be", "brief", "c"], 3)  # another act's static part: nothing shared
    generator.decode([handle(PromptTokens([*system, "a"], 3)), handle(other)])
    prompts, options = model.calls[-1]
    assert options["static_prompt"] is None and prompts == [[*system, "a"], list(other)]

    generator.cache_static = False  # GENERATOR_PROMPT_CACHE's default: every prompt read whole
    generator.decode([handle(PromptTokens([*system, "a"], 3))])
    assert model.calls[-1][1]["static_prompt"] is None and model.calls[-1][0] == [[*system, "a"]]
