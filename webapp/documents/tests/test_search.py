"""Job search on the home page: every word somewhere in the posting (title, company, location or
an askable fact), by stem, title matches first, the seniority filter kept, a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from webapp.documents import search
from webapp.documents.models import Fact, JobPosting


def posting(title: str, company: str = "", location: str = "", seniority: str = "", **sections) -> JobPosting:  # type: ignore[no-untyped-def]
    """A posting with facts written straight to the database (``requirements=[...]``, ``benefits=[...]``)."""
    job = JobPosting.objects.create(title=title, company=company, location=location, seniority=seniority, text=title)
    position = 0
    for section, texts in sections.items():
        for text in texts:
            askable = section in ("requirements", "responsibilities", "nice_to_have")
            Fact.objects.create(job=job, section=section, text=text, position=position, askable=askable)
            position += 1
    return job


@pytest.fixture
def jobs(db):  # type: ignore[no-untyped-def]
    return {
        "web": posting("Web Developer", "Harbor Lane Studio", "Leeds", "junior", requirements=["HTML and CSS"]),
        "frontend": posting(
            "Frontend Engineer",
            "Northwind",
            "Remote",
            "mid",
            requirements=["Three years of web development with React"],
            benefits=["Dental and vision cover"],
        ),
        "platform": posting(
            "Platform Engineer",
            "Cobalt Cloud",
            "Berlin",
            "senior",
            requirements=["Running Kubernetes clusters in production", "Writing services in Go"],
        ),
        "nurse": posting("Staff Nurse", "Cedar Hospital", "Boise, ID", "mid", responsibilities=["Care for 6 patients"]),
        "data": posting("Data Analyst", "Good Foods", "Google Docs Lane", "", requirements=["SQL and dashboards"]),
    }


@pytest.fixture
def alice_client(client, users):  # type: ignore[no-untyped-def]
    client.force_login(users[0])
    return client


def titles(client, **params) -> list[str]:  # type: ignore[no-untyped-def]
    return [job.title for job in client.get(reverse("home"), params).context["jobs"]]


def test_it_finds_a_title_and_a_posting_whose_requirements_mention_the_words(alice_client, jobs):
    assert titles(alice_client, q="web developer") == ["Web Developer", "Frontend Engineer"]


def test_it_ranks_title_matches_first(alice_client, jobs):
    found = titles(alice_client, q="engineer")

    assert found == ["Frontend Engineer", "Platform Engineer"]
    assert titles(alice_client, q="web") == ["Web Developer", "Frontend Engineer"]


def test_it_searches_by_company(alice_client, jobs):
    assert titles(alice_client, q="cobalt") == ["Platform Engineer"]
    assert titles(alice_client, q="harbor lane") == ["Web Developer"]


def test_it_searches_by_a_skill(alice_client, jobs):
    assert titles(alice_client, q="Kubernetes") == ["Platform Engineer"]
    assert titles(alice_client, q="react") == ["Frontend Engineer"]


def test_it_searches_by_location(alice_client, jobs):
    assert titles(alice_client, q="berlin") == ["Platform Engineer"]


def test_it_needs_every_word_somewhere_not_the_phrase_in_one_field(alice_client, jobs):
    assert titles(alice_client, q="kubernetes berlin") == ["Platform Engineer"]
    assert titles(alice_client, q="developer web") == ["Web Developer", "Frontend Engineer"]
    assert titles(alice_client, q="kubernetes leeds") == []


def test_it_matches_a_short_word_only_as_a_whole_word(alice_client, jobs):
    # "Go" is a skill of the platform posting; "Good Foods" and "Google" do not hold the word.
    assert titles(alice_client, q="go") == ["Platform Engineer"]


def test_it_matches_a_short_skill_with_a_symbol(alice_client, jobs):
    posting("Backend Developer", requirements=["Writing services in C# and .NET"])
    posting("Firmware Developer", requirements=["Embedded C++ on microcontrollers"])

    assert titles(alice_client, q="C#") == ["Backend Developer"]


def test_it_ignores_boilerplate_facts(alice_client, jobs):
    assert titles(alice_client, q="dental") == []


def test_it_keeps_the_seniority_filter(alice_client, jobs):
    assert titles(alice_client, q="engineer", seniority="senior") == ["Platform Engineer"]
    assert titles(alice_client, q="web", seniority="junior") == ["Web Developer"]
    assert titles(alice_client, seniority="mid") == ["Frontend Engineer", "Staff Nurse"]


def test_it_drops_stop_words_but_keeps_a_query_of_only_stop_words(alice_client, jobs):
    assert titles(alice_client, q="the web developer jobs") == ["Web Developer", "Frontend Engineer"]
    assert search.words("the of") == ["the", "of"]


def test_it_counts_and_lists_the_same_postings(alice_client, jobs):
    r = alice_client.get(reverse("home"), {"q": "engineer"})

    assert r.context["job_count"] == 2
    page = r.content.decode()
    assert "2 job postings" in page
    assert reverse("new_interview", args=[jobs["platform"].pk]) in page


@pytest.mark.django_db
def test_it_runs_the_same_number_of_queries_for_more_postings(alice_client, users):
    posting("Platform Engineer", requirements=["Kubernetes"])
    with CaptureQueriesContext(connection) as one:
        alice_client.get(reverse("home"), {"q": "kubernetes engineer"})
    for i in range(30):
        posting(f"Engineer {i}", requirements=[f"Kubernetes {i}", "Go"])

    with CaptureQueriesContext(connection) as many:
        r = alice_client.get(reverse("home"), {"q": "kubernetes engineer"})

    assert r.context["job_count"] == 31
    assert len(many.captured_queries) == len(one.captured_queries)


def test_it_stems_words_conservatively():
    assert search.stem("developer") == search.stem("development") == "develop"
    assert search.stem("engineering") == "engineer"
    assert search.stem("user") == "user"
    assert search.stem("c++") == "c++"
