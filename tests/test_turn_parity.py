"""The live app and its evaluation decide a turn's words alike (interviewer.dialog.turn): for the same
case, webapp.interviews.turns and training.evaluate_generator build the same requests, judge against the same
context (the documents' words included) and choose the same words."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from interviewer.dialog import ranker, turn
from interviewer.dialog.inputs import PromptStyle
from interviewer.dialog.policy import InterviewSettings, TurnPlan
from interviewer.encoders import HashingEncoder
from interviewer.matching.selector import FactRef, Selection
from interviewer.vocabulary import Act, Reason
from training import evaluate_generator
from training.data import catalog
from webapp.documents import services
from webapp.interviews import interviews, turns
from webapp.interviews.interviews import TEMPLATE
from webapp.serving import models_registry

ROOT = Path(__file__).resolve().parent.parent
DIALOGS, FIXTURES = ROOT / "fixtures" / "dialogs.jsonl", ROOT / "fixtures"
ACTS = (Act.REQUIREMENT_PROBE, Act.GAP_PROBE, Act.RESUME_DEEP_DIVE, Act.FOLLOW_UP, Act.CANDIDATE_QUESTIONS, Act.CLOSING)
JUNK = ("Hmm.", -0.2)


@pytest.fixture(scope="module")
def evaluated() -> list[evaluate_generator.Case]:
    """A test-split case of each act, as the evaluation builds it (exemplars from the training split)."""
    bank = evaluate_generator.training_bank(DIALOGS, FIXTURES, HashingEncoder())
    test = evaluate_generator.cases(DIALOGS, FIXTURES, "test", bank)
    return [next(c for c in test if c.example.stage is act and c.example.history) for act in ACTS]


def live(case: evaluate_generator.Case) -> interviews.Pending:
    """The same turn as the app plans it: a probe on its first fact with the resume evidence beside it,
    any other act on every fact shown."""
    facts = [FactRef(i, f.source, "requirements", f.text, i) for i, f in enumerate(case.inputs.facts)]
    if case.example.stage.is_probe and facts:
        selections = (Selection(facts[0], 1.0, Reason.GAP, facts[1] if len(facts) > 1 else None),)
    else:
        selections = tuple(Selection(f, 1.0, Reason.ANSWER_LINK) for f in facts)
    plan = TurnPlan(case.example.stage, "planned", selections)
    index = len(case.example.history)
    return interviews.Pending(7, index, plan, case.inputs, case.asked, 0.0, case.last_answer, case.known_words)


@pytest.fixture(params=list(PromptStyle))
def style(request, monkeypatch, settings):  # type: ignore[no-untyped-def]
    settings.GENERATOR_TEMPLATES_ONLY = False
    monkeypatch.setattr(models_registry, "prompt_style", lambda: request.param)
    return request.param


def test_the_evaluation_knows_the_words_of_its_documents(evaluated):
    assert all(len(c.known_words) > 100 for c in evaluated)  # the resume's and the posting's, not the facts'
    assert all(c.turn.known_words == c.known_words for c in evaluated)


def test_it_builds_the_same_requests(evaluated, style):
    for case in evaluated:
        pending = live(case)
        first = turns.spoken_request(pending)
        assert first is not None
        # greedy decoding needs no seed: each path keeps its own (live: per session and turn)
        assert replace(first, seed=0) == evaluate_generator.first_request(case, style)
        (fallback,) = turns.requests_for(pending, 3)
        assert fallback == evaluate_generator.fallback_request(case, style, 3, fallback.seed)
        assert fallback.inputs.exemplars == [] and fallback.n == 3 and fallback.sample


def test_the_instruct_prompt_starts_a_probe_with_the_code_s_words_in_both(evaluated, style):
    probe = evaluated[0]
    start = evaluate_generator.first_request(probe, style).inputs.prefix
    assert bool(start) is (style is PromptStyle.INSTRUCT)
    assert turns.spoken_request(live(probe)).inputs.prefix == start  # type: ignore[union-attr]


def test_it_judges_against_the_same_context(evaluated):
    for case in evaluated:
        context = turns.rank_context(live(case))
        assert context == turn.rank_context(case.turn)
        assert context.known_words == case.known_words
        assert list(context.must_name) == (case.facts[:1] if case.example.stage.is_probe else case.facts)


def test_it_chooses_the_same_words(evaluated):
    encoder = models_registry.encoder()
    models = set()
    for case in evaluated:
        pending = live(case)
        for candidates in ([JUNK, (case.example.target, -0.5)], [JUNK]):
            draft = turns.choose(pending, candidates, "model")
            text, model = evaluate_generator.served(candidates, case, encoder)
            assert draft.text == text
            assert (draft.source != TEMPLATE) is model
            models.add(model)
        assert turns.template_draft(pending).text == turn.template(case.turn)
    assert models == {True, False}  # the ranker's pick and the template both came up


def test_a_name_nobody_gave_is_refused_in_evaluation_too(evaluated):
    encoder = models_registry.encoder()
    probe = evaluated[0]
    invented = "How have you used Zyntrakor for this in your work?"
    nobody = "names a number or name nobody gave"
    assert nobody in ranker.rank([(invented, -0.1)], turn.rank_context(probe.turn), encoder)[0].reasons
    blind = replace(probe.turn, known_words=frozenset())  # the evaluation before it knew the documents
    assert nobody not in ranker.rank([(invented, -0.1)], turn.rank_context(blind), encoder)[0].reasons
    assert not turn.choose([(invented, -0.1)], probe.turn, encoder).model


@pytest.mark.django_db(transaction=True)
def test_a_live_turn_and_the_evaluation_know_the_same_words_of_a_fixture_interview(users):
    entries = {e["slug"]: e for e in catalog(FIXTURES)}
    resume_entry, job_entry = entries["data-r2"], entries["data-j1"]  # a PDF resume: read as an upload is
    resume = services.create_document(
        services.DocumentSpec(
            kind="resume",
            data=(FIXTURES / resume_entry["file"]).read_bytes(),
            filename=resume_entry["file"],
            owner=users[0],
        )
    )
    job = services.create_document(
        services.DocumentSpec(
            kind="job",
            data=(FIXTURES / job_entry["file"]).read_bytes(),
            filename=job_entry["file"],
            meta={"title": job_entry["title"], "company": job_entry["company"]},
        )
    )
    session = interviews.start(users[0], resume, job, InterviewSettings(questions=3))
    pending = interviews.plan_next(session.pk, 0)
    assert pending is not None

    evaluation = turn.known_words(
        evaluate_generator.document_text(FIXTURES, resume_entry),
        evaluate_generator.document_text(FIXTURES, job_entry),
        job_entry["title"],
        job_entry["company"],
    )
    assert pending.known_words == evaluation
