"""Broad skills shown by the names of their kind: what counts, what does not, and how the rules and
the match use it."""

from __future__ import annotations

import pytest

from interviewer.encoders import HashingEncoder
from interviewer.matching import coverage, skills
from interviewer.matching.selector import FactRef, FactSet, KnowledgeSelector, SelectorConfig


def vocabulary(*lines: str) -> frozenset[str]:
    return coverage.resume_vocabulary(list(lines))


@pytest.mark.parametrize(
    ("requirement", "resume", "shown_by"),
    [
        ("Relational databases", "Tuned MySQL and PostgreSQL queries", ["mysql", "postgresql"]),
        ("Experience with an RDBMS", "Stored procedures in SQL Server", ["sqlserver"]),
        ("JavaScript", "Front ends in React and TypeScript", ["react", "typescript"]),
        ("Version control", "Git and GitHub pull requests", ["git", "github"]),
        ("Continuous integration pipelines", "Builds in Jenkins", ["jenkins"]),
        ("Knowledge of Agile practices", "Ran the team's Scrum sprints", ["scrum", "sprints"]),
        ("A cloud platform", "Deployed services on AWS", ["aws"]),
        ("Experience with message queues", "Event consumers on RabbitMQ", ["rabbitmq"]),
        ("Linux administration", "Administered Ubuntu servers", ["ubuntu"]),  # its other words named too
    ],
)
def test_a_name_of_its_kind_shows_a_broad_skill(requirement, resume, shown_by):
    found = skills.shown(requirement, vocabulary(resume))
    assert found and sorted({n for s in found for n in s.names}) == shown_by
    assert skills.naming(requirement, vocabulary(resume)) is not None


@pytest.mark.parametrize(
    ("requirement", "resume"),
    [
        ("Relational databases", "Built dashboards in Excel"),  # nothing of its kind
        ("JavaScript", "Wrote services in Java"),  # Java is no JavaScript
        ("Object-oriented design", "Automated reports in Python"),  # Python shows no OO design
        ("Node.js", "Front ends in React"),  # a name asked is a name: React is not Node.js
        ("Continuous integration", "Managed CD releases of the app"),  # a word alone is no tool
    ],
)
def test_what_is_not_of_the_kind_shows_nothing(requirement, resume):
    assert skills.naming(requirement, vocabulary(resume)) is None


def test_the_rules_cover_a_short_requirement_of_a_kind_with_the_line_naming_it_as_evidence():
    encoder = HashingEncoder(dim=64)
    resume_lines = ["Led a team of four", "Wrote stored procedures in PostgreSQL"]
    resume = FactSet(
        [FactRef(i, "resume", "experience", t, i) for i, t in enumerate(resume_lines)], encoder.encode(resume_lines)
    )
    asked = ["Relational databases", "Kubernetes"]
    job = FactSet([FactRef(10 + i, "job", "requirements", t, i) for i, t in enumerate(asked)], encoder.encode(asked))
    match = KnowledgeSelector(encoder, SelectorConfig(gap_threshold=0.99)).match(resume, job, learned=False)
    relational, kubernetes = match.items
    assert relational.status == "covered" and relational.evidence is not None
    assert relational.evidence.text == resume_lines[1]
    assert relational.why == "your resume names one of its kind"
    assert kubernetes.status == "gap"


def test_a_list_item_of_a_kind_counts_as_found():
    resume = vocabulary("Deployed on AWS with Docker")
    assert skills.naming("cloud platforms", resume) is not None
    assert skills.naming("Terraform", resume) is None
