"""The fixture documents and training files: enough, varied, parseable, loaded idempotently."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from webapp.documents import fixtures_loader
from webapp.documents.models import JobPosting, Resume

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def test_it_has_enough_varied_documents():
    entries = fixtures_loader.catalog()
    jobs = [e for e in entries if e["kind"] == "job"]
    resumes = [e for e in entries if e["kind"] == "resume"]
    assert len(jobs) >= 30 and len(resumes) >= 45
    occupations = Counter(e["occupation"] for e in resumes)
    assert len(occupations) >= 10 and min(occupations.values()) >= 3
    assert len({e["occupation"] for e in jobs}) >= 10
    kinds = Counter(Path(e["file"]).suffix for e in resumes)
    assert kinds[".pdf"] >= 5 and kinds[".docx"] >= 5
    assert {e["level"] for e in resumes} >= {"junior", "mid", "senior"}
    for e in entries:
        assert (FIXTURES / e["file"]).is_file(), e["file"]


@pytest.mark.django_db
def test_it_loads_the_fixtures_idempotently_with_sensible_facts():
    out = io.StringIO()
    call_command("load_fixtures", stdout=out, stderr=io.StringIO())
    jobs, resumes = JobPosting.objects.count(), Resume.objects.count()
    assert jobs >= 30 and resumes >= 45
    call_command("load_fixtures", stdout=out, stderr=io.StringIO())
    assert (JobPosting.objects.count(), Resume.objects.count()) == (jobs, resumes)
    assert "0 documents loaded" in out.getvalue().splitlines()[-1]

    for document in list(JobPosting.objects.all()) + list(Resume.objects.all()):
        assert document.source_file.startswith("fixtures/")
        facts = list(document.facts.values_list("section", "text"))
        assert len(facts) >= 8, document
        for _section, text in facts:
            assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text), text
            assert not re.search(r"555[-. ]?01\d\d", text), text
    for job in JobPosting.objects.all():
        assert job.facts.filter(section="requirements").count() >= 4, job
    for resume in Resume.objects.all():
        assert resume.facts.filter(section="experience").count() >= 3, resume
        assert resume.owner.username == "demo"


def test_it_has_enough_training_pairs_across_occupations():
    rows = [json.loads(line) for line in (FIXTURES / "pairs.jsonl").read_text().splitlines() if line.strip()]
    assert len(rows) >= 300
    assert len({r["occupation"] for r in rows}) >= 10
    assert all(r["resume_fact"].strip() and r["job_requirement"].strip() for r in rows)
