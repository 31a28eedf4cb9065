"""Load the project's fixture documents (fixtures/catalog/*.json) idempotently."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from interviewer.documents.base import JOB, RESUME
from training import data
from webapp.documents import services
from webapp.documents.models import JobPosting, Resume

if TYPE_CHECKING:
    from django.contrib.auth.models import User

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def catalog(fixtures_dir: Path = FIXTURES_DIR) -> list[dict[str, Any]]:
    return data.catalog(fixtures_dir)


def source_name(entry: Mapping[str, Any]) -> str:
    return f"fixtures/{entry['file']}"


def demo_user() -> User:
    """The owner of the fixture resumes, so a demo candidate can interview with them."""
    user, created = get_user_model().objects.get_or_create(username="demo")
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    return user


def load(fixtures_dir: Path = FIXTURES_DIR, progress: Callable[[], object] | None = None) -> tuple[int, int]:
    """Create the documents not yet loaded; returns (created, already there)."""
    owner = demo_user()
    created = skipped = 0
    for entry in catalog(fixtures_dir):
        name = source_name(entry)
        model = JobPosting if entry["kind"] == JOB else Resume
        if model.objects.filter(source_file=name).exists():
            skipped += 1
        else:
            data = (fixtures_dir / entry["file"]).read_bytes()
            spec = services.DocumentSpec(
                kind=entry["kind"],
                data=data,
                filename=entry["file"],
                meta={k: entry.get(k, "") for k in ("title", "company", "location", "seniority", "label")},
                owner=owner if entry["kind"] == RESUME else None,
            )
            with transaction.atomic():
                document = services.create_document(spec)
                document.source_file = name
                document.save(update_fields=["source_file"])
            created += 1
        if progress:
            progress()
    return created, skipped
