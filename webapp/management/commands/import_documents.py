from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from interviewer.documents import JOB, RESUME, SUPPORTED_EXTENSIONS, DocumentError
from training.tables import table
from webapp import services
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


def build_specs(kind: str, paths: list[Path], text_column: str, title_column: str | None, owner=None):  # type: ignore[no-untyped-def]
    specs: list[services.DocumentSpec] = []
    for path in paths:
        try:
            services.check_size(path.stat().st_size, str(path))
            data = path.read_bytes()
        except OSError as exc:
            raise DocumentError(f"{path}: cannot read ({exc.strerror}).") from None
        if path.suffix.lower() == ".csv":
            specs.extend(services.csv_specs(kind, data, str(path), text_column, title_column, owner=owner))
        elif services.is_supported(path.name):
            specs.append(services.DocumentSpec(kind=kind, data=data, filename=str(path), owner=owner))
        else:
            raise DocumentError(f"{path}: unsupported file type; use PDF, DOCX, TXT, Markdown or CSV.")
    return specs


class Command(BaseCommand):
    help = "Import job postings or resumes from files, folders and CSVs (all of them, or none on error)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("kind", choices=["jobs", "resumes"])
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or CSV files")
        parser.add_argument("--text-column", default="text", help="CSV column with the document text (default: text)")
        parser.add_argument("--title-column", default=None, help="CSV column with the title or label")
        parser.add_argument("--owner", default=None, help="username that owns imported resumes")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        kind = JOB if options["kind"] == "jobs" else RESUME
        owner = None
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"no user named {options['owner']!r}")
        try:
            specs = build_specs(
                kind, collect_paths(options["paths"]), options["text_column"], options["title_column"], owner
            )
            with bar(len(specs), f"Importing {options['kind']}") as progress:
                created = services.create_documents(specs, progress=lambda: progress.update(1))
        except DocumentError as exc:
            raise CommandError(f"nothing imported: {exc}") from None
        rows = [(d.pk, str(d)[:70], d.facts.count()) for d in created]
        self.stdout.write(table(rows, ("id", "title", "facts")))
        for document in created:
            for note in getattr(document, "notes", []):  # text cut or facts dropped (bounded work)
                self.stdout.write(self.style.WARNING(f"{document}: {note}"))
        self.stdout.write(self.style.SUCCESS(f"Imported {len(created)} {options['kind']}."))
