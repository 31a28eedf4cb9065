"""Bulk imports too large for one request, run in the background with their progress.

The admin stores the uploaded files with an :class:`ImportJob` and hands the job to a worker:
a `manage.py runworker imports` process over the Redis channel layer (the same mechanism as
generation workers), or a thread of the web process when there is one process only. The
worker imports the documents in chunks; each chunk is stored together with the job's progress
in one transaction, so a job stopped half-way (a worker that died) resumes where it stopped
without storing anything twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from interviewer.documents.base import DocumentError
from interviewer.encoders import Encoder
from webapp.documents import services
from webapp.documents.models import ImportJob, ImportJobFile
from webapp.serving import models_registry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)
CHANNEL = "imports"
CHUNK = 100


def uses_worker() -> bool:
    """Whether jobs go to `runworker imports` processes (else a thread of this process runs them)."""
    mode = settings.IMPORT_WORKER
    return mode == "worker" or (mode == "auto" and "Redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"])


def enqueue(
    kind: str, files: Sequence[tuple[str, bytes]], options: Mapping[str, object], owner: User | None = None
) -> ImportJob:
    """Store the files as a queued job and hand it to a worker once the transaction commits."""
    with transaction.atomic():
        job = ImportJob.objects.create(kind=kind, owner=owner, options=options)
        ImportJobFile.objects.bulk_create([ImportJobFile(job=job, name=name, data=data) for name, data in files])
        transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: int) -> None:
    """Send the job to the import workers, or start it in a thread of this process."""
    if uses_worker():
        layer = get_channel_layer()
        assert layer is not None  # None only without CHANNEL_LAYERS, which settings always define
        async_to_sync(layer.send)(CHANNEL, {"type": "import.run", "job": job_id})
    else:
        threading.Thread(target=run_in_thread, args=(job_id,), name=f"import-{job_id}", daemon=True).start()


def run_in_thread(job_id: int) -> None:
    """:func:`run` as the body of a thread of its own: the thread's database connections are closed
    when it ends, so none is left open (holding SQLite's files, or a PostgreSQL backend) after it."""
    try:
        run(job_id)
    finally:
        connections.close_all()


def run(job_id: int) -> None:
    """Import the job's documents (resuming after what is done); never raises."""
    job = _claim(job_id)
    if job is None:
        return
    try:
        specs = _specs(job)
        ImportJob.objects.filter(pk=job.pk).update(total=len(specs))
        encoder = models_registry.encoder()
        for start in range(job.done, len(specs), CHUNK):
            _import_chunk(job.pk, specs[start : start + CHUNK], encoder)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FINISHED, finished=timezone.now())
    except DocumentError as exc:
        _fail(job.pk, str(exc))
    except Exception as exc:  # noqa: BLE001 - recorded on the job, shown in the admin
        log.exception("import job %s failed", job_id)
        _fail(job.pk, f"The import stopped unexpectedly ({type(exc).__name__}); resume it from the admin.")


def _claim(job_id: int) -> ImportJob | None:
    """The job, marked running, unless another worker runs it or it is over."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ImportJob.Status.RUNNING, ImportJob.Status.FINISHED):
            return None
        job.status, job.message = ImportJob.Status.RUNNING, ""
        job.save(update_fields=["status", "message", "updated"])
        return job


def _specs(job: ImportJob) -> list[services.DocumentSpec]:
    files = [(f.name, bytes(f.data)) for f in job.files.order_by("pk")]
    options = job.options
    return services.specs_from_files(
        job.kind, files, str(options.get("text_column") or "text"), options.get("title_column") or None, job.owner
    )


def _import_chunk(job_id: int, specs: list[services.DocumentSpec], encoder: Encoder) -> None:
    prepared = services.prepare_many(specs)
    services.embed([p for p in prepared if isinstance(p, services.Prepared)], encoder)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        result = services.store_many(specs, prepared)
        job.done += len(specs)
        job.created_count += len(result.created)
        job.failures = job.failures + [list(f) for f in result.failed]
        job.save(update_fields=["done", "created_count", "failures", "updated"])


def _fail(job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.FAILED, message=message, finished=timezone.now())


def resume(job: ImportJob) -> None:
    """Queue a failed or stalled job again; it continues after the documents already done."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, message="", finished=None)
    dispatch(job.pk)
