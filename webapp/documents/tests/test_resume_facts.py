"""A candidate sees the facts read from their own resume and deletes wrong ones before an
interview: owner only, POST with CSRF, and a deleted fact stays deleted when the resume is
parsed again (the admin's Re-parse action, or a new text saved in the admin)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from interviewer.dialog.policy import InterviewSettings
from tests.interview_helpers import documents, next_turn
from webapp.documents import knowledge, services
from webapp.documents.models import Fact, JobPosting, Resume
from webapp.interviews import interviews

WRONG = "Built REST APIs in Python for 2 million users"


@pytest.fixture
def alice_client(client, users):  # type: ignore[no-untyped-def]
    client.force_login(users[0])
    return client


@pytest.fixture
def resume(users) -> Resume:  # type: ignore[no-untyped-def]
    return documents(users[0])[0]


def own_client(user) -> Client:  # type: ignore[no-untyped-def]
    """A second browser: the ``client`` fixture is the admin's in tests that use both."""
    client = Client()
    client.force_login(user)
    return client


def wrong_fact(resume: Resume) -> Fact:
    return resume.facts.get(text=WRONG)


def delete(client, fact: Fact, **extra):  # type: ignore[no-untyped-def]
    return client.post(reverse("delete_fact", args=[fact.resume_id, fact.pk]), extra)


def test_it_lists_the_facts_by_section_with_their_context(alice_client, resume):
    r = alice_client.get(reverse("resume_facts", args=[resume.pk]))

    assert r.status_code == 200
    [(label, facts)] = r.context["sections"]
    assert label == "Experience"
    assert WRONG in [f.text for f in facts]
    page = r.content.decode()
    assert WRONG in page
    assert "Backend Engineer, Acme" in page  # the context of the claims under the entry
    assert reverse("delete_fact", args=[resume.pk, wrong_fact(resume).pk]) in page


def test_it_links_the_facts_from_the_home_and_start_pages(alice_client, resume):
    job = documents_job(resume)
    home = alice_client.get(reverse("home")).content.decode()
    start = alice_client.get(reverse("new_interview", args=[job.pk])).content.decode()

    assert reverse("resume_facts", args=[resume.pk]) in home
    assert reverse("resume_facts", args=[resume.pk]) in start


def documents_job(resume: Resume) -> JobPosting:
    return JobPosting.objects.get()


def test_it_deletes_a_fact_with_a_post(alice_client, resume):
    fact = wrong_fact(resume)

    r = delete(alice_client, fact)

    assert r.status_code == 302 and r.url == reverse("resume_facts", args=[resume.pk])
    fact.refresh_from_db()
    assert fact.hidden
    page = alice_client.get(r.url)
    assert WRONG not in [f.text for _label, facts in page.context["sections"] for f in facts]
    assert [f.text for f in page.context["deleted"]] == [WRONG]


def test_it_restores_a_deleted_fact(alice_client, resume):
    fact = wrong_fact(resume)
    delete(alice_client, fact)

    alice_client.post(reverse("restore_fact", args=[resume.pk, fact.pk]))

    fact.refresh_from_db()
    assert not fact.hidden


def test_it_refuses_a_get_on_delete(alice_client, resume):
    fact = wrong_fact(resume)

    assert alice_client.get(reverse("delete_fact", args=[resume.pk, fact.pk])).status_code == 405
    fact.refresh_from_db()
    assert not fact.hidden


def test_it_needs_the_csrf_token(users, resume):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[0])
    fact = wrong_fact(resume)

    assert delete(client, fact).status_code == 403
    fact.refresh_from_db()
    assert not fact.hidden


def test_it_gives_404_for_another_users_resume_and_facts(client, users, resume):
    client.force_login(users[1])  # bob
    fact = wrong_fact(resume)

    assert client.get(reverse("resume_facts", args=[resume.pk])).status_code == 404
    assert delete(client, fact).status_code == 404
    assert client.post(reverse("restore_fact", args=[resume.pk, fact.pk])).status_code == 404
    fact.refresh_from_db()
    assert not fact.hidden


def test_it_gives_404_for_a_fact_of_another_resume(alice_client, users, resume):
    other = documents(users[0])[0]
    fact = wrong_fact(other)

    assert alice_client.post(reverse("delete_fact", args=[resume.pk, fact.pk])).status_code == 404


