"""Documents in: the one place that turns uploads, pasted text and CSV rows into stored documents.

Views, the admin and management commands call these functions; each stores a whole
document with its facts or nothing (``transaction.atomic``) and raises
:class:`interviewer.documents.DocumentError` with a message for the user.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.db import transaction

from interviewer.documents import (
    JOB,
    RESUME,
    SUPPORTED_EXTENSIONS,
    DocumentError,
    ParsedFact,
    clean_text,
    extract_text,
    parse_document,
)
from webapp.models import Fact, JobPosting, Resume

Document = JobPosting | Resume


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def check_size(size: int, name: str) -> None:
    if size > max_upload_bytes():
        raise DocumentError(
            f"{name} is {size / 1024 / 1024:.1f} MB; the limit is {settings.MAX_UPLOAD_MB} MB (MAX_UPLOAD_MB)."
        )


def read_upload(upload) -> bytes:  # type: ignore[no-untyped-def]
    """Bytes of a Django ``UploadedFile``, refusing files over MAX_UPLOAD_MB before reading them."""
    check_size(upload.size or 0, upload.name)
    data = upload.read()
    check_size(len(data), upload.name)
    return data


@dataclass
class DocumentSpec:
    """What to store: the text (or file bytes) and the metadata of one document."""

    kind: str
    text: str = ""
    data: bytes | None = None
    filename: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    owner: object | None = None

    def resolved_text(self) -> str:
        if self.data is not None:
            check_size(len(self.data), self.filename or "file")
            return extract_text(self.data, self.filename)
        text = clean_text(self.text or "")
        if not text:
            what = "resume" if self.kind == RESUME else "job posting"
            raise DocumentError(f"The {what} text is empty.")
        return text


def guess_title(text: str, filename: str = "") -> str:
    """The first short line of the text, else the file's name."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            if len(line) <= 120 and "@" not in line:
                return line
            break
    stem = PurePath(filename).stem if filename else ""
    return stem.replace("_", " ").replace("-", " ").strip() or "Untitled"


def create_document(spec: DocumentSpec) -> Document:
    """Parse and store one document with its facts, all or nothing."""
    text = spec.resolved_text()
    parsed = parse_document(text, spec.kind)
    meta = {k: (v or "").strip() for k, v in spec.meta.items() if v is not None}
    with transaction.atomic():
        if spec.kind == JOB:
            document: Document = JobPosting.objects.create(
                title=(meta.get("title") or guess_title(text, spec.filename))[:200],
                company=meta.get("company", "")[:200],
                location=meta.get("location", "")[:200],
                seniority=_seniority(meta.get("seniority", "")),
                text=parsed.text,
                source_file=spec.filename[:500],
            )
        else:
            document = Resume.objects.create(
                owner=spec.owner,
                label=(meta.get("label") or meta.get("title") or guess_title(text, spec.filename))[:200],
                text=parsed.text,
                source_file=spec.filename[:500],
            )
        store_facts(document, parsed.facts)
    return document


def reparse(document: Document) -> int:
    """Parse the stored text again and replace the facts; returns the number of facts."""
    parsed = parse_document(document.text, document.kind)
    with transaction.atomic():
        document.facts.all().delete()
        store_facts(document, parsed.facts)
    return len(parsed.facts)


def store_facts(document: Document, facts: Iterable[ParsedFact]) -> None:
    """Store parsed facts (askable or not, with their context) and embed them."""
    owner = {"job": document} if document.kind == JOB else {"resume": document}
    rows = [
        Fact(
            section=f.section,
            text=f.text,
            position=f.position,
            askable=f.askable,
            context=f.context[:300],
            **owner,
        )
        for f in facts
    ]
    Fact.objects.bulk_create(rows)
    from webapp import embeddings

    embeddings.embed_facts(list(document.facts.all()))


def _seniority(value: str) -> str:
    value = value.strip().lower()
    aliases = {"mid-level": "mid", "middle": "mid", "entry": "junior", "entry-level": "junior", "manager": "lead"}
    value = aliases.get(value, value)
    valid = {c for c, _ in JobPosting._meta.get_field("seniority").choices}
    return value if value in valid else ""


# ---------------------------------------------------------------------------
# CSV and many files


def read_csv_rows(
    data: bytes, name: str, text_column: str, title_column: str | None = None
) -> list[tuple[str, str, dict[str, str]]]:
    """Rows of a CSV as (text, title, all columns), checking the columns first.

    Raises:
        DocumentError: not UTF-8, no header, unknown column, or no row with text.
    """
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(f"{name} is not UTF-8; save the CSV as UTF-8 and try again.") from None
    csv.field_size_limit(max(max_upload_bytes(), 131072))
    reader = csv.DictReader(io.StringIO(decoded))
    try:
        columns = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as exc:
        raise DocumentError(f"{name} is not a valid CSV ({exc}).") from None
    if not columns:
        raise DocumentError(f"{name} has no header row.")
    for wanted in (text_column, title_column):
        if wanted and wanted not in columns:
            raise DocumentError(f"{name} has no column {wanted!r}; its columns are: {', '.join(columns)}.")
    out = []
    for number, row in enumerate(rows, start=2):
        text = (row.get(text_column) or "").strip()
        if not text:
            continue
        title = (row.get(title_column) or "").strip() if title_column else ""
        out.append((text, title or f"{PurePath(name).stem} row {number}", {k: (v or "") for k, v in row.items() if k}))
    if not out:
        raise DocumentError(f"{name}: column {text_column!r} is empty in every row.")
    return out


def csv_specs(
    kind: str, data: bytes, name: str, text_column: str, title_column: str | None, owner=None
) -> list[DocumentSpec]:  # type: ignore[no-untyped-def]
    specs = []
    for text, title, row in read_csv_rows(data, name, text_column, title_column):
        meta = {"title": title, "label": title}
        if kind == JOB:
            for key in ("company", "location", "seniority"):
                if row.get(key):
                    meta[key] = row[key]
        specs.append(DocumentSpec(kind=kind, text=text, filename=name, meta=meta, owner=owner))
    return specs


def create_documents(specs: list[DocumentSpec], progress=None) -> list[Document]:  # type: ignore[no-untyped-def]
    """Store several documents as one unit: if one fails, none is stored.

    Errors name the file (and row) that failed. ``progress`` is called after each document.
    """
    created: list[Document] = []
    with transaction.atomic():
        for i, spec in enumerate(specs, start=1):
            try:
                created.append(create_document(spec))
            except DocumentError as exc:
                if spec.data is None and len(specs) > 1:  # a CSV row: say which one (files name themselves)
                    raise DocumentError(f"{spec.filename or 'text'} (item {i}): {exc}") from None
                raise
            if progress:
                progress()
    return created


def is_supported(filename: str) -> bool:
    return PurePath(filename).suffix.lower() in SUPPORTED_EXTENSIONS + (".csv",)
