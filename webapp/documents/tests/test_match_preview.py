"""The match preview and the interview on real-looking documents: boilerplate is no requirement,
an empty gap column says so, and a posting with too few askable facts still gets an interview."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interviewer.dialog.policy import InterviewSettings
from interviewer.vocabulary import Act
from tests.interview_helpers import next_turn
from webapp.documents import services
from webapp.documents.models import Fact
from webapp.interviews import interviews

# One paragraph, as a CSV export delivers it: requirements, then pay, legal text and a footer.
FLAT_JOB = (
    "Brightwell Care is hiring a payroll officer for our Leeds office. Requirements Payroll experience with Sage "
    "Knowledge of pension auto-enrolment Benefits: Highly competitive base pay and benefits. "
    "We are an equal opportunity employer. Copyright 2019 Brightwell Care. All rights reserved."
)
RESUME = """Ines Okoro

EXPERIENCE
Payroll Officer, Harbour Trust | 2019 - 2024
- Ran monthly payroll in Sage for 1,200 staff
- Set up pension auto-enrolment for three new sites
"""
ALL_BOILERPLATE_JOB = (
    "NIGHT PORTER Competitive pay, paid holidays and free parking. Apply in person at the front desk. "
    "We are an equal opportunity employer."
)


def create(kind: str, text: str, owner=None, **meta):  # type: ignore[no-untyped-def]
    return services.create_document(services.DocumentSpec(kind=kind, text=text, meta=meta, owner=owner))


@pytest.fixture
def alice_client(client, users):  # type: ignore[no-untyped-def]
    client.force_login(users[0])
    return client


@pytest.mark.django_db
def test_it_stores_whether_a_fact_is_askable_and_its_context(users):
    job = create("job", FLAT_JOB, title="Payroll Officer")
    resume = create("resume", RESUME, owner=users[0], label="Ines")
    assert job.facts.filter(askable=False, text__icontains="equal opportunity").exists()
    ran = resume.facts.get(text__startswith="Ran monthly payroll")
    assert ran.askable and "Harbour Trust" in ran.context


@pytest.mark.django_db
def test_it_shows_no_boilerplate_in_the_preview_and_says_when_there_are_no_gaps(alice_client, users):
    job = create("job", FLAT_JOB, title="Payroll Officer")
    create("resume", RESUME, owner=users[0], label="Ines")
    page = alice_client.get(reverse("new_interview", args=[job.pk])).content.decode()
    rows = alice_client.get(reverse("new_interview", args=[job.pk])).context["report"]["requirements"]
    assert [r["requirement"]["text"] for r in rows] == [
        "Payroll experience with Sage",
        "Knowledge of pension auto-enrolment",
    ]
    assert not any(r["gap"] for r in rows)
    for junk in ("competitive base pay", "equal opportunity", "Copyright", "All rights reserved"):
        assert junk not in page
    covered, gaps = page.split("Gaps to prepare for")
    assert "Ran monthly payroll in Sage for 1,200 staff" in covered  # the supporting sentence
    assert "No gaps found" in gaps


@pytest.mark.django_db
def test_it_says_no_gaps_found_on_the_admin_match_page(admin_client, users):
    job = create("job", FLAT_JOB, title="Payroll Officer")
    resume = create("resume", RESUME, owner=users[0], label="Ines")
    page = admin_client.get(reverse("admin:documents_resume_match", args=[resume.pk]), {"job": job.pk}).content.decode()
    assert "no gaps found" in page
    assert "equal opportunity" not in page


@pytest.mark.django_db(transaction=True)
def test_it_gives_a_posting_without_askable_facts_a_behavioral_interview(users, alice_client):
    job = create("job", ALL_BOILERPLATE_JOB, title="Night Porter")
    resume = create("resume", RESUME, owner=users[0], label="Ines")
    assert job.facts.exists() and not job.facts.filter(askable=True).exists()
    page = alice_client.get(reverse("new_interview", args=[job.pk])).content.decode()
    assert "behavioral questions about the Night Porter role" in page

    session = interviews.start(users[0], resume, job, InterviewSettings(questions=4, kind="mixed"))
    hidden = set(Fact.objects.filter(askable=False).values_list("pk", flat=True))
    asked = []
    for answer in ("I have worked nights before.", "I stay calm.", "I write things down.", "No questions."):
        turn = next_turn(session)
        if turn is None:
            break
        asked.append(turn)
        assert not {g["fact_id"] for g in turn.grounding} & hidden
        interviews.add_answer(session, answer)
    assert asked[0].act == Act.OPENING and "Night Porter" in asked[0].text
    assert {t.act for t in asked[1:]} <= {Act.BEHAVIORAL, Act.RESUME_DEEP_DIVE, Act.FOLLOW_UP, Act.CANDIDATE_QUESTIONS}
    assert not any(t.act in (Act.REQUIREMENT_PROBE, Act.GAP_PROBE) for t in asked)
