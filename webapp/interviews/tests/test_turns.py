"""The turn lifecycle (webapp.interviews.turns): one claim per turn across processes, events in order,
one cancellation rule, and answers stored once however often they are sent."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from interviewer.dialog.gate import tail
from interviewer.dialog.inputs import GroundingFact, PromptInputs, PromptStyle
from interviewer.dialog.policy import TurnPlan
from interviewer.feedback import report as feedback
from interviewer.serving.engine import GenerationEngine
from interviewer.serving.generator import Cancelled, TemplateGenerator
from interviewer.vocabulary import Act, Source
from tests.interview_helpers import next_turn, start
from webapp.interviews import interviews, turns
from webapp.interviews.models import InterviewSession, Turn
from webapp.serving import models_registry

ANSWER = "I migrated our PostgreSQL database to version 15 with zero downtime in 2023."


@pytest.fixture
def engine_of(monkeypatch):  # type: ignore[no-untyped-def]
    def use(generator):  # type: ignore[no-untyped-def]
        engine = GenerationEngine(lambda: generator)
        monkeypatch.setattr(models_registry, "engine", lambda: engine)
        return engine

    return use


class Failing(TemplateGenerator):
    name = "failing"

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("the model fell over")


class EndsTheInterview(TemplateGenerator):
    """Ends the interview (another tab pressed End) while the turn is being decoded."""

    name = "ends"

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        done = threading.Event()

        def end_elsewhere() -> None:
            interviews.end(self.session_id)
            done.set()

        threading.Thread(target=end_elsewhere).start()  # its own connection, like another process
        done.wait(5)
        yield from super().stream(inputs, cancel)


class CancelledMidway(TemplateGenerator):
    name = "cancelled"

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        yield "Half a"
        raise Cancelled()


@pytest.mark.django_db(transaction=True)
def test_it_lets_one_worker_claim_a_turn_until_its_lease_lapses(users, settings):
    settings.TURN_LEASE_SECONDS = 30
    session = start(users[0])
    first = turns.claim(session.pk)
    assert first is not None and first.index == 0
    assert turns.claim(session.pk) is None  # a second process finds the claim live
    assert turns.renew(first)

    InterviewSession.objects.filter(pk=session.pk).update(claim_expires=timezone.now() - timedelta(seconds=1))
    second = turns.claim(session.pk)  # the first one stopped renewing: taken over
    assert second is not None and second.owner != first.owner
    assert not turns.renew(first)  # the first learns it lost the turn at its next renewal


@pytest.mark.django_db(transaction=True)
def test_it_saves_a_turn_only_for_the_claim_holder(users):
    session = start(users[0])
    first = turns.claim(session.pk)
    pending = interviews.plan_next(session.pk, first.index)
    InterviewSession.objects.filter(pk=session.pk).update(claim_expires=timezone.now() - timedelta(seconds=1))
    second = turns.claim(session.pk)

    assert turns.save(first, pending, turns.Draft("Late words?", "model")) is None
    saved = turns.save(second, pending, turns.Draft("Thanks for coming. What brings you here?", "model"))
    assert saved is not None and saved.index == 0
    assert list(session.turns.values_list("text", flat=True)) == ["Thanks for coming. What brings you here?"]
    session.refresh_from_db()
    assert (session.claim_index, session.claim_owner, session.claim_expires) == (None, "", None)


@pytest.mark.django_db(transaction=True)
def test_it_yields_thinking_then_the_saved_words_then_the_turn_and_nothing_after_the_state(users):
    session = start(users[0])
    events = turns.run_turn_sync(session.pk)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "thinking" and kinds[-2:] == ["turn", "state"]
    assert set(kinds[1:-2]) == {"token"}
    tokens = [e for e in events if e["type"] == "token"]
    text = "".join(t["text"] for t in tokens)
    assert text == events[-2]["text"] == Turn.objects.get(session=session, index=0).text
    assert [t["offset"] for t in tokens] == [len("".join(t["text"] for t in tokens[:i])) for i in range(len(tokens))]
    assert events[-1] == {"type": "state", "status": "active", "awaiting": "answer"}


@pytest.mark.django_db(transaction=True)
def test_it_does_nothing_while_another_worker_holds_the_turn(users):
    session = start(users[0])
    assert turns.claim(session.pk, owner="other-host:1:abc") is not None
    assert turns.run_turn_sync(session.pk) == []
    assert not session.turns.exists()


@pytest.mark.django_db(transaction=True)
def test_it_falls_back_to_a_template_when_the_model_fails_and_releases_nothing_twice(users, engine_of):
    session = start(users[0])
    engine_of(Failing())
    turn = next_turn(session)
    assert turn.source == "template" and turn.text.endswith("?")
    session.refresh_from_db()
    assert session.claim_owner == ""


class PassesOnTheSecondRound(TemplateGenerator):
    """Mumbles in the streamed first round; writes a usable question in the fallback round."""

    name = "second-round"

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[PromptInputs] = []

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        self.seen.append(inputs)
        if len(self.seen) == 1:  # the streamed candidate
            yield "Hmm."
            return
        yield from super().stream(inputs, cancel)


@pytest.mark.parametrize(
    ("candidates", "source", "counts"),
    [(2, "second-round", {"decoded": 3, "passed": 2}), (0, "template", {"decoded": 1, "passed": 0})],
)
@pytest.mark.django_db(transaction=True)
def test_a_fallback_round_without_exemplars_comes_before_the_template(
    users, engine_of, settings, candidates, source, counts
):
    settings.GENERATOR_CANDIDATES = candidates
    session = start(users[0])
    generator = PassesOnTheSecondRound()
    engine_of(generator)
    events = turns.run_turn_sync(session.pk)
    turn = Turn.objects.get(session=session, index=0)
    assert turn.source == source and turn.text.endswith("?")
    assert turn.candidates == counts and len(generator.seen) == counts["decoded"]
    first, fallback = generator.seen[0], generator.seen[1:]
    assert all(inputs.exemplars == [] for inputs in fallback)  # the fallback round shows no exemplar
    assert all(f.stage == first.stage and f.facts == first.facts and f.history == first.history for f in fallback)
    shown = "".join(e["text"] for e in events if e["type"] == "token")
    assert shown == turn.text and "Hmm" not in shown  # the refused words were never shown


class ThenRambles(TemplateGenerator):
    """A first sentence that passes, then a question that names a figure nobody gave."""

    name = "rambles"

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        yield "Thanks for that."
        yield " How did you cut the budget by 73% in 2019?"


@pytest.mark.django_db(transaction=True)
def test_it_never_takes_back_a_shown_sentence_and_ends_on_a_template_question(users, engine_of):
    session = start(users[0])
    engine_of(ThenRambles())
    events = turns.run_turn_sync(session.pk)
    turn = Turn.objects.get(session=session, index=0)
    shown = "".join(e["text"] for e in events if e["type"] == "token")
    assert shown == turn.text == "Thanks for that. What draws you to this role?"
    assert "73%" not in shown and turn.source == "rambles+template"
    assert interviews.turn_source(turn) == "model"  # its first sentence is the model's


class Stalls(TemplateGenerator):
    """Decodes far slower than the deadline allows, until it is cancelled."""

    name = "stalls"

    def __init__(self) -> None:
        super().__init__()
        self.cancelled = threading.Event()

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        while cancel is None or not cancel.wait(0.05):
            pass
        self.cancelled.set()
        raise Cancelled()


@pytest.mark.django_db(transaction=True)
def test_it_decides_every_turn_by_the_deadline_with_a_template(users, engine_of, settings):
    settings.TURN_DEADLINE_S = 0.5
    session = start(users[0])
    generator = Stalls()
    engine_of(generator)
    turn = next_turn(session)
    assert turn is not None and turn.source == "template" and turn.text.endswith("?")
    assert generator.cancelled.wait(5)  # the stalled decode was stopped, not left running
    assert turn.first_word_ms is not None and turn.latency_ms is not None


@pytest.mark.django_db(transaction=True)
def test_it_drops_a_cancelled_turn_instead_of_saving_a_template(users, engine_of):
    session = start(users[0])
    engine_of(CancelledMidway())
    events = turns.run_turn_sync(session.pk)
    assert [e["type"] for e in events] == ["thinking"]
    assert not session.turns.exists()
    session.refresh_from_db()
    assert session.claim_owner == ""  # released: the next attempt may start at once


@pytest.mark.django_db(transaction=True)
def test_it_drops_the_turn_when_the_interview_ends_while_it_is_generated(users, engine_of):
    session = start(users[0])
    engine_of(EndsTheInterview(session.pk))
    events = turns.run_turn_sync(session.pk)
    assert "turn" not in [e["type"] for e in events]
    assert not session.turns.exists()
    session.refresh_from_db()
    assert session.status == InterviewSession.Status.ENDED


@pytest.mark.django_db(transaction=True)
def test_it_stores_a_resent_answer_once(users):
    session = start(users[0])
    next_turn(session)
    first, created = interviews.add_answer(session, ANSWER, client_id="a-1")
    again, created_again = interviews.add_answer(session, ANSWER, client_id="a-1")
    assert created and not created_again and again.pk == first.pk
    assert session.turns.filter(role=Turn.Role.CANDIDATE).count() == 1
    assert interviews.turn_payload(again)["client_id"] == "a-1"


@pytest.mark.django_db(transaction=True)
def test_it_says_nothing_more_after_the_closing_but_the_report(users):
    session = start(users[0], questions=2)
    while (turn := next_turn(session)) is not None and turn.act != Act.CLOSING:
        interviews.add_answer(session, ANSWER)
    session.refresh_from_db()
    assert session.status == InterviewSession.Status.ENDED and session.report
    assert turns.run_turn_sync(session.pk) == []


def test_a_follow_up_on_an_off_topic_answer_brings_the_talk_back_to_work_without_the_model():
    question, digression = "How do you run Kubernetes upgrades?", "I bake sourdough bread and go kayaking at weekends."
    inputs = PromptInputs(
        "Platform Engineer", Act.FOLLOW_UP, history=[("interviewer", question), ("candidate", digression)]
    )
    plan = TurnPlan(Act.FOLLOW_UP, f"follow-up on {feedback.OFF_TOPIC_ANSWER}")
    pending = interviews.Pending(1, 2, plan, inputs, [question], 0.0, digression)

    assert turns.spoken_request(pending) is None and turns.requests_for(pending, 6) == []  # no model asked
    draft = turns.choose(pending, [], "template")
    assert draft.source == "template" and "work" in draft.text and "sourdough" not in draft.text

    vague = interviews.Pending(1, 2, TurnPlan(Act.FOLLOW_UP, "follow-up on a vague answer"), inputs, [question], 0.0)
    assert turns.spoken_request(vague) is not None  # any other follow-up is the model's to write


def test_a_behavioral_question_with_no_fact_is_the_template_s_not_the_model_s():
    inputs = PromptInputs(
        "Billing Specialist", Act.BEHAVIORAL, history=[("interviewer", "Hello?"), ("candidate", "Hi.")]
    )
    pending = interviews.Pending(1, 6, TurnPlan(Act.BEHAVIORAL, "plan exhausted: behavioral question"), inputs, [], 0.0)

    assert turns.spoken_request(pending) is None and turns.requests_for(pending, 6) == []  # nothing to invent from
    draft = turns.choose(pending, [], "template")
    assert draft.source == "template" and draft.text.startswith(("Tell me about a time", "Describe a situation"))

    grounded = replace(inputs, facts=[GroundingFact("resume", "Reconciled 14 accounts each month.")])
    on_a_fact = interviews.Pending(1, 6, TurnPlan(Act.BEHAVIORAL, "behavioral question"), grounded, [], 0.0)
    assert turns.spoken_request(on_a_fact) is not None


def test_the_words_shown_are_the_words_saved_even_when_a_continuation_is_glued_on():
    speech = turns.Speech(4, 0.0)
    events = speech.say("This role") + speech.say("'s main duty is on-call.") + speech.say(" How do you feel about it?")
    assert speech.shown == "This role's main duty is on-call. How do you feel about it?"
    assert "".join(str(e["text"]) for e in events) == speech.shown
    assert [e["offset"] for e in events] == [
        len("".join(str(x["text"]) for x in events[:i])) for i in range(len(events))
    ]


class RefusedThenContinued(TemplateGenerator):
    """After the code's start of a probe ("This role"): a greedy sentence that names a figure nobody
    gave, then sampled candidates that continue the same start with the fact."""

    name = "continues"

    def __init__(self) -> None:
        super().__init__()
        self.calls: dict[str, int] = {}

    def stream(self, inputs, cancel=None):  # type: ignore[no-untyped-def]
        if inputs.prefix not in ("This role", "The role"):
            yield from super().stream(inputs, cancel)
            return
        key = f"{len(inputs.history)}"
        self.calls[key] = self.calls.get(key, 0) + 1
        if self.calls[key] == 1:
            yield f"{inputs.prefix} grew its budget by 73% in 2019. How did you do that?"
            return
        fact = next(f.text for f in inputs.facts if f.source == "job").rstrip(".")
        yield f"{inputs.prefix} asks for {fact[:1].lower() + fact[1:]}. {tail(inputs.stage, fact)}"


@pytest.mark.django_db(transaction=True)
def test_a_refused_sentence_after_the_codes_start_gets_one_round_that_continues_the_same_start(
    users, engine_of, settings, monkeypatch
):
    settings.GENERATOR_CANDIDATES = 2
    monkeypatch.setattr(models_registry, "prompt_style", lambda: PromptStyle.INSTRUCT)
    session = start(users[0], questions=6)
    engine_of(RefusedThenContinued())
    probes = []
    while (turn := next_turn(session)) is not None and turn.act != Act.CLOSING:
        if turn.act in (Act.REQUIREMENT_PROBE, Act.GAP_PROBE):
            probes.append(turn)
        interviews.add_answer(session, ANSWER)
    assert probes
    for turn in probes:
        assert turn.text.startswith(("This role asks for", "The role asks for")) and "73%" not in turn.text
        assert turn.source == "continues" and turn.candidates == {"decoded": 3, "passed": 1}


def test_a_continuation_is_the_passing_candidate_that_keeps_the_shown_start():
    fact = "Hands-on experience running Kubernetes clusters in production."
    inputs = PromptInputs("Platform Engineer", Act.REQUIREMENT_PROBE, [GroundingFact(Source.JOB, fact)])
    pending = interviews.Pending(1, 4, TurnPlan(Act.REQUIREMENT_PROBE, "probe"), inputs, [], 0.0, "")
    good = "This role runs Kubernetes clusters in production. Where have you run Kubernetes clusters?"
    decoded = [
        ("This role grew 73% in 2019. How?", -0.1),  # refused: a figure nobody gave
        ("The role runs Kubernetes clusters in production. Where have you run them?", -0.1),  # another start
        (good, -0.5),
    ]
    assert turns._best_continuation(pending, "This role", decoded) == good
    assert turns._best_continuation(pending, "This role", decoded[:2]) == ""
