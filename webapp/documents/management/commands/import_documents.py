from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewer.documents.base import JOB, RESUME, SUPPORTED_EXTENSIONS, DocumentError
from training.tables import table
from webapp.documents import services
from webapp.management.progress import bar


def collect_paths(paths: list[str]) -> list[Path]:
    """Files named directly, and the supported files inside named folders (sorted)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS + (".csv",)
            )
            if not found:
                raise DocumentError(f"{path}: no PDF, DOCX, TXT, Markdown or CSV files in this folder.")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise DocumentError(f"{path}: no such file or folder.")
    return out


def read_files(paths: list[Path]) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file, refusing one over MAX_UPLOAD_MB before reading it."""
    files = []
    for path in paths:
        try:
            services.check_size(path.stat().st_size, str(path))
            files.append((str(path), path.read_bytes()))
        except OSError as exc:
            raise DocumentError(f"{path}: cannot read ({exc.strerror}).") from None
    return files


class Command(BaseCommand):
    help = (
        "Import job postings or resumes from files, folders and CSVs: the readable ones are stored, "
        "each bad row or file is reported (--all-or-nothing stores none if one is bad)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["jobs", "resumes"])
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or CSV files")
        parser.add_argument("--text-column", default="text", help="CSV column with the document text (default: text)")
        parser.add_argument("--title-column", default=None, help="CSV column with the title or label")
        parser.add_argument("--owner", default=None, help="username that owns imported resumes")
        parser.add_argument("--all-or-nothing", action="store_true", help="store nothing if any row or file is bad")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = JOB if options["kind"] == "jobs" else RESUME
        owner = None
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"no user named {options['owner']!r}")
        try:
            files = read_files(collect_paths(options["paths"]))
            specs = services.specs_from_files(kind, files, options["text_column"], options["title_column"], owner)
            with bar(len(specs), f"Importing {options['kind']}") as progress:
                result = services.import_documents(
                    specs, options["all_or_nothing"], progress=lambda: progress.update(1)
                )
        except DocumentError as exc:
            raise CommandError(f"nothing imported: {exc}") from None
        self._report(result, options["kind"])

    def _report(self, result: services.ImportResult, noun: str) -> None:
        if result.created:
            rows = [(d.pk, str(d)[:70], d.facts.count()) for d in result.created]
            self.stdout.write(table(rows, ("id", "title", "facts")))
        for document in result.created:
            for note in getattr(document, "notes", []):  # text cut or facts dropped (bounded work)
                self.stdout.write(self.style.WARNING(f"{document}: {note}"))
        if result.failed:
            self.stdout.write(table(result.failed, ("not imported", "why")))
        if not result.created:
            lines = result.failure_lines() or ["no documents found in these files"]
            more = f" (and {len(lines) - 1} more, listed above)" if len(lines) > 1 else ""
            raise CommandError(f"nothing imported: {lines[0]}{more}")
        skipped = f"; {len(result.failed)} skipped (listed above)" if result.failed else ""
        self.stdout.write(self.style.SUCCESS(f"Imported {len(result.created)} {noun}{skipped}."))
