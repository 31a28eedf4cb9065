"""Answer a question again inside the interview (practice mode): each attempt kept beside the first."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from interviewer.dialog.policy import InterviewSettings
from tests.interview_helpers import documents, next_turn
from webapp.interviews import again, interviews

FIRST = "I did some database work."
BETTER = "At Acme I migrated our PostgreSQL database to version 15 with zero downtime, cutting query time by 40%."


def answered(user, mode: str = "practice"):  # type: ignore[no-untyped-def]
    resume, job = documents(user)
    session = interviews.start(user, resume, job, InterviewSettings(questions=3, mode=mode))
    next_turn(session)
    turn, _ = interviews.add_answer(session, FIRST)
    return session, turn


def post(client, session, index: int, body: object):  # type: ignore[no-untyped-def]
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(reverse("answer_again", args=[session.pk, index]), data, content_type="application/json")


@pytest.mark.django_db(transaction=True)
def test_an_answer_given_again_is_kept_beside_the_first_with_its_own_line(client, users):
    session, turn = answered(users[0])
    client.force_login(users[0])

    response = post(client, session, turn.index, {"text": BETTER})

    assert response.status_code == 200
    data = response.json()
    assert data["index"] == turn.index and data["first"] == turn.feedback and data["left"] == again.MAX_ATTEMPTS - 1
    (attempt,) = data["attempts"]
    assert attempt["text"] == BETTER and attempt["feedback"].startswith(("On topic", "Off topic"))
    turn.refresh_from_db()
    assert turn.text == FIRST and turn.attempts == data["attempts"]  # the first answer stands
    assert interviews.turn_payload(turn)["attempts"] == data["attempts"]  # a reload shows them
    next_turn(session)  # the interview goes on from the first answer
    report = interviews.end(session)
    assert report["rows"][0]["answer"] == FIRST and report["rows"][0]["attempts"][0]["text"] == BETTER
    page = client.get(reverse("report", args=[session.pk])).content.decode()
    assert "Answered again:" in page and BETTER in page


@pytest.mark.django_db(transaction=True)
def test_it_refuses_what_cannot_be_answered_again(client, users):
    session, turn = answered(users[0])
    client.force_login(users[1])
    assert post(client, session, turn.index, {"text": BETTER}).status_code == 404  # another's interview
    client.force_login(users[0])
    assert post(client, session, 0, {"text": BETTER}).json()["error"] == "no_such_answer"  # the question's turn
    assert post(client, session, turn.index, {"text": "  "}).status_code == 400
    assert post(client, session, turn.index, {"text": "x" * 5000}).json()["error"] == "answer_too_long"
    assert post(client, session, turn.index, "not json").status_code == 400
    assert client.get(reverse("answer_again", args=[session.pk, turn.index])).status_code == 405
    for _ in range(again.MAX_ATTEMPTS):
        assert post(client, session, turn.index, {"text": BETTER}).status_code == 200
    refused = post(client, session, turn.index, {"text": BETTER})
    assert refused.status_code == 409 and refused.json()["error"] == "too_many_attempts"
    interviews.end(session)
    assert post(client, session, turn.index, {"text": BETTER}).json()["error"] == "interview_ended"
    real, real_turn = answered(users[0], mode="real")
    assert post(client, real, real_turn.index, {"text": BETTER}).json()["error"] == "not_practice"
