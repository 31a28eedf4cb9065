"""Job search (issue 13): time of the home page's query over many postings, title only (the old
search) beside words over title, company, location and askable facts (``webapp.documents.search``).

Builds N postings of 20 facts each in a scratch database (SQLite, or the PostgreSQL server of
DATABASE_URL with --postgres), then times each query (the count and the first 100 rows, as the
home page runs them) several times and keeps the median.

Run: .venv/bin/python bench/search.py [--postings 2000] [--postgres]   (last line: one JSON object)
Target: under 100 ms per search at 2,000 postings on this 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["web developer", "kubernetes", "northwind", "senior python engineer", "go", "nothing-matches-this"]
SKILLS = "Python Go Kubernetes React SQL Terraform Excel Tableau Figma Java Docker AWS Airflow Salesforce".split()
TITLES = "Web Developer|Data Analyst|Platform Engineer|Staff Nurse|Account Executive|Product Designer".split("|")


def _django(database_url: str, var_dir: str) -> None:
    os.environ.update({"VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "webapp.settings", "LOG_LEVEL": "ERROR"})
    os.environ.update({"FAKE_MODELS": "1", "DATABASE_URL": database_url})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(postings: int) -> None:
    from webapp.documents.models import Fact, JobPosting

    jobs = JobPosting.objects.bulk_create(
        JobPosting(title=f"{TITLES[i % len(TITLES)]} {i}", company=f"Company {i}", location="Leeds", text="-")
        for i in range(postings)
    )
    facts = [
        Fact(
            job=job,
            section="requirements" if k < 15 else "benefits",
            askable=k < 15,
            position=k,
            text=f"Experience with {SKILLS[(j * 3 + k % 3) % len(SKILLS)]} {'and web development ' if j % 10 == 0 else ''}"
            f"in a team of {k + 2} people, shipping every week",
        )
        for j, job in enumerate(jobs)
        for k in range(20)
    ]
    Fact.objects.bulk_create(facts, batch_size=2000)


def _median_ms(run, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true", help="use the server of DATABASE_URL")
    args = parser.parse_args()
    from tests.servers import scratch_database

    with tempfile.TemporaryDirectory() as folder:
        base = os.environ.get("DATABASE_URL") if args.postgres else None
        with scratch_database(base, Path(folder)) as url:
            _django(url, folder)
            _fill(args.postings)
            from webapp.documents.models import JobPosting
            from webapp.documents.search import search_jobs

            figures: dict[str, object] = {"postings": args.postings, "facts": args.postings * 20}
            figures["database"] = "postgresql" if args.postgres else "sqlite"
            for query in QUERIES:
                old = JobPosting.objects.filter(title__icontains=query)
                new = search_jobs(query)
                figures[f"title_only_ms[{query}]"] = _median_ms(lambda q=old: (q.count(), list(q[:100])))
                figures[f"words_and_facts_ms[{query}]"] = _median_ms(lambda q=new: (q.count(), list(q[:100])))
                figures[f"found[{query}]"] = new.count()
            from django.db import connections

            connections.close_all()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
