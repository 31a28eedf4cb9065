"""Practise one question again: the same words, a short session, and the two answers side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.interview_helpers import next_turn, start
from webapp.interviews import interviews, progress, retry
from webapp.interviews.models import InterviewSession, Turn

FIRST = "I did some database work."
AGAIN = "At Acme I migrated the production PostgreSQL database to version 15 with zero downtime, cutting costs by 20%."


def ended(user) -> tuple[InterviewSession, Turn]:  # type: ignore[no-untyped-def]
    session = start(user)
    question = next_turn(session)
    interviews.add_answer(session, FIRST)
    interviews.end(session)
    session.refresh_from_db()
    return session, question


@pytest.mark.django_db(transaction=True)
def test_it_asks_the_same_question_again_then_compares_the_two_answers(client, users):
    session, question = ended(users[0])
    client.force_login(users[0])

    response = client.post(reverse("practise_again", args=[session.pk, 1]))

    again = InterviewSession.objects.exclude(pk=session.pk).get()
    assert response.status_code == 302 and response.url == reverse("interview", args=[again.pk])
    asked = next_turn(again)
    assert (asked.text, asked.act, asked.source) == (question.text, question.act, "template")
    assert [g["text"] for g in asked.grounding] == [g["text"] for g in question.grounding]
    assert interviews.turn_payload(asked)["progress"] == {"question": 1, "of": 1, "follow_up": False}
    interviews.add_answer(again, AGAIN)
    closing = next_turn(again)
    assert closing.text == retry.CLOSING and next_turn(again) is None
    again.refresh_from_db()
    assert again.status == InterviewSession.Status.ENDED
    compared = again.report["retry"]
    assert (compared["before"]["answer"], compared["after"]["answer"]) == (FIRST, AGAIN)

    page = client.get(reverse("report", args=[again.pk])).content.decode()
    assert "Your two answers to this question" in page and FIRST in page and AGAIN in page
    assert "Practise this question again" not in page  # a retry is not retried from its own report
    first_page = client.get(reverse("report", args=[session.pk])).content.decode()
    assert reverse("practise_again", args=[session.pk, 1]) in first_page
    assert session.turns.count() == 2  # the first interview keeps its question and its answer, nothing added
    assert [a for (a,) in session.turns.filter(role="candidate").values_list("text")] == [FIRST]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_what_it_cannot_practise_again(client, users):
    session, _question = ended(users[0])
    client.force_login(users[1])
    assert client.post(reverse("practise_again", args=[session.pk, 1])).status_code == 404  # another's interview
    client.force_login(users[0])
    assert client.post(reverse("practise_again", args=[session.pk, 7])).status_code == 404  # no such question
    assert client.post(reverse("practise_again", args=[session.pk, 0])).status_code == 404
    assert client.get(reverse("practise_again", args=[session.pk, 1])).status_code == 405  # only by the button
    active = start(users[0])
    response = client.post(reverse("practise_again", args=[active.pk, 1]))
    assert response.status_code == 302 and response.url == reverse("interview", args=[active.pk])
    assert InterviewSession.objects.count() == 2  # nothing started


@pytest.mark.django_db(transaction=True)
def test_a_question_practised_again_stays_out_of_the_progress_charts(users):
    session, _question = ended(users[0])
    again = retry.start(users[0], session, 1)
    next_turn(again)
    interviews.add_answer(again, AGAIN)
    next_turn(again)
    assert [a.session_id for a in progress.attempts(users[0])] == [session.pk]