def test_it_redirects_anonymous_visitors_to_the_login_page(client, resume):
    r = client.get(reverse("resume_facts", args=[resume.pk]))

    assert r.status_code == 302 and r.url.startswith(reverse("login"))


def test_it_returns_to_the_start_page_it_came_from_and_nowhere_else(alice_client, resume):
    fact = wrong_fact(resume)
    back = reverse("new_interview", args=[1]) + "?resume=1"

    r = delete(alice_client, fact, next=back)
    page = alice_client.get(r.url).content.decode()
    evil = delete(alice_client, resume.facts.exclude(pk=fact.pk).first(), next="https://evil.example/")

    assert "next=" in r.url
    assert 'href="/jobs/1/interview/?resume=1"' in page
    assert evil.url == reverse("resume_facts", args=[resume.pk])


def test_it_leaves_deleted_facts_out_of_the_interview(alice_client, users, resume):
    fact = wrong_fact(resume)
    delete(alice_client, fact)
    job = documents_job(resume)

    assert fact.pk not in [f.id for f in knowledge.fact_set(resume).facts]
    report = knowledge.match(resume, job).as_dict()
    session = interviews.start(users[0], resume, job, InterviewSettings(questions=4))

    assert WRONG not in str(report)
    assert WRONG not in str(session.settings["plan"])


def test_it_counts_only_the_facts_left_on_the_home_page(alice_client, resume):
    total = resume.facts.count()
    delete(alice_client, wrong_fact(resume))

    r = alice_client.get(reverse("home"))

    assert [r.fact_count for r in r.context["resumes"]] == [total - 1]


def test_it_keeps_a_deleted_fact_deleted_when_the_resume_is_parsed_again(alice_client, resume):
    delete(alice_client, wrong_fact(resume))
    before = resume.facts.count()

    assert services.reparse(resume) == before

    assert list(resume.facts.filter(hidden=True).values_list("text", flat=True)) == [WRONG]
    assert resume.facts.filter(hidden=False).count() == before - 1


def test_it_keeps_it_deleted_through_the_admin_reparse_action(admin_client, users, resume):
    delete(own_client(users[0]), wrong_fact(resume))

    r = admin_client.post(
        reverse("admin:documents_resume_changelist"),
        {"action": "reparse_documents", "_selected_action": [resume.pk]},
        follow=True,
    )

    assert "Re-parsed 1 document(s)" in r.content.decode()
    assert wrong_fact(resume).hidden


def test_it_keeps_it_deleted_when_the_admin_saves_a_new_text(admin_client, users, resume):
    delete(own_client(users[0]), wrong_fact(resume))
    text = resume.text.replace("Mentored four junior engineers", "Mentored five junior engineers")

    r = admin_client.post(
        reverse("admin:documents_resume_change", args=[resume.pk]),
        {
            "owner": users[0].pk,
            "label": resume.label,
            "text": text,
            "facts-TOTAL_FORMS": "0",
            "facts-INITIAL_FORMS": "0",
        },
    )

    assert r.status_code == 302, r.content.decode()[:2000]
    assert wrong_fact(resume).hidden
    assert resume.facts.filter(text="Mentored five junior engineers", hidden=False).exists()


def test_it_recognises_a_fact_despite_case_spacing_and_end_punctuation():
    assert services.fact_key("  Built REST APIs  in Python. ") == services.fact_key("built rest apis in python")
    assert services.fact_key("Built REST APIs in Go") != services.fact_key("Built REST APIs in Python")


def test_it_leaves_hidden_job_facts_out_of_the_report_requirements(users):
    resume, job = documents(users[0])
    hidden = job.facts.get(text="Certified forklift operator licence")
    hidden.hidden = True
    hidden.save()
    session = interviews.start(users[0], resume, job, InterviewSettings(questions=2))
    next_turn(session)
    interviews.add_answer(session, "I moved our PostgreSQL database with zero downtime.")

    report = interviews.end(session)

    assert "forklift" not in str(report)


# -- correcting and adding facts


