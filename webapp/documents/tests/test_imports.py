"""Background bulk imports: large CSVs become a job run by an import worker (a `runworker imports`
process or a thread), with progress in the admin, bad rows reported, and a resume that never
stores a document twice."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import ApplicationCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse

from webapp.asgi import application
from webapp.documents import imports, services
from webapp.documents.models import ImportJob, JobPosting


def rows_csv(count: int, bad: tuple[int, ...] = ()) -> bytes:
    lines = ["title,text"]
    for i in range(count):
        body = "---" if i in bad else f"Requirements:\n- Skill number {i} in production"
        lines.append(f'Job {i},"{body}"')
    return ("\n".join(lines) + "\n").encode()


PASTED = "Requirements:\n- 3+ years with Kubernetes\n- Terraform in production\n"


def wait_for_threads() -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("import-"):
            thread.join(30)


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_large_admin_import_in_the_background_and_shows_its_progress(admin_client, settings):
    settings.IMPORT_BACKGROUND_ROWS, settings.IMPORT_WORKER = 3, "thread"
    upload = SimpleUploadedFile("jobs.csv", rows_csv(5, bad=(2,)), content_type="text/csv")
    form = {"files": [upload], "title_column": "title"}
    response = admin_client.post(reverse("admin:documents_jobposting_import"), form)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("admin:documents_importjob_change", args=[job.pk])
    wait_for_threads()
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.created_count) == ("finished", 5, 5, 4)
    assert job.failures == [
        ["jobs.csv row 4", "This job posting has no usable content (no sentences, bullets or skills found)."]
    ]
    assert JobPosting.objects.count() == 4
    page = admin_client.get(reverse("admin:documents_importjob_change", args=[job.pk])).content.decode()
    assert "5 of 5 documents (100%)" in page and "jobs.csv row 4" in page


@pytest.mark.django_db(transaction=True)
def test_requests_read_and_write_while_an_import_thread_stores_its_chunks(admin_client, settings, monkeypatch):
    """The default one-process setup (SQLite unless DATABASE_URL is set): a recruiter adds
    postings and watches the progress page while a background import commits chunk after chunk.
    The import waits for a round of requests before each chunk, so they interleave; each chunk
    holds its transaction a moment, so requests meet it holding the database's write lock."""
    settings.IMPORT_BACKGROUND_ROWS, settings.IMPORT_WORKER = 3, "thread"
    monkeypatch.setattr(imports, "CHUNK", 2)
    rounds = threading.Semaphore(0)
    real_chunk, real_store = imports._import_chunk, services.store_many

    def after_a_round_of_requests(*args):  # type: ignore[no-untyped-def]
        rounds.acquire(timeout=30)
        return real_chunk(*args)

    def holding_the_transaction(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread().name.startswith("import-"):
            time.sleep(0.05)
        return real_store(*args, **kwargs)

    monkeypatch.setattr(imports, "_import_chunk", after_a_round_of_requests)
    monkeypatch.setattr(services, "store_many", holding_the_transaction)
    upload = SimpleUploadedFile("jobs.csv", rows_csv(20), content_type="text/csv")
    admin_client.post(reverse("admin:documents_jobposting_import"), {"files": [upload], "title_column": "title"})
    job = ImportJob.objects.get()
    progress, added = reverse("admin:documents_importjob_change", args=[job.pk]), 0
    while any(thread.name.startswith("import-") for thread in threading.enumerate()):
        assert "documents" in admin_client.get(progress).content.decode()
        assert admin_client.get(reverse("admin:documents_jobposting_changelist")).status_code == 200
        form = {"title": f"Pasted {added}", "company": "Acme", "location": "Remote", "seniority": "mid"}
        response = admin_client.post(reverse("admin:documents_jobposting_add"), {**form, "text": PASTED})
        assert response.status_code == 302, response.content.decode()[:2000]
        added += 1
        rounds.release()
    job.refresh_from_db()
    assert (job.status, job.done, job.created_count, job.failures) == ("finished", 20, 20, [])
    assert added >= 10  # a round of requests before each of the 10 chunks
    assert JobPosting.objects.filter(title__startswith="Pasted").count() == added
    assert JobPosting.objects.filter(title__startswith="Job ").count() == 20


@pytest.mark.django_db(transaction=True)
def test_an_import_thread_closes_its_database_connections_when_it_ends(settings, monkeypatch):
    settings.IMPORT_WORKER = "thread"
    used = []

    def run(job_id: int) -> None:
        ImportJob.objects.filter(pk=job_id).exists()
        used.append(connections["default"])  # this thread's own connection

    monkeypatch.setattr(imports, "run", run)
    imports.dispatch(1)
    wait_for_threads()
    assert len(used) == 1 and used[0].connection is None


@pytest.mark.django_db(transaction=True)
def test_it_resumes_a_stopped_job_without_storing_anything_twice(settings, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 2)
    monkeypatch.setattr(imports, "dispatch", lambda job_id: None)  # this test runs the job itself
    job = imports.enqueue("job", [("jobs.csv", rows_csv(5))], {"title_column": "title"})
    real_store, calls = services.store_many, []

    def dies_on_the_second_chunk(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker was killed")
        return real_store(*args, **kwargs)

    monkeypatch.setattr(services, "store_many", dies_on_the_second_chunk)
    imports.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done) == ("failed", 2) and "resume it" in job.message
    monkeypatch.setattr(services, "store_many", real_store)
    monkeypatch.setattr(imports, "dispatch", imports.run)  # and the resumed one inline
    imports.resume(job)
    job.refresh_from_db()
    assert (job.status, job.done, job.created_count) == ("finished", 5, 5)
    assert sorted(JobPosting.objects.values_list("title", flat=True)) == [f"Job {i}" for i in range(5)]


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_hands_jobs_to_runworker_imports_over_the_channel_layer(settings):
    settings.IMPORT_WORKER = "worker"
    job = await sync_to_async(imports.enqueue)("job", [("jobs.csv", rows_csv(2))], {"title_column": "title"})
    message = await get_channel_layer().receive(imports.CHANNEL)
    assert message == {"type": "import.run", "job": job.pk}

    worker = ApplicationCommunicator(application, {"type": "channel", "channel": imports.CHANNEL})
    await worker.send_input(message)  # what `runworker imports` does with it
    for _ in range(300):
        await job.arefresh_from_db()
        if job.status == ImportJob.Status.FINISHED:
            break
        await asyncio.sleep(0.1)
    worker.stop()
    assert (job.status, job.created_count) == ("finished", 2)
