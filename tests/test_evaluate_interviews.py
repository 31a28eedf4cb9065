"""The figures of whole scripted interviews (training.evaluate_interviews.score_interviews)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from interviewer.encoders import HashingEncoder
from interviewer.vocabulary import Act
from training.evaluate_interviews import EvalTurn, score_interviews

FACT = "Production PostgreSQL database experience"
ROOT = Path(__file__).resolve().parent.parent


def interview(closing: str, invitation: str = "What would you like to know about the team?") -> list[EvalTurn]:
    return [
        EvalTurn("interviewer", "Welcome! What drew you to this job?", Act.OPENING, (), "model", 1.0),
        EvalTurn("candidate", "I like building payment systems."),
        EvalTurn(
            "interviewer",
            "How have you run PostgreSQL databases in production?",
            Act.REQUIREMENT_PROBE,
            (FACT,),
            "model",
            2.0,
        ),
        EvalTurn("candidate", "I'm not sure, it depends."),
        EvalTurn(
            "interviewer", "Which database did you run, and what was your own part?", Act.FOLLOW_UP, (), "template", 0.1
        ),
        EvalTurn("candidate", "Postgres, I ran the upgrades."),
        EvalTurn("interviewer", invitation, Act.CANDIDATE_QUESTIONS, (), "model", 1.5),
        EvalTurn("candidate", "How big is the team?"),
        EvalTurn("interviewer", closing, Act.CLOSING, (), "model", 3.0),
    ]


def test_it_scores_sources_grounding_questions_follow_ups_and_closings():
    interviews = [
        interview("Thank you for your time today; we'll be in touch."),
        # a timeline nobody gave, and a question that invites none of the candidate's
        interview("Thanks! Expect an answer within two weeks.", "What do you look forward to in your next role?"),
    ]

    figures = score_interviews(interviews, HashingEncoder())

    assert figures["turns"] == 10 and figures["interviews"] == 2
    assert figures["model_share"] == 0.8  # the follow-ups were templates
    assert figures["probe_grounding"] == 1.0
    assert figures["question_rate"] == 1.0
    assert figures["exact_repeats"] == 0 and figures["near_repeat_rate"] == 0.0
    assert figures["follow_ups"] == 2 and figures["follow_up_relevance"] == 0.0  # names nothing said
    assert figures["closings_that_close"] == 0.5
    assert figures["invitations_that_invite"] == 0.5
    assert figures["instruction_restatements"] == 0
    assert figures["first_word_p50_s"] == 1.5


def test_it_counts_a_recital_of_the_instructions_wording():
    figures = score_interviews([interview("That's a good answer. Thank the candidate and close.")], HashingEncoder())

    assert figures["instruction_restatements"] == 1


def test_a_closing_that_asks_without_a_question_mark_does_not_close():
    figures = score_interviews(
        [interview("Thanks, that's useful. Tell me about your approach to the team.")], HashingEncoder()
    )

    assert figures["closings_that_close"] == 0.0


@pytest.mark.django_db(transaction=True)
def test_the_command_writes_as_many_whole_interviews_as_asked(tmp_path):
    resumes = sorted(str(p) for p in (ROOT / "fixtures" / "resumes").iterdir())[:2]
    jobs = sorted(str(p) for p in (ROOT / "fixtures" / "jobs").iterdir())[:2]
    out = tmp_path / "interviews.json"

    call_command(
        "evaluate_interviews",
        resumes=resumes,
        jobs=jobs,
        pairs=3,
        questions=3,
        systems=["template"],
        samples=2,
        json_out=str(out),
    )

    run = json.loads(out.read_text())["template"]
    assert run["scores"]["interviews"] == 3 and len(run["samples"]) == 2  # 3 interviewed, 2 written out
    assert all(turn["role"] in ("interviewer", "candidate") for interview in run["samples"] for turn in interview)
