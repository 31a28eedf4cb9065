from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from interviewer.documents.base import DocumentError
from webapp.documents import fixtures_loader
from webapp.management.progress import bar


class Command(BaseCommand):
    help = "Load the fixture job postings and resumes (idempotent: loaded files are skipped)."

    def handle(self, *args: Any, **options: Any) -> None:
        entries = fixtures_loader.catalog()
        if not entries:
            raise CommandError(f"no fixtures found under {fixtures_loader.FIXTURES_DIR / 'catalog'}")
        try:
            with bar(len(entries), "Loading fixtures") as progress:
                created, skipped = fixtures_loader.load(progress=lambda: progress.update(1))
        except DocumentError as exc:
            raise CommandError(f"fixture broken: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Fixtures: {created} documents loaded, {skipped} already there."))
