"""The answer timer: its target, what it notes of each answer, and the report rows it annotates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interviewer.dialog.policy import InterviewSettings
from tests.interview_helpers import documents, next_turn
from webapp.interviews import interviews, timing
from webapp.interviews.models import Turn


def test_the_target_gives_typed_answers_words_for_their_minutes():
    assert timing.target(None) is None and timing.target(0) is None
    assert timing.target(120) == {"seconds": 120, "words": 2 * timing.TYPED_WORDS_PER_MINUTE}


def test_a_typed_answer_is_timed_from_its_question_and_counted_in_words():
    question = Turn(role=Turn.Role.INTERVIEWER, text="Why this job?")
    answer = Turn(role=Turn.Role.CANDIDATE, text=" ".join(["word"] * 200))
    question.created = timezone.now()
    answer.created = question.created + timedelta(seconds=95)

    noted = timing.note(answer, question, {"seconds": 120, "words": 150})

    assert noted == {"text": "200 words in 1:35; target about 150 words", "over": True, "seconds": 95}


def test_a_spoken_answer_is_held_to_its_speech_time_and_pace():
    answer = Turn(role=Turn.Role.CANDIDATE, text="...", delivery={"speech_seconds": 71.4, "wpm": 142})
    noted = timing.note(answer, None, {"seconds": 60, "words": 75})
    assert noted == {"text": "spoken in 1:11 of 1:00, 142 words a minute", "over": True, "seconds": 71}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seconds", [None, 120])
def test_the_report_notes_each_answers_time_only_when_the_interview_had_a_timer(client, users, seconds):
    resume, job = documents(users[0])
    session = interviews.start(users[0], resume, job, InterviewSettings(questions=3), answer_seconds=seconds)
    next_turn(session)
    interviews.add_answer(session, "I moved our PostgreSQL database to version 15 with zero downtime.")
    report = interviews.end(session)

    client.force_login(users[0])
    page = client.get(reverse("report", args=[session.pk])).content.decode()
    chat = client.get(reverse("interview", args=[session.pk])).content.decode()

    (row,) = [r for r in report["rows"] if r["graded"]]
    if seconds is None:
        assert "timing" not in row and "Timer: " not in page and "answer-timer" not in chat
    else:
        assert row["timing"]["text"].startswith("11 words in 0:") and row["timing"]["over"] is False
        assert "Timer: 11 words in" in page
        assert 'data-answer-seconds="120"' in chat and 'id="answer-timer"' in chat


@pytest.mark.django_db
def test_the_start_form_takes_an_answer_timer_and_refuses_another_length(client, users):
    resume, job = documents(users[0])
    client.force_login(users[0])
    form = {"resume": resume.pk, "length": "questions", "questions": 3, "minutes": 15, "kind": "mixed"}

    client.post(reverse("new_interview", args=[job.pk]), form | {"answer_seconds": "180"})
    refused = client.post(reverse("new_interview", args=[job.pk]), form | {"answer_seconds": "7"})

    assert [s.settings["answer_seconds"] for s in users[0].interviews.all()] == [180]
    assert "answer_seconds" in refused.context["form"].errors
