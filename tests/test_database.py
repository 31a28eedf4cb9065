"""Migrations and constraints on the configured database (PostgreSQL in CI)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from tests.servers import uses_postgres
from webapp.documents.models import Fact, JobPosting, Resume
from webapp.interviews.models import InterviewSession, Turn


@pytest.mark.django_db
def test_it_runs_on_the_configured_database():
    assert connection.vendor == ("postgresql" if uses_postgres() else "sqlite")


@pytest.mark.skipif(uses_postgres(), reason="SQLite's own settings; this run is on PostgreSQL")
@pytest.mark.django_db
def test_it_tests_sqlite_on_a_file_in_wal_mode_with_a_busy_timeout_and_immediate_transactions():
    """As the app runs it, not on Django's shared-cache in-memory test database, which fails at
    once with "database table is locked" when two threads meet."""
    assert not connection.is_in_memory_db()
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    assert connection.transaction_mode == "IMMEDIATE"


@pytest.mark.django_db
def test_it_has_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_it_migrates_down_to_zero_and_back_up():
    out = io.StringIO()
    call_command("migrate", "webapp", "zero", stdout=out)  # the apps built on webapp's tables go with it
    assert "webapp_fact" not in connection.introspection.table_names()
    call_command("migrate", stdout=out)  # every app back up, the columns the apps added included
    assert "webapp_fact" in connection.introspection.table_names()
    turn = {c.name for c in connection.introspection.get_table_description(connection.cursor(), "webapp_turn")}
    assert "feedback" in turn


@pytest.mark.django_db
def test_it_refuses_a_fact_that_belongs_to_both_or_neither_document(users):
    job = JobPosting.objects.create(title="T", text="t")
    resume = Resume.objects.create(owner=users[0], label="L", text="t")
    for owners in ({"job": job, "resume": resume}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Fact.objects.create(section="skills", text="SQL", position=0, **owners)


@pytest.mark.django_db
def test_it_refuses_a_duplicate_turn_index(users):
    job = JobPosting.objects.create(title="T", text="t")
    resume = Resume.objects.create(owner=users[0], label="L", text="t")
    session = InterviewSession.objects.create(candidate=users[0], resume=resume, job=job)
    Turn.objects.create(session=session, index=0, role="interviewer", text="Hello?")
    with pytest.raises(IntegrityError), transaction.atomic():
        Turn.objects.create(session=session, index=0, role="candidate", text="Hi")
