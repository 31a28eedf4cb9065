"""Candidate pages: sign-up, practice page, resume upload, starting an interview, reports, downloads."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from interviewer.vocabulary import Act
from tests import docfactory
from tests.interview_helpers import RESUME_TEXT, documents, next_turn, start
from webapp.documents.models import Fact, JobPosting, Resume
from webapp.interviews import interviews
from webapp.interviews.models import InterviewSession, Turn
from webapp.serving import models_registry

ANSWER = (
    "When our team had to move the ledger, my goal was zero downtime. I built a dual-write layer and "
    "migrated 2 million rows, which cut query time by 40%."
)


@pytest.fixture(autouse=True)
def clean_engine():  # type: ignore[no-untyped-def]
    """Turns use the process-wide engine: start each test with a fresh one and stop it after."""
    models_registry.reset_engine()
    yield
    models_registry.reset_engine()


@pytest.fixture
def alice_client(client, users):  # type: ignore[no-untyped-def]
    client.force_login(users[0])
    return client


def messages_of(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in response.context["messages"]]


def answered_interview(owner) -> InterviewSession:  # type: ignore[no-untyped-def]
    """A session with a question, an answer and the next question, all through the service."""
    session = start(owner)
    next_turn(session)
    interviews.add_answer(session, ANSWER)
    next_turn(session)
    return session


# ---------------------------------------------------------------------------
# Accounts


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("history"),
        reverse("new_interview", args=[1]),
        reverse("interview", args=[1]),
        reverse("report", args=[1]),
        reverse("transcript", args=[1, "md"]),
    ],
)
def test_it_redirects_anonymous_visitors_to_the_login_page(client, url):
    r = client.get(url)

    assert r.status_code == 302
    assert r.url == f"{reverse('login')}?next={url}"


@pytest.mark.django_db
def test_it_requires_a_login_to_upload(client):
    r = client.post(reverse("upload_resume"), {"text": RESUME_TEXT})

    assert r.status_code == 302 and r.url.startswith(reverse("login"))
    assert not Resume.objects.exists()


@pytest.mark.django_db
def test_it_signs_up_and_logs_in(client):
    r = client.post(
        reverse("signup"),
        {"username": "dana", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"},
    )

    assert r.status_code == 302 and r.url == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.context["user"].username == "dana"
    assert home.context["user"].check_password("a-long-passphrase-42")


@pytest.mark.django_db
def test_it_refuses_a_sign_up_with_mismatched_passwords(client, django_user_model):
    r = client.post(
        reverse("signup"), {"username": "dana", "password1": "a-long-passphrase-42", "password2": "something-else-42"}
    )

    assert r.status_code == 200
    assert r.context["form"].errors["password2"]
    assert not django_user_model.objects.filter(username="dana").exists()
    assert not r.context["user"].is_authenticated


# ---------------------------------------------------------------------------
# The practice page


@pytest.mark.django_db
def test_it_lists_only_my_resumes(alice_client, users):
    alice, bob, _ = users
    documents(alice)
    documents(bob)

    r = alice_client.get(reverse("home"))

    assert [resume.label for resume in r.context["resumes"]] == ["alice CV"]
    assert "alice CV" in r.content.decode()
    assert "bob CV" not in r.content.decode()


@pytest.fixture
def jobs(db):  # type: ignore[no-untyped-def]
    def job(title: str, company: str, seniority: str) -> JobPosting:
        return JobPosting.objects.create(title=title, company=company, seniority=seniority, text=title)

    return [
        job("Backend Engineer", "Acme", "senior"),
        job("Data Analyst", "Globex", "junior"),
        job("Staff Nurse", "Acme Health", "mid"),
        job("Warehouse Operative", "Initech", ""),
    ]


@pytest.mark.parametrize(
    "params, titles",
    [
        ({}, ["Backend Engineer", "Data Analyst", "Staff Nurse", "Warehouse Operative"]),
        ({"seniority": ""}, ["Backend Engineer", "Data Analyst", "Staff Nurse", "Warehouse Operative"]),
        ({"q": "analyst"}, ["Data Analyst"]),
        ({"q": "ACME"}, ["Backend Engineer", "Staff Nurse"]),
        ({"q": "initech"}, ["Warehouse Operative"]),
        ({"seniority": "junior"}, ["Data Analyst"]),
        ({"q": "acme", "seniority": "mid"}, ["Staff Nurse"]),
        ({"q": "acme", "seniority": "not-a-level"}, ["Backend Engineer", "Staff Nurse"]),
        ({"q": "astronaut"}, []),
    ],
    ids=["all", "any-level", "title", "company", "company-2", "level", "company-and-level", "unknown-level", "none"],
)
def test_it_searches_jobs_by_title_or_company_and_filters_by_seniority(alice_client, jobs, params, titles):
    r = alice_client.get(reverse("home"), params)

    assert [job.title for job in r.context["jobs"]] == titles
    assert r.context["job_count"] == len(titles)
    page = r.content.decode()
    for job in jobs:
        assert (reverse("new_interview", args=[job.pk]) in page) == (job.title in titles)


# ---------------------------------------------------------------------------
# Resume upload


@pytest.mark.django_db
def test_it_uploads_a_pdf_resume(alice_client, users):
    upload = SimpleUploadedFile("dana.pdf", docfactory.pdf_bytes(), content_type="application/pdf")

    r = alice_client.post(reverse("upload_resume"), {"file": upload, "label": ""}, follow=True)

    resume = Resume.objects.get()
    assert resume.owner == users[0]
    assert resume.label == "Dana Whitfield"
    assert resume.source_file == "dana.pdf"
    facts = list(resume.facts.values_list("text", flat=True))
    assert "Cut API p95 latency by 35% by adding Redis caching" in facts
    assert r.redirect_chain == [("/", 302)]
    assert messages_of(r) == [f"Uploaded “Dana Whitfield”: {len(facts)} facts found."]


@pytest.mark.django_db
def test_it_uploads_pasted_resume_text(alice_client, users):
    r = alice_client.post(reverse("upload_resume"), {"text": RESUME_TEXT, "label": "Pasted CV"}, follow=True)

    resume = Resume.objects.get()
    assert (resume.owner, resume.label, resume.source_file) == (users[0], "Pasted CV", "")
    assert "Mentored four junior engineers" in resume.facts.values_list("text", flat=True)
    assert all(f.embedding_model for f in resume.facts.all())
    assert messages_of(r)[0].startswith("Uploaded “Pasted CV”")


@pytest.mark.django_db
def test_it_returns_to_a_page_on_this_site_after_an_upload(alice_client):
    r = alice_client.post(reverse("upload_resume"), {"text": RESUME_TEXT, "next": reverse("history")})

    assert r.status_code == 302 and r.url == reverse("history")


@pytest.mark.django_db
def test_it_never_redirects_off_site_after_an_upload(alice_client):
    r = alice_client.post(reverse("upload_resume"), {"text": RESUME_TEXT, "next": "https://evil.example.com/phish"})

    assert r.status_code == 302
    assert url_has_allowed_host_and_scheme(r.url, allowed_hosts={"testserver"}), r.url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        ({"file": ("broken.pdf", b"%PDF-1.4 nonsense")}, "broken.pdf is not a readable PDF"),
        ({"file": ("empty.txt", b"")}, "The submitted file is empty."),
        ({"file": ("photo.jpg", b"\xff\xd8\xff\xe0 jpeg")}, "photo.jpg: unsupported file type .jpg"),
        ({"text": "   "}, "Choose a file or paste your resume."),
        ({}, "Choose a file or paste your resume."),
    ],
)
def test_it_shows_an_error_and_stores_nothing_for_a_bad_upload(alice_client, data, message):
    if "file" in data:
        name, content = data["file"]
        data = {"file": SimpleUploadedFile(name, content)}

    r = alice_client.post(reverse("upload_resume"), data, follow=True)

    assert r.redirect_chain == [(reverse("home"), 302)]
    (shown,) = messages_of(r)
    assert message in shown
    assert not Resume.objects.exists()
    assert not Fact.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_upload_over_the_size_limit(alice_client, settings):
    settings.MAX_UPLOAD_MB = 1
    big = ("Built REST APIs in Python for 2 million users.\n" * 30_000).encode()
    assert len(big) > 1024 * 1024

    r = alice_client.post(reverse("upload_resume"), {"file": SimpleUploadedFile("cv.txt", big)}, follow=True)

    (shown,) = messages_of(r)
    assert shown.startswith("cv.txt is 1.3 MB; the limit is 1 MB")
    assert not Resume.objects.exists()
    assert not Fact.objects.exists()


# ---------------------------------------------------------------------------
# Starting an interview


@pytest.mark.django_db
def test_it_shows_covered_requirements_and_gaps_before_starting(alice_client, users):
    resume, job = documents(users[0])

    r = alice_client.get(reverse("new_interview", args=[job.pk]))

    assert r.context["resume"] == resume
    rows = r.context["report"]["requirements"]
    covered = [row["requirement"]["text"] for row in rows if not row["gap"]]
    gaps = [row["requirement"]["text"] for row in rows if row["gap"]]
    assert covered == ["Production PostgreSQL database experience", "Building REST APIs in Python"]
    assert gaps == ["Certified forklift operator licence"]
    page = r.content.decode()
    covered_part, gaps_part = page.split("Gaps to prepare for")
    assert all(text in covered_part and text not in gaps_part for text in covered)
    assert all(text in gaps_part and text not in covered_part for text in gaps)
    assert "Migrated the production PostgreSQL database to version 15" in covered_part  # the evidence


@pytest.mark.django_db
def test_it_starts_an_interview_and_opens_the_chat_page(alice_client, users):
    resume, job = documents(users[0])
    form = {"resume": resume.pk, "length": "questions", "questions": 4, "minutes": 15, "kind": "behavioral"}

    r = alice_client.post(reverse("new_interview", args=[job.pk]), form)

    session = InterviewSession.objects.get()
    assert r.status_code == 302 and r.url == reverse("interview", args=[session.pk])
    assert (session.candidate, session.resume, session.job) == (users[0], resume, job)
    assert session.status == InterviewSession.Status.ACTIVE
    assert (session.settings["questions"], session.settings["minutes"], session.settings["kind"]) == (
        4,
        None,
        "behavioral",
    )
    assert session.settings["plan"]
    assert (session.settings["style"], session.settings["mode"]) == ("neutral", "practice")  # the defaults
    chat = alice_client.get(r.url)
    assert chat.status_code == 200
    assert chat.context["session"] == session


@pytest.mark.django_db
def test_it_starts_an_interview_in_the_style_and_mode_chosen(alice_client, users):
    resume, job = documents(users[0])
    form = {"resume": resume.pk, "length": "questions", "questions": 4, "minutes": 15, "kind": "mixed"}

    alice_client.post(reverse("new_interview", args=[job.pk]), form | {"style": "demanding", "mode": "real"})
    refused = alice_client.post(reverse("new_interview", args=[job.pk]), form | {"style": "rude"})

    assert [(s.settings["style"], s.settings["mode"]) for s in InterviewSession.objects.all()] == [
        ("demanding", "real")
    ]
    assert "style" in refused.context["form"].errors


@pytest.mark.django_db
def test_it_starts_a_timed_interview(alice_client, users):
    resume, job = documents(users[0])
    form = {"resume": resume.pk, "length": "minutes", "questions": 6, "minutes": 20, "kind": "mixed"}

    alice_client.post(reverse("new_interview", args=[job.pk]), form)

    assert InterviewSession.objects.get().settings["minutes"] == 20.0


@pytest.mark.django_db
def test_it_shows_form_errors_and_starts_nothing(alice_client, users):
    resume, job = documents(users[0])
    form = {"resume": resume.pk, "length": "questions", "questions": 1, "minutes": 15, "kind": "mixed"}

    r = alice_client.post(reverse("new_interview", args=[job.pk]), form)

    assert r.status_code == 200
    assert "questions" in r.context["form"].errors
    assert not InterviewSession.objects.exists()


@pytest.mark.django_db
def test_it_never_uses_another_users_resume(client, users):
    alice, bob, _ = users
    resume, job = documents(alice)
    client.force_login(bob)

    page = client.get(reverse("new_interview", args=[job.pk]), {"resume": resume.pk})
    posted = client.post(
        reverse("new_interview", args=[job.pk]),
        {"resume": resume.pk, "length": "questions", "questions": 4, "minutes": 15, "kind": "mixed"},
    )

    assert page.context["resume"] is None
    assert "alice CV" not in page.content.decode()
    assert posted.status_code == 200
    assert not InterviewSession.objects.exists()


@pytest.mark.django_db
def test_it_gives_404_for_an_unknown_job(alice_client):
    assert alice_client.get(reverse("new_interview", args=[999])).status_code == 404


# ---------------------------------------------------------------------------
# Sessions: isolation, report, transcripts, history


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, extra",
    [("interview", []), ("report", []), ("transcript", ["md"]), ("transcript", ["json"])],
)
def test_it_hides_another_users_session(client, users, name, extra):
    alice, bob, _ = users
    session = start(alice)
    interviews.end(session)
    client.force_login(bob)

    assert client.get(reverse(name, args=[session.pk, *extra])).status_code == 404


@pytest.mark.django_db
def test_it_gives_404_for_an_unknown_transcript_format(alice_client, users):
    session = start(users[0])

    assert alice_client.get(reverse("transcript", args=[session.pk, "pdf"])).status_code == 404
    assert alice_client.get(reverse("transcript", args=[session.pk, "md"])).status_code == 200


@pytest.mark.django_db
def test_it_sends_an_active_interview_from_the_report_back_to_the_chat(alice_client, users):
    session = start(users[0])

    r = alice_client.get(reverse("report", args=[session.pk]))

    assert r.status_code == 302 and r.url == reverse("interview", args=[session.pk])


@pytest.mark.django_db
def test_it_shows_the_report_of_an_ended_interview(alice_client, users):
    session = answered_interview(users[0])
    report = interviews.end(session)

    r = alice_client.get(reverse("report", args=[session.pk]))

    assert r.status_code == 200
    page = r.content.decode()
    assert report["summary"] in page
    assert report["summary"].startswith("1 answer(s)")
    assert ANSWER in page
    assert reverse("transcript", args=[session.pk, "md"]) in page
    assert [t.pk for t in r.context["turns"]] == list(session.turns.order_by("index").values_list("pk", flat=True))


@pytest.mark.django_db
def test_it_shows_a_table_per_question_and_quotes_the_answers_in_the_report(alice_client, users):
    session = answered_interview(users[0])
    session.turns.filter(index=session.turns.order_by("-index").first().index).update(act=Act.CANDIDATE_QUESTIONS)
    interviews.add_answer(session, "What does the on-call rota look like?")
    report = interviews.end(session)

    page = alice_client.get(reverse("report", args=[session.pk])).content.decode()

    assert report["summary"].startswith("1 answer(s)")
    assert report["strengths"][0].startswith("Your strongest answer") and "40%" in report["strengths"][0]
    assert 'class="table verdicts"' in page and 'data-label="Verdict"' in page
    assert "Your strongest answer" in page and "on topic" in page
    assert "Your questions to the interviewer" in page and "What does the on-call rota look like?" in page
    assert "your question · not graded" in page


@pytest.mark.django_db
def test_it_downloads_the_transcript_as_markdown(alice_client, users):
    session = answered_interview(users[0])
    saved = list(session.turns.order_by("index"))

    r = alice_client.get(reverse("transcript", args=[session.pk, "md"]))

    assert r["Content-Type"] == "text/markdown; charset=utf-8"
    assert r["Content-Disposition"] == f'attachment; filename="interview-{session.pk}.md"'
    text = r.content.decode()
    assert text.startswith("# Mock interview: Backend Engineer")
    assert [t.role for t in saved] == [Turn.Role.INTERVIEWER, Turn.Role.CANDIDATE, Turn.Role.INTERVIEWER]
    for turn in saved:
        who = "Interviewer" if turn.role == Turn.Role.INTERVIEWER else "You"
        assert f"**{who}:** {turn.text}" in text
    for fact in saved[2].grounding:
        assert f"> grounded on {fact['source']}: {fact['text']}" in text


@pytest.mark.django_db
def test_it_downloads_the_transcript_as_json(alice_client, users):
    session = answered_interview(users[0])
    interviews.end(session)

    r = alice_client.get(reverse("transcript", args=[session.pk, "json"]))

    assert r["Content-Type"] == "application/json"
    assert r["Content-Disposition"] == f'attachment; filename="interview-{session.pk}.json"'
    data = json.loads(r.content)
    saved = list(session.turns.order_by("index"))
    assert [(t["index"], t["role"], t["text"], t["act"]) for t in data["turns"]] == [
        (t.index, t.role, t.text, t.act) for t in saved
    ]
    assert data["turns"][1]["text"] == ANSWER
    assert data["status"] == "ended"
    assert data["report"]["summary"].startswith("1 answer(s)")
    assert "plan" not in data["settings"]


@pytest.mark.django_db
def test_it_lists_only_my_interviews(client, users):
    alice, bob, _ = users
    mine = [start(alice), start(alice)]
    theirs = start(bob)
    interviews.end(mine[0])
    client.force_login(alice)

    r = client.get(reverse("history"))

    assert {s.pk for s in r.context["sessions"]} == {s.pk for s in mine}
    page = r.content.decode()
    assert reverse("report", args=[mine[0].pk]) in page
    assert reverse("interview", args=[mine[1].pk]) in page
    assert reverse("interview", args=[theirs.pk]) not in page


# ---------------------------------------------------------------------------
# `manage.py interview`


@pytest.mark.django_db
def test_it_runs_a_scripted_interview_from_the_command_line(users, tmp_path):
    resume, job = documents(users[0])
    answers = tmp_path / "answers.txt"
    answers.write_text("\n".join(f"{ANSWER} Answer number {i}." for i in range(20)), encoding="utf-8")
    out = tmp_path / "interview.json"
    stdout = io.StringIO()

    arguments = ["--resume", resume.pk, "--job", job.pk, "--answers", answers, "--json", out]
    call_command("interview", *map(str, arguments), stdout=stdout)

    data = json.loads(out.read_text(encoding="utf-8"))
    turns = data["turns"]
    assert turns, "no turns were written"
    for turn in turns:
        assert {"role", "text", "grounding", "reason"} <= set(turn)
        assert turn["role"] in ("interviewer", "candidate") and turn["text"]
        assert all(set(g) == {"source", "text"} and g["source"] in ("resume", "job") for g in turn["grounding"])
    questions = [t["text"] for t in turns if t["role"] == "interviewer" and t["text"].endswith("?")]
    assert len(set(questions)) >= 3
    assert all(t["reason"] for t in turns if t["role"] == "interviewer")
    assert any(t["grounding"] for t in turns if t["role"] == "interviewer")
    assert turns[-1]["role"] == "interviewer" and turns[-1]["act"] == Act.CLOSING
    answers_given = [t["text"] for t in turns if t["role"] == "candidate"]
    assert answers_given == [f"{ANSWER} Answer number {i}." for i in range(len(answers_given))]
    assert data["status"] == "ended" and data["report"]["summary"] in stdout.getvalue()
    assert f"Transcript written to {out}" in stdout.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("which, message", [("resume", "no resume with id 999"), ("job", "no job posting with id 999")])
def test_it_refuses_unknown_documents_on_the_command_line(users, which, message):
    resume, job = documents(users[0])
    ids = {"resume": str(resume.pk), "job": str(job.pk), which: "999"}

    with pytest.raises(CommandError, match=message):
        call_command("interview", "--resume", ids["resume"], "--job", ids["job"], stdout=io.StringIO())

    assert not InterviewSession.objects.exists()