def test_it_corrects_a_fact_and_the_interview_uses_the_correction(alice_client, resume):
    fact = wrong_fact(resume)
    response = alice_client.post(
        reverse("edit_fact", args=[resume.pk, fact.pk]), {"text": "  Built REST APIs in Go for 2 million users "}
    )
    assert response.status_code == 302 and response.url.endswith(f"#fact-{fact.pk}")
    fact.refresh_from_db()
    assert fact.text == "Built REST APIs in Go for 2 million users" and fact.edited_from == WRONG
    assert fact.embedding  # embedded anew, as written
    page = alice_client.get(reverse("resume_facts", args=[resume.pk])).content.decode()
    assert "Corrected by you" in page and "Built REST APIs in Go" in page
    texts = [f.text for f in knowledge.fact_set(resume).facts]
    assert "Built REST APIs in Go for 2 million users" in texts and WRONG not in texts


def test_a_correction_and_an_added_fact_survive_a_new_parse(alice_client, resume):
    fact = wrong_fact(resume)
    alice_client.post(reverse("edit_fact", args=[resume.pk, fact.pk]), {"text": "Built REST APIs in Go"})
    alice_client.post(
        reverse("add_fact", args=[resume.pk]), {"section": "skills", "text": "Tableau dashboards for sales"}
    )
    services.reparse(resume)
    texts = dict(resume.facts.values_list("text", "section"))
    assert texts["Built REST APIs in Go"] == resume.facts.get(edited_from=WRONG).section
    assert WRONG not in texts and texts["Tableau dashboards for sales"] == "skills"
    added = resume.facts.get(text="Tableau dashboards for sales")
    assert added.added and added.position == resume.facts.count() - 1 and added.embedding


def test_it_adds_a_fact_in_the_chosen_section(alice_client, resume):
    response = alice_client.post(
        reverse("add_fact", args=[resume.pk]), {"section": "projects", "text": "Wrote a SQL course for 40 analysts"}
    )
    fact = resume.facts.get(text="Wrote a SQL course for 40 analysts")
    assert response.url.endswith(f"#fact-{fact.pk}") and fact.section == "projects" and fact.askable
    page = alice_client.get(reverse("resume_facts", args=[resume.pk])).content.decode()
    assert "Added by you." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"section": "skills", "text": "   "}, "Write the fact first."),
        ({"section": "skills", "text": "x" * 501}, "A fact is at most 500 characters"),
        ({"section": "header", "text": "Ana Lee"}, "Choose the section the fact belongs to."),
    ],
)
def test_it_refuses_an_empty_too_long_or_misplaced_fact_and_says_why(alice_client, resume, data, message):
    before = resume.facts.count()
    response = alice_client.post(reverse("add_fact", args=[resume.pk]), data, follow=True)
    assert message in response.content.decode() and resume.facts.count() == before
    fact = wrong_fact(resume)
    response = alice_client.post(reverse("edit_fact", args=[resume.pk, fact.pk]), {"text": ""}, follow=True)
    assert "Write the fact first." in response.content.decode()
    fact.refresh_from_db()
    assert fact.text == WRONG


def test_only_the_owner_may_correct_or_add(client, users, resume):
    fact = wrong_fact(resume)
    bob = own_client(users[1])
    assert bob.post(reverse("edit_fact", args=[resume.pk, fact.pk]), {"text": "mine now"}).status_code == 404
    assert bob.post(reverse("add_fact", args=[resume.pk]), {"section": "skills", "text": "x"}).status_code == 404
    assert client.post(reverse("add_fact", args=[resume.pk]), {"section": "skills", "text": "x"}).status_code == 302
    assert alice_get_is_refused(users[0], resume, fact)
    fact.refresh_from_db()
    assert fact.text == WRONG and not resume.facts.filter(added=True).exists()


def alice_get_is_refused(user, resume, fact) -> bool:  # type: ignore[no-untyped-def]
    """Changes are POSTs only."""
    owner = own_client(user)
    return (
        owner.get(reverse("edit_fact", args=[resume.pk, fact.pk])).status_code == 405
        and owner.get(reverse("add_fact", args=[resume.pk])).status_code == 405
    )


def test_an_addition_that_meets_another_at_the_same_position_tries_again(resume, monkeypatch):
    from django.db import IntegrityError

    real_create = Fact.objects.create
    calls = []

    def create_once_taken(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["position"])
        if len(calls) == 1:
            raise IntegrityError("fact_position_unique_in_resume")  # another request took it first
        return real_create(**kwargs)

    monkeypatch.setattr(Fact.objects, "create", create_once_taken)
    fact = services.add_fact(resume, "skills", "Tableau dashboards")
    assert len(calls) == 2 and fact.added and fact.text == "Tableau dashboards"
