"""Knowledge selector: match, next-turn ranking and plan with the fake encoder; real-encoder sanity."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interviewer.encoders import HashingEncoder
from interviewer.matching.selector import (
    FactRef,
    FactSet,
    KnowledgeSelector,
    SelectorConfig,
    retrieval_metrics,
    same_name,
)
from interviewer.vocabulary import Reason

FOLLOW_UP, GAP, HIGHLIGHT, STRONG_MATCH = Reason.ANSWER_LINK, Reason.GAP, Reason.HIGHLIGHT, Reason.STRONG_MATCH

RESUME = [
    ("experience", "Migrated the billing database from MySQL to PostgreSQL"),
    ("experience", "Built Kafka pipelines for 40 million events a day"),
    ("experience", "Mentored four junior engineers"),
    ("skills", "Python"),
    ("education", "BSc Computer Science"),
]
JOB = [
    ("about", "We build payments software"),
    ("requirements", "Production PostgreSQL database experience"),
    ("requirements", "Kafka or other streaming pipelines"),
    ("requirements", "Certified forklift operator licence"),
    ("nice_to_have", "Mentored junior engineers before"),
]


def fact_set(rows, source, encoder, start=0):  # type: ignore[no-untyped-def]
    facts = [FactRef(start + i, source, section, text, i) for i, (section, text) in enumerate(rows)]
    return FactSet(facts, encoder.encode([f.text for f in facts]))


@pytest.fixture
def docs():  # type: ignore[no-untyped-def]
    encoder = HashingEncoder()
    selector = KnowledgeSelector(encoder, SelectorConfig(gap_threshold=0.2, follow_up_threshold=0.2))
    return selector, fact_set(RESUME, "resume", encoder), fact_set(JOB, "job", encoder, start=100)


def test_it_matches_requirements_to_evidence_and_finds_gaps(docs):
    selector, resume, job = docs
    report = selector.match(resume, job)
    pairs = [(i.requirement.text, i.evidence.text if i.evidence else None) for i in report.items]
    assert pairs == [
        ("Production PostgreSQL database experience", "Migrated the billing database from MySQL to PostgreSQL"),
        ("Kafka or other streaming pipelines", "Built Kafka pipelines for 40 million events a day"),
        ("Certified forklift operator licence", None),
        ("Mentored junior engineers before", "Mentored four junior engineers"),
    ]
    assert [i.requirement.text for i in report.gaps] == ["Certified forklift operator licence"]
    assert 0 < report.coverage < 1 and 0 < report.overall < 100
    data = report.as_dict()
    assert json.loads(json.dumps(data)) == data  # plain data for the report and the UI


def test_it_ranks_the_first_turn_by_importance_with_a_reason_each(docs):
    selector, resume, job = docs
    ranked = selector.select(resume, job)
    assert ranked[0].reason == STRONG_MATCH
    assert ranked[0].fact.text == "Production PostgreSQL database experience"
    assert ranked[0].evidence is not None and ranked[0].evidence.source == "resume"
    reasons = {s.reason for s in ranked}
    assert {STRONG_MATCH, GAP, HIGHLIGHT} <= reasons
    assert FOLLOW_UP not in reasons  # nothing to follow up on yet


def test_it_skips_covered_facts_except_for_a_follow_up(docs):
    selector, resume, job = docs
    kafka_req, kafka_fact = 102, 1
    covered = {kafka_req, kafka_fact}
    plain = selector.select(resume, job, covered=covered)
    assert not {s.fact.id for s in plain} & covered
    answer = "Mostly Kafka streaming pipelines, plenty of events"
    ranked = selector.select(resume, job, covered=covered, last_answer=answer, dialog=["Tell me about Kafka", answer])
    assert ranked[0].reason == FOLLOW_UP
    assert ranked[0].fact.id in covered
    assert all(s.reason == FOLLOW_UP for s in ranked if s.fact.id in covered)


def test_it_gives_the_same_output_for_the_same_input(docs):
    selector, resume, job = docs
    args = dict(covered={101}, last_answer="I like Python", dialog=["Hi", "I like Python"])
    assert selector.select(resume, job, **args) == selector.select(resume, job, **args)


def test_it_plans_an_interview_without_repeats_key_requirements_first(docs):
    selector, resume, job = docs
    assert len(selector.plan(resume, job, turns=3)) == 3
    plan = selector.plan(resume, job, turns=10)  # more turns than distinct probes: it stops
    ids = [s.fact.id for s in plan]
    assert len(ids) == len(set(ids)) == 4
    assert [s.reason for s in plan[:3]] == [HIGHLIGHT, STRONG_MATCH, GAP]
    requirements = [s.fact.text for s in plan if s.reason == STRONG_MATCH]
    assert requirements[0] == "Production PostgreSQL database experience"
    evidence_ids = {s.evidence.id for s in plan if s.evidence}
    assert not evidence_ids & {s.fact.id for s in plan if s.reason == HIGHLIGHT}


def test_a_name_the_resume_lists_twice_one_misspelt_is_planned_once():
    encoder = HashingEncoder()
    selector = KnowledgeSelector(encoder, SelectorConfig())
    rows = [("projects", "Terraform"), ("projects", "Terrafrom"), ("projects", "Terraforms"), ("projects", "Ansible")]
    resume = fact_set(rows, "resume", encoder)
    job = fact_set([("requirements", "Infrastructure as code with Terraform")], "job", encoder, start=100)
    planned = [s.fact.text for s in selector.plan(resume, job, turns=10)]
    assert sum(text.startswith("Terra") for text in planned) <= 2  # the transposed one is another spelling
    assert not {"Terraform", "Terraforms"} <= set(planned) and "Ansible" in planned


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("RxKotlin3", "RxKotlim3", True),  # a letter changed in a long name
        ("Dockers", "Docker", True),  # a letter added
        ("Spring Boot", "spring boot.", True),
        ("Java 6", "Java 8", False),  # another version
        ("MySQL", "MSSQL", False),  # a letter changed in a short name: another name
        ("HTML5", "HTML", False),
        ("Led a team of four analysts", "Led a team of five analysts", False),  # no short name
    ],
)
def test_same_name_is_one_letter_apart(a, b, same):
    assert same_name(a, b) is same


def test_it_computes_recall_and_mrr():
    assert retrieval_metrics([1, 2, 10]) == {
        "recall@1": 1 / 3,
        "recall@5": 2 / 3,
        "mrr": (1 + 0.5 + 0.1) / 3,
        "queries": 3,
    }


@pytest.mark.real_models
def test_it_ranks_a_database_migration_above_a_marathon_for_a_database_requirement():
    from interviewer.encoders import SentenceTransformerEncoder
    from interviewer.serving.weights import packaged_encoder_dir

    encoder = SentenceTransformerEncoder(packaged_encoder_dir())
    resume = fact_set(
        [
            ("experience", "Ran the Chicago marathon in under four hours"),
            ("experience", "Migrated the orders service from MySQL to PostgreSQL 15"),
        ],
        "resume",
        encoder,
    )
    job = fact_set(
        [("requirements", "Solid experience with relational databases (PostgreSQL, MySQL)")], "job", encoder, start=10
    )
    report = KnowledgeSelector(encoder).match(resume, job)
    assert report.items[0].evidence is not None
    assert report.items[0].evidence.text == "Migrated the orders service from MySQL to PostgreSQL 15"
    sims = resume.vectors @ job.vectors[0]
    assert sims[1] > sims[0] + 0.1


@pytest.mark.django_db
def test_it_shows_a_resume_job_match_in_the_admin(admin_client):
    from django.urls import reverse

    from webapp.documents import services
    from webapp.documents.models import JobPosting, Resume

    services.create_document(
        services.DocumentSpec(
            kind="job",
            text="Requirements:\n- Production PostgreSQL database experience\n- Certified forklift operator licence",
            meta={"title": "DBA"},
        )
    )
    services.create_document(
        services.DocumentSpec(
            kind="resume", text="EXPERIENCE\n- Migrated the production PostgreSQL database\n", meta={"label": "Sam"}
        )
    )
    resume, job = Resume.objects.get(), JobPosting.objects.get()
    page = admin_client.get(reverse("admin:documents_resume_match", args=[resume.pk]), {"job": job.pk}).content.decode()
    assert "Migrated the production PostgreSQL database" in page
    assert page.count("<strong>gap</strong>") == 1


class SameVector:
    """Every text gets the same vector: the encoder calls everything similar, so only the
    evidence rule can tell real support from a neighbour."""

    dim = 8

    def encode(self, texts):  # type: ignore[no-untyped-def]
        return np.ones((len(texts), self.dim), dtype=np.float32) / np.sqrt(self.dim)


def refs(rows, source, start=0):  # type: ignore[no-untyped-def]
    """FactRefs from (section, text[, askable]) rows."""
    return [
        FactRef(start + i, source, row[0], row[1], i, askable=row[2] if len(row) > 2 else True)
        for i, row in enumerate(rows)
    ]


def same_vector_sets(resume_rows, job_rows):  # type: ignore[no-untyped-def]
    encoder = SameVector()
    resume, job = refs(resume_rows, "resume"), refs(job_rows, "job", start=100)
    return (
        KnowledgeSelector(encoder, SelectorConfig(gap_threshold=0.3)),
        FactSet(resume, encoder.encode([f.text for f in resume])),
        FactSet(job, encoder.encode([f.text for f in job])),
    )


def test_it_counts_a_short_skill_as_evidence_only_when_the_requirement_names_it():
    selector, resume, job = same_vector_sets(
        [("skills", "GitHub"), ("skills", "Terraform")],
        [("requirements", "Terraform, Ansible and Jenkins in production"), ("requirements", "Kubernetes on AWS")],
    )
    report = selector.match(resume, job)
    assert [(i.requirement.text, i.evidence.text if i.evidence else None) for i in report.items] == [
        ("Terraform, Ansible and Jenkins in production", "Terraform"),
        ("Kubernetes on AWS", None),  # "GitHub" is near in vector space, but it is not Kubernetes
    ]
    assert report.as_dict()["gap_count"] == 1 and report.as_dict()["covered_count"] == 1


def test_it_needs_a_shared_word_or_a_close_paraphrase_for_a_sentence_to_be_evidence():
    selector, resume, job = same_vector_sets(
        [("experience", "Organised the office summer party for 80 people")],
        [("requirements", "Experience running payroll for a small business")],
    )
    selector.config = SelectorConfig(gap_threshold=0.3, support_margin=1.0)  # nothing is a close paraphrase
    assert selector.match(resume, job).items[0].evidence is None
    selector.config = SelectorConfig(gap_threshold=0.3, support_margin=0.2)  # every pair here is a paraphrase
    assert selector.match(resume, job).items[0].evidence is not None


def test_it_never_counts_boilerplate_as_a_requirement_covered_or_missing():
    selector, resume, job = same_vector_sets(
        [("experience", "Ran payroll for 40 staff in Sage"), ("summary", "References available upon request", False)],
        [
            ("requirements", "Payroll experience with Sage"),
            ("requirements", "Copyright 2019 Brightwell Ltd", False),
            ("requirements", "We are an equal opportunity employer", False),
        ],
    )
    report = selector.match(resume, job)
    assert [i.requirement.text for i in report.items] == ["Payroll experience with Sage"]
    assert report.items[0].evidence is not None and report.items[0].evidence.askable


def test_it_never_selects_plans_or_follows_up_on_a_fact_that_is_not_askable():
    selector, resume, job = same_vector_sets(
        [("experience", "Ran payroll for 40 staff in Sage"), ("experience", "Date of birth 1990", False)],
        [("requirements", "Payroll experience with Sage"), ("requirements", "Pay is $15 per hour", False)],
    )
    hidden = {f.id for f in resume.facts + job.facts if not f.askable}
    ranked = selector.select(resume, job, last_answer="My pay was $15 per hour", dialog=["Pay?", "$15 per hour"])
    assert ranked and not {s.fact.id for s in ranked} & hidden
    plan = selector.plan(resume, job, turns=10)
    assert plan and not {s.fact.id for s in plan} & hidden


def test_it_reads_a_fact_without_the_new_fields_as_askable():
    """Plans saved before facts had ``askable`` and ``context`` still load."""
    data = {"id": 1, "source": "job", "section": "requirements", "text": "SQL", "position": 0}
    assert FactRef(**data).askable and FactRef(**data).context == ""


def test_it_does_not_take_a_word_every_posting_uses_for_support():
    selector, resume, job = same_vector_sets(
        [("education", "Special program for software developers")],
        [("responsibilities", "Developing new features")],
    )
    selector.config = SelectorConfig(gap_threshold=0.3, support_margin=1.0)
    assert selector.match(resume, job).items[0].evidence is None  # "developers" ~ "developing" is no evidence
