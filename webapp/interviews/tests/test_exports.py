"""Exports mark each turn's source: the JSON and Markdown transcripts say, for every interviewer
turn, what it does (its act) and whether the model wrote it or it is a template question."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.interview_helpers import next_turn, start
from webapp.interviews import interviews
from webapp.interviews.models import InterviewSession, Turn
from webapp.serving import models_registry


@pytest.fixture(autouse=True)
def clean_engine():  # type: ignore[no-untyped-def]
    models_registry.reset_engine()
    yield
    models_registry.reset_engine()


@pytest.fixture
def session(users) -> InterviewSession:  # type: ignore[no-untyped-def]
    """Opening (a template question under FAKE_MODELS), an answer, and a turn the model wrote."""
    session = start(users[0])
    next_turn(session)
    interviews.add_answer(session, "I moved our PostgreSQL database to version 15 with zero downtime.")
    written = next_turn(session)
    assert written is not None
    written.source = "smollm2-135m+adapter-3"
    written.save(update_fields=["source"])
    return session


@pytest.fixture
def alice_client(client, users):  # type: ignore[no-untyped-def]
    client.force_login(users[0])
    return client


def test_it_gives_each_turn_its_source_and_act_in_json(alice_client, session):
    data = json.loads(alice_client.get(reverse("transcript", args=[session.pk, "json"])).content)

    saved = list(session.turns.order_by("index"))
    assert [(t["role"], t["source"], t["act"]) for t in data["turns"]] == [
        (Turn.Role.INTERVIEWER, "template", saved[0].act),
        (Turn.Role.CANDIDATE, None, ""),
        (Turn.Role.INTERVIEWER, "model", saved[2].act),
    ]


def test_it_marks_each_interviewer_turn_in_markdown(alice_client, session):
    text = alice_client.get(reverse("transcript", args=[session.pk, "md"])).content.decode()

    opening, answer, written = session.turns.order_by("index")
    assert f"**Interviewer:** {opening.text} _({opening.act.replace('_', ' ')}; template question)_" in text
    assert f"**Interviewer:** {written.text} _({written.act.replace('_', ' ')}; written by the model)_" in text
    assert f"**You:** {answer.text}\n" in text


def test_it_matches_the_source_the_chat_shows(session):
    for turn in session.turns.filter(role=Turn.Role.INTERVIEWER):
        assert interviews.turn_payload(turn)["source"] == interviews.transcript(session)["turns"][turn.index]["source"]


def test_a_spoken_answer_carries_its_delivery_in_both_exports(alice_client, session):
    answer = session.turns.get(role=Turn.Role.CANDIDATE)
    answer.delivery = {
        "words": 40,
        "speech_seconds": 18.2,
        "wpm": 132,
        "pace": "steady",
        "long_pauses": [{"after": "database", "seconds": 2.4, "at": 6.0}],
        "longest_pause": 2.4,
        "fillers": {"um": 2},
        "filler_count": 2,
    }
    answer.save(update_fields=["delivery"])

    data = json.loads(alice_client.get(reverse("transcript", args=[session.pk, "json"])).content)
    text = alice_client.get(reverse("transcript", args=[session.pk, "md"])).content.decode()

    assert data["turns"][answer.index]["delivery"]["wpm"] == 132
    assert "delivery" not in data["turns"][0]  # a typed or interviewer turn has none
    assert f"**You:** {answer.text}\n> spoken: 132 words a minute (steady), 1 long pause, 2 filler words\n" in text


def test_each_interviewer_turn_carries_its_ranker_score_in_json(alice_client, session):
    written = session.turns.get(index=2)
    written.score, written.candidates = 0.71, {"decoded": 6, "passed": 4}
    written.save(update_fields=["score", "candidates"])

    data = json.loads(alice_client.get(reverse("transcript", args=[session.pk, "json"])).content)

    assert data["turns"][2]["score"] == 0.71 and data["turns"][2]["candidates"] == {"decoded": 6, "passed": 4}
    assert "score" not in data["turns"][1]  # the candidate's answer
