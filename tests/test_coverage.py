"""Coverage decided by evidence, not resemblance: years against the resume's dates, lists item by
item, a skill named anywhere on the resume; and a posting's screening conditions kept apart."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.urls import reverse

from interviewer.matching import coverage
from interviewer.matching.selector import FactRef, FactSet, KnowledgeSelector, SelectorConfig
from webapp.documents import services

TODAY = dt.date(2026, 6, 1)


class SameVector:
    """Every text at cosine 1 from every other: resemblance says "covered" for everything."""

    model_id = "same"

    def encode(self, texts):  # type: ignore[no-untyped-def]
        return np.ones((len(texts), 4), dtype=np.float32) / 2.0


def match(resume_rows, job_rows):  # type: ignore[no-untyped-def]
    """The match of (section, text[, context]) resume rows against (section, text[, kind]) job rows."""
    encoder = SameVector()
    resume = [
        FactRef(i, "resume", r[0], r[1], i, context=r[2] if len(r) > 2 else "") for i, r in enumerate(resume_rows)
    ]
    job = [
        FactRef(100 + i, "job", r[0], r[1], i, askable=len(r) < 3, kind=r[2] if len(r) > 2 else "")
        for i, r in enumerate(job_rows)
    ]
    selector = KnowledgeSelector(encoder, SelectorConfig(gap_threshold=0.3, today=TODAY))  # type: ignore[arg-type]
    return selector.match(
        FactSet(resume, encoder.encode([f.text for f in resume])), FactSet(job, encoder.encode([f.text for f in job]))
    )


def test_it_compares_years_asked_with_the_years_the_resume_dates_add_up_to():
    study = [("education", "One year of Computer Science study at Harbour College", "Sep 2024 - Jun 2025")]
    report = match(study, [("requirements", "10 years of full-time work experience in computer science")])
    item = report.items[0]
    assert item.status == "partly" and "10 years" in item.why and "about 1" in item.why
    long_career = [
        ("experience", "Led computer science research projects", "Research Engineer, Acme, Jan 2012 - Present"),
        ("experience", "Taught computer science courses", "Lecturer, Harbour College, 2010 - 2014"),
    ]
    assert (
        match(long_career, [("requirements", "10 years of experience in computer science")]).items[0].status
        == "covered"
    )


def test_it_covers_a_list_item_by_item_and_names_what_is_missing():
    report = match(
        [("experience", "Built nightly Spark jobs over the sales warehouse")],
        [("requirements", "Hadoop, Spark, Kafka")],
    )
    item = report.items[0]
    assert item.status == "partly" and item.found == ("Spark",) and item.missing == ("Hadoop", "Kafka")
    assert report.as_dict()["partly_count"] == 1
    none = match([("experience", "Built dashboards in Tableau")], [("requirements", "Hadoop, Spark, Kafka")])
    assert none.items[0].is_gap and none.items[0].why == "none of these is named on your resume"


def test_a_skill_named_anywhere_covers_it_and_a_near_neighbour_does_not():
    resume = [
        ("skills", "Statistics: hypothesis testing, A/B tests, regression"),
        ("experience", "Trained LogisticRegression and K-Means models in Python"),
    ]
    report = match(resume, [("requirements", "Hypothesis testing"), ("requirements", "Java")])
    named, missing = report.items
    assert named.status == "covered" and named.evidence is not None and "hypothesis testing" in named.evidence.text
    assert missing.is_gap and missing.why == "not named on your resume"  # Python is close to Java, but not Java


def test_partly_covered_counts_half_in_the_coverage():
    report = match([("experience", "Built Spark jobs")], [("requirements", "Hadoop, Spark, Kafka")])
    full = match([("experience", "Built Spark, Kafka and Hadoop jobs")], [("requirements", "Hadoop, Spark, Kafka")])
    assert report.coverage == pytest.approx(0.5) and full.coverage == pytest.approx(1.0)


def test_conditions_are_kept_apart_never_a_requirement_covered_or_missing():
    report = match(
        [("experience", "Drove deliveries for a florist")],
        [
            ("requirements", "Customer service experience"),
            ("requirements", "Must be at least 21 years old", "condition"),
        ],
    )
    assert [i.requirement.text for i in report.items] == ["Customer service experience"]
    assert [c.text for c in report.conditions] == ["Must be at least 21 years old"]
    assert report.as_dict()["conditions"][0]["kind"] == "condition"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hadoop, Spark, Kafka", ["Hadoop", "Spark", "Kafka"]),
        ("Experience with Python, SQL and Airflow", ["Python", "SQL", "Airflow"]),
        ("You have built pipelines with Hadoop, Spark and Kafka in production.", ["Hadoop", "Spark", "Kafka"]),
        ("Working knowledge of big data tools such as Hadoop, Spark and Kafka.", ["Hadoop", "Spark", "Kafka"]),
        ("Write clear reports for the board", []),
        ("Python and SQL", []),  # two items: covered or not as a whole
    ],
)
def test_it_splits_a_list_requirement_into_items(text, expected):
    assert coverage.items_of(text) == expected


def test_it_reads_years_asked_and_years_shown():
    assert coverage.years_asked("5+ years of Java; 2 years of Go") == 5
    assert coverage.years_asked("3-5 years experience") == 3
    assert coverage.years_asked("Experience with Java") == 0
    shown = coverage.years_shown(["Acme, Jan 2018 - Dec 2019", "Beta, 2019 - 2021", "Gamma, 03/2023 - Present"], TODAY)
    assert shown == pytest.approx((47 + 39) / 12, abs=0.1)  # Jan 2018 to Dec 2021 once, then Mar 2023 to Jun 2026
    assert coverage.years_shown(["I have 12 years of experience in retail"], TODAY) == 12
    assert coverage.years_shown(["Born 1990", "Graduated 2012"], TODAY) == 0


def test_it_names_a_term_by_word_or_stem_and_never_by_a_common_word():
    vocabulary = coverage.resume_vocabulary(["Tested hypotheses with t-tests", "Skills: C#, SQL, PostgreSQL"])
    assert coverage.named("c#", vocabulary) and coverage.named("sql", vocabulary)
    assert coverage.named("hypothesis", vocabulary)  # same stem as "hypotheses"
    assert not coverage.named("java", vocabulary)
    assert "experience" not in coverage.terms("Experience with Java") and "java" in coverage.terms(
        "Experience with Java"
    )


@pytest.mark.django_db
def test_the_match_page_shows_partly_covered_items_and_the_conditions(client, users):
    client.force_login(users[0])
    job = services.create_document(
        services.DocumentSpec(
            kind="job",
            text="Requirements\n- You have built pipelines with Hadoop, Spark and Kafka in production.\n"
            "- Must be at least 21 years old\n- Customer service experience\n",
            meta={"title": "Data Engineer"},
        )
    )
    resume_text = "Ana Lee\n\nEXPERIENCE\nData Engineer, Acme | 2019 - 2024\n- Built nightly Spark jobs over the sales warehouse\n"
    services.create_document(
        services.DocumentSpec(kind="resume", text=resume_text, owner=users[0], meta={"label": "Ana"})
    )
    condition = job.facts.get(text__startswith="Must be at least 21")
    assert not condition.askable and condition.kind == "condition"
    page = client.get(reverse("new_interview", args=[job.pk])).content.decode()
    matched, conditions = page.split("<h3>Conditions (1)</h3>")
    assert "Must be at least 21 years old" in conditions and "Must be at least 21" not in matched
    assert "partly</span>" in matched and "not named: Hadoop, Kafka" in matched
