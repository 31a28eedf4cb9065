"""Documents in: the one place that turns uploads, pasted text and CSV rows into stored documents.

Views, the admin and management commands call these functions; each stores a whole
document with its facts or nothing (``transaction.atomic``) and raises
:class:`interviewer.documents.base.DocumentError` with a message for the user.

Reading a document is bounded (issue 8): the text is cut at ``MAX_DOCUMENT_CHARS``, at most
``MAX_FACTS_PER_DOCUMENT`` facts are kept, and extraction plus parsing run in a throw-away
process (``PARSE_TIMEOUT_S``, ``PARSE_MEMORY_MB``; webapp.documents.isolated) so a hostile file can neither
stall nor bloat the server. :func:`aprepare` does that, and the embedding, off the thread that serves the
interview sockets; :func:`store` then writes the rows in one short transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TYPE_CHECKING

import numpy as np
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import IntegrityError, transaction

from interviewer.documents import fact_kinds, titles
from interviewer.documents import reading as documents
from interviewer.documents.base import JOB, RESUME, SUPPORTED_EXTENSIONS, DocumentError, ParsedFact
from interviewer.documents.extract import ExtractionLimits
from interviewer.documents.reading import Digest
from interviewer.encoders import Encoder, to_bytes
from webapp.documents.isolated import run_isolated
from webapp.documents.models import Fact, JobPosting, Resume

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

Document = JobPosting | Resume

# C0/C1 control characters (tab and line breaks kept) and lone surrogates: PostgreSQL refuses NUL
# in text, and none of them belongs in a title, a search or an answer.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_user_text(value: str, single_line: bool = False) -> str:
    """User text safe to store or query: control characters removed (and line breaks, if asked)."""
    value = _CONTROL.sub("", value or "")
    return " ".join(value.split()) if single_line else value


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def check_size(size: int, name: str) -> None:
    if size > max_upload_bytes():
        raise DocumentError(
            f"{name} is {size / 1024 / 1024:.1f} MB; the limit is {settings.MAX_UPLOAD_MB} MB (MAX_UPLOAD_MB)."
        )


def read_upload(upload: UploadedFile[bytes]) -> bytes:
    """Bytes of a Django ``UploadedFile``, refusing files over MAX_UPLOAD_MB before reading them."""
    name = str(upload.name)  # an upload always has a name (None only for a file not yet named)
    check_size(upload.size or 0, name)
    data = bytes(upload.read())
    check_size(len(data), name)
    return data


def extraction_limits() -> ExtractionLimits:
    return ExtractionLimits(
        max_chars=settings.MAX_DOCUMENT_CHARS,
        max_unpacked_bytes=settings.MAX_UNPACKED_MB * 1024 * 1024,
        max_member_bytes=settings.MAX_UNPACKED_MB * 1024 * 1024,
    )


@dataclass
class DocumentSpec:
    """What to store: the text (or file bytes) and the metadata of one document."""

    kind: str
    text: str = ""
    data: bytes | None = None
    filename: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    owner: User | None = None
    where: str = ""  # a CSV row ("jobs.csv row 7"); files name themselves in their messages

    @property
    def name(self) -> str:
        return self.where or (PurePath(self.filename).name if self.filename else "text")

    def failure(self, exc: DocumentError) -> DocumentError:
        """``exc`` naming the row it happened on (a file's own messages already name the file)."""
        return DocumentError(f"{self.where}: {exc}") if self.where else exc


@dataclass
class Prepared:
    """A document read and parsed (and, once :func:`embed` ran, embedded), not yet stored."""

    text: str
    facts: list[ParsedFact]
    notes: list[str]
    vectors: np.ndarray | None = None
    encoder_id: str = ""


# ---------------------------------------------------------------------------
# Reading, bounded and isolated


def prepare(spec: DocumentSpec) -> Prepared:
    """Read and parse one document within the configured bounds (in a throw-away process)."""
    if spec.data is not None:
        check_size(len(spec.data), spec.filename or "file")
    elif not (spec.text or "").strip():
        what = "resume" if spec.kind == RESUME else "job posting"
        raise DocumentError(f"The {what} text is empty.")
    args = (spec.kind, spec.data, spec.text or "", spec.filename, extraction_limits(), settings.MAX_FACTS_PER_DOCUMENT)
    memory = settings.PARSE_MEMORY_MB * 1024 * 1024
    digest = run_isolated(documents.read_in_child, (args, memory), spec.name, settings.PARSE_TIMEOUT_S, Digest)
    return Prepared(digest.text, list(digest.facts), _notes(digest))


def _notes(digest: Digest) -> list[str]:
    """What the uploader is told about the bounds that cut the document."""
    notes = []
    if digest.truncated:
        notes.append(
            f"Only the first {settings.MAX_DOCUMENT_CHARS:,} characters were read (MAX_DOCUMENT_CHARS); the rest was ignored."
        )
    if digest.facts_found > len(digest.facts):
        notes.append(
            f"Kept the first {len(digest.facts):,} of {digest.facts_found:,} facts (MAX_FACTS_PER_DOCUMENT); the rest were dropped."
        )
    return notes


def embed(items: Iterable[Prepared], encoder: Encoder) -> None:
    """Compute the fact embeddings of prepared documents (no database access)."""
    for item in items:
        item.vectors = encoder.encode([f.text for f in item.facts])
        item.encoder_id = encoder.model_id


TEXT_BATCH = 100  # rows of pasted text or CSV read by one reader process


def prepare_many(
    specs: Sequence[DocumentSpec], progress: Callable[[], object] | None = None
) -> list[Prepared | DocumentError]:
    """Read several documents within the bounds; for each, its Prepared or the DocumentError
    that says why not (naming its CSV row). Files get a reader process each; text rows are
    read in batches, and a batch that fails as a whole is read again row by row."""
    out: list[Prepared | DocumentError | None] = [None] * len(specs)
    rows = [i for i, spec in enumerate(specs) if spec.data is None]
    for i, spec in enumerate(specs):
        if spec.data is not None:
            out[i] = _prepare_or_error(spec)
            if progress:
                progress()
    for start in range(0, len(rows), TEXT_BATCH):
        batch = rows[start : start + TEXT_BATCH]
        for i, result in zip(batch, _prepare_rows([specs[i] for i in batch]), strict=True):
            out[i] = result
            if progress:
                progress()
    return [r for r in out if r is not None]


def _prepare_or_error(spec: DocumentSpec) -> Prepared | DocumentError:
    try:
        return prepare(spec)
    except DocumentError as exc:
        return spec.failure(exc)


def _prepare_rows(specs: list[DocumentSpec]) -> list[Prepared | DocumentError]:
    """Text rows in one reader process; row by row when the batch as a whole failed."""
    if len(specs) == 1:
        return [_prepare_or_error(specs[0])]
    limits, cap = extraction_limits(), settings.MAX_FACTS_PER_DOCUMENT
    items = [(s.kind, None, s.text or "", s.filename, limits, cap) for s in specs]
    memory = settings.PARSE_MEMORY_MB * 1024 * 1024
    try:
        results = run_isolated(
            documents.read_many_in_child, (items, memory), f"{len(specs)} rows", settings.PARSE_TIMEOUT_S, list
        )
    except DocumentError:
        return [_prepare_or_error(spec) for spec in specs]  # find the row that stalled or broke the batch
    out: list[Prepared | DocumentError] = []
    for spec, value in zip(specs, results, strict=True):
        if isinstance(value, Digest):
            out.append(Prepared(value.text, list(value.facts), _notes(value)))
        else:
            out.append(spec.failure(DocumentError(str(value))))
    return out


def prepare_all(
    specs: Sequence[DocumentSpec], encoder: Encoder | None = None, progress: Callable[[], object] | None = None
) -> list[Prepared]:
    """Prepare (and embed, given an encoder) several documents; the first failure is raised."""
    out = []
    for item in prepare_many(specs, progress):
        if isinstance(item, DocumentError):
            raise item
        out.append(item)
    if encoder is not None:
        embed(out, encoder)
    return out


async def aprepare(specs: Sequence[DocumentSpec]) -> list[Prepared]:
    """:func:`prepare_all` plus embedding, off the thread that serves interview sockets.

    Under ASGI, sync views and ``database_sync_to_async`` share one thread per process; only
    the encoder lookup (a short query) runs there.
    """
    from webapp.serving import models_registry

    encoder = await sync_to_async(models_registry.encoder)()
    return await sync_to_async(prepare_all, thread_sensitive=False)(list(specs), encoder)


async def aprepare_many(specs: Sequence[DocumentSpec]) -> list[Prepared | DocumentError]:
    """:func:`prepare_many` plus embedding of the readable ones, off the interview sockets' thread."""
    from webapp.serving import models_registry

    encoder = await sync_to_async(models_registry.encoder)()

    def work() -> list[Prepared | DocumentError]:
        results = prepare_many(specs)
        embed([r for r in results if isinstance(r, Prepared)], encoder)
        return results

    return await sync_to_async(work, thread_sensitive=False)()


# ---------------------------------------------------------------------------
# Storing


def guess_title(text: str, filename: str = "", kind: str = JOB) -> str:
    """A name for a document stored without one: its own title (:func:`interviewer.documents.titles.guess_title`:
    never a section name, a contact line or a date), else its file's name ("Resume 3" for "3.docx"),
    else "Untitled"."""
    found = titles.guess_title(text, kind)
    if found:
        return found[:200]
    stem = (PurePath(filename).stem if filename else "").replace("_", " ").replace("-", " ").strip()
    if stem and not any(c.isalpha() for c in stem):
        return f"{'Resume' if kind == RESUME else 'Job posting'} {stem}"  # "3.docx": never a bare number
    return stem or "Untitled"


def create_document(spec: DocumentSpec, prepared: Prepared | None = None) -> Document:
    """Parse and store one document with its facts, all or nothing.

    The returned document carries ``notes``: what the uploader must be told (text cut, facts dropped).
    """
    return store(spec, prepared or prepare(spec))


def store(spec: DocumentSpec, prepared: Prepared) -> Document:
    """Write one prepared document and its facts in one transaction (embedding them if not done)."""
    meta = {k: clean_user_text(v or "", single_line=True) for k, v in spec.meta.items() if v is not None}
    named = spec.where.replace(".csv row", " row") if spec.where else spec.filename  # "jobs row 7"
    fallback = clean_user_text(guess_title(prepared.text, named, spec.kind), single_line=True)
    with transaction.atomic():
        if spec.kind == JOB:
            document: Document = JobPosting.objects.create(
                title=(meta.get("title") or fallback)[:200],
                company=meta.get("company", "")[:200],
                location=meta.get("location", "")[:200],
                seniority=_seniority(meta.get("seniority", "")),
                text=prepared.text,
                source_file=clean_user_text(spec.filename, single_line=True)[:500],
            )
        else:
            document = Resume.objects.create(
                owner=spec.owner,
                label=(meta.get("label") or meta.get("title") or fallback)[:200],
                text=prepared.text,
                source_file=clean_user_text(spec.filename, single_line=True)[:500],
            )
        store_facts(document, prepared.facts, prepared.vectors, prepared.encoder_id)
    document.notes = prepared.notes
    return document


def reparse(document: Document) -> int:
    """Parse the stored text again and replace the facts; returns the number of facts.

    Facts the owner deleted stay deleted (see :func:`replace_facts`).
    """
    prepared = prepare(DocumentSpec(kind=document.kind, text=document.text, filename=str(document)))
    replace_facts(document, prepared)
    return len(prepared.facts)


def replace_facts(document: Document, prepared: Prepared) -> None:
    """Replace the document's facts by freshly parsed ones, in one transaction.

    A new fact whose text matches (by :func:`fact_key`) one the owner had deleted is stored
    deleted (``hidden``) again: a re-parse never brings back what the candidate took out. One the
    owner corrected keeps the correction, and the facts the owner added are kept after the
    parsed ones. A deleted or corrected fact the new parse no longer yields is forgotten.
    """
    with transaction.atomic():
        old = list(document.facts.all())
        hidden = {fact_key(f.edited_from or f.text) for f in old if f.hidden}
        edits = {fact_key(f.edited_from): f.text for f in old if f.edited_from}
        added = [f for f in old if f.added]
        document.facts.all().delete()
        store_facts(document, prepared.facts, prepared.vectors, prepared.encoder_id, hidden=hidden, edits=edits)
        start = len(prepared.facts)
        for n, fact in enumerate(added):
            fact.pk, fact.position = None, start + n
        Fact.objects.bulk_create(added)


def fact_key(text: str) -> str:
    """How a fact is recognised across parses: case, spacing and punctuation at its ends ignored."""
    return " ".join(text.casefold().split()).strip(" .,;:!?-–—•*\"'“”")


def store_facts(
    document: Document,
    facts: Iterable[ParsedFact],
    vectors: np.ndarray | None = None,
    encoder_id: str = "",
    hidden: Collection[str] = (),
    edits: Mapping[str, str] | None = None,
) -> None:
    """Insert the facts (askable or not, with their context); embeddings computed ahead
    (``vectors``) are stored, missing ones computed here. A fact whose :func:`fact_key` is in
    ``hidden`` is stored hidden; one in ``edits`` is stored with the owner's correction. A
    posting's pieces are judged first (:func:`judge_posting`)."""
    from webapp.documents import embeddings
    from webapp.serving import models_registry

    owner = {"job": document} if document.kind == JOB else {"resume": document}
    facts = list(facts)
    if facts and (vectors is None or len(vectors) != len(facts)):
        encoder = models_registry.encoder()  # once: the posting's judge reads the same vectors
        vectors, encoder_id = encoder.encode([f.text for f in facts]), encoder.model_id
    if document.kind == JOB:
        facts = judge_posting(facts, vectors, encoder_id)
    edits = edits or {}
    rows = [
        Fact(
            section=f.section,
            text=edits.get(fact_key(f.text), f.text),
            edited_from=f.text if fact_key(f.text) in edits else "",
            position=f.position,
            askable=f.askable or fact_key(f.text) in edits,
            context=f.context[:300],
            kind=f.kind,
            hidden=bool(hidden) and fact_key(f.text) in hidden,
            **owner,
        )
        for f in facts
    ]
    if vectors is not None and len(vectors) == len(rows):
        for row, vector in zip(rows, vectors, strict=True):
            if not row.edited_from:  # a corrected fact is embedded anew
                row.embedding, row.embedding_model = to_bytes(vector), encoder_id
    Fact.objects.bulk_create(rows, batch_size=500)
    if any(not row.embedding for row in rows):  # the owner's corrections, embedded as written
        embeddings.embed_facts(list(document.facts.all()))


MAX_FACT_CHARS = 500
RESUME_SECTIONS_TO_ADD = ("summary", "experience", "projects", "skills", "education", "certifications", "other")


def fact_text_error(text: str) -> str:
    """Why ``text`` cannot be a fact ("" when it can)."""
    if not text:
        return "Write the fact first."
    if len(text) > MAX_FACT_CHARS:
        return f"A fact is at most {MAX_FACT_CHARS} characters: split it in two."
    return ""


def edit_fact(fact: Fact, text: str) -> None:
    """Correct a resume fact; the parsed text is remembered so a re-parse keeps the correction."""
    from webapp.documents import embeddings

    if not fact.edited_from and not fact.added:
        fact.edited_from = fact.text
    fact.text, fact.askable, fact.embedding, fact.embedding_model = text, True, None, ""
    fact.save(update_fields=["text", "edited_from", "askable", "embedding", "embedding_model"])
    embeddings.embed_facts([fact])


def add_fact(resume: Resume, section: str, text: str) -> Fact:
    """A fact the resume's owner writes, after the parsed ones; kept by a re-parse."""
    from django.db.models import Max

    from webapp.documents import embeddings

    for attempt in range(3):  # two additions at once may pick the same position: the second tries again
        try:
            with transaction.atomic():
                last = resume.facts.aggregate(last=Max("position"))["last"]
                fact = Fact.objects.create(
                    resume=resume,
                    section=section,
                    text=text,
                    position=(last if last is not None else -1) + 1,
                    added=True,
                )
            break
        except IntegrityError:
            if attempt == 2:
                raise
    embeddings.embed_facts([fact])
    return fact


def judge_posting(facts: list[ParsedFact], vectors: np.ndarray | None = None, encoder_id: str = "") -> list[ParsedFact]:
    """Each piece of a posting with its kind (:mod:`interviewer.documents.fact_kinds`): what is not askable
    (the company's blurb, pay, legal text, how to apply, screening conditions) is kept, never
    asked about. Without a classifier the parser's own verdict stands."""
    from webapp.serving import models_registry

    found = models_registry.fact_kinds()
    if found is None or not facts:
        return [replace(f, kind=fact_kinds.pattern_kind(f.text, f.section, f.askable)) for f in facts]
    classifier, encoder = found
    if vectors is None or len(vectors) != len(facts) or encoder_id != classifier.encoder_id:
        vectors = encoder.encode([f.text for f in facts])
    pieces = fact_kinds.pieces_of([f.section for f in facts], [f.text for f in facts], [f.askable for f in facts])
    out = []
    for fact, kind in zip(facts, classifier.kinds_of(pieces, vectors), strict=True):
        section, askable, kind = fact_kinds.decide(fact.section, fact.askable, kind, fact.text)
        out.append(replace(fact, section=section, askable=askable, kind=kind))
    return out


def _seniority(value: str) -> str:
    value = value.strip().lower()
    aliases = {"mid-level": "mid", "middle": "mid", "entry": "junior", "entry-level": "junior", "manager": "lead"}
    value = aliases.get(value, value)
    valid = {c for c, _ in JobPosting._meta.get_field("seniority").choices or ()}
    return value if value in valid else ""


# ---------------------------------------------------------------------------
# CSV and many files


def read_csv_rows(
    data: bytes, name: str, text_column: str, title_column: str | None = None
) -> list[tuple[int, str, str, dict[str, str]]]:
    """Rows of a CSV as (row number, text, title, all columns), checking the columns first.

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
        title = clean_user_text(row.get(title_column) or "", single_line=True) if title_column else ""
        values = {k: clean_user_text(v or "", single_line=True) for k, v in row.items() if isinstance(k, str) and k}
        out.append((number, text, title, values))  # no title: the document's own is guessed when stored
    if not out:
        raise DocumentError(f"{name}: column {text_column!r} is empty in every row.")
    return out


def csv_specs(
    kind: str, data: bytes, name: str, text_column: str, title_column: str | None, owner: User | None = None
) -> list[DocumentSpec]:
    specs = []
    for number, text, title, row in read_csv_rows(data, name, text_column, title_column):
        meta = {"title": title, "label": title}
        if kind == JOB:
            for key in ("company", "location", "seniority"):
                if row.get(key):
                    meta[key] = row[key]
        where = f"{PurePath(name).name} row {number}"
        specs.append(DocumentSpec(kind=kind, text=text, filename=name, meta=meta, owner=owner, where=where))
    return specs


def specs_from_files(
    kind: str,
    files: Iterable[tuple[str, bytes]],
    text_column: str | None = "text",
    title_column: str | None = None,
    owner: User | None = None,
) -> list[DocumentSpec]:
    """The documents in uploaded or named files: one per PDF/DOCX/TXT/Markdown file, one per CSV row.

    Raises:
        DocumentError: a file over the size limit, an unsupported type, or a CSV without the columns.
    """
    specs: list[DocumentSpec] = []
    for name, data in files:
        check_size(len(data), name)
        if PurePath(name).suffix.lower() == ".csv":
            specs.extend(csv_specs(kind, data, name, text_column or "text", title_column or None, owner=owner))
        elif is_supported(name):
            specs.append(DocumentSpec(kind=kind, data=data, filename=name, owner=owner))
        else:
            raise DocumentError(f"{PurePath(name).name}: unsupported file type; use PDF, DOCX, TXT, Markdown or CSV.")
    return specs


@dataclass
class ImportResult:
    """What a bulk import stored, and each row or file it could not, with the reason."""

    created: list[Document] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (row or file, why)

    def failure_lines(self) -> list[str]:
        """One line per row or file not imported, naming it once."""
        return [why if why.startswith(where) else f"{where}: {why}" for where, why in self.failed]


def store_many(
    specs: Sequence[DocumentSpec], prepared: Sequence[Prepared | DocumentError], all_or_nothing: bool = False
) -> ImportResult:
    """Store the readable documents (each whole) and report the others.

    With ``all_or_nothing`` a single failure stores nothing and raises it.
    """
    failed = [
        (spec.name, str(item).removeprefix(f"{spec.where}: "))
        for spec, item in zip(specs, prepared, strict=True)
        if isinstance(item, DocumentError)
    ]
    if all_or_nothing and failed:
        more = f" ({len(failed) - 1} more could not be read either)" if len(failed) > 1 else ""
        first = next(item for item in prepared if isinstance(item, DocumentError))
        raise DocumentError(f"{first}{more}")
    result = ImportResult(failed=failed)
    with transaction.atomic() if all_or_nothing else nullcontext():
        for spec, item in zip(specs, prepared, strict=True):
            if isinstance(item, Prepared):
                result.created.append(store(spec, item))
    return result


def import_documents(
    specs: Sequence[DocumentSpec], all_or_nothing: bool = False, progress: Callable[[], object] | None = None
) -> ImportResult:
    """Read, embed and store several documents: the good ones are kept, the bad ones reported
    by row or file (or, with ``all_or_nothing``, nothing is stored if one is bad)."""
    from webapp.serving import models_registry

    prepared = prepare_many(specs, progress)
    embed([p for p in prepared if isinstance(p, Prepared)], models_registry.encoder())
    return store_many(specs, prepared, all_or_nothing)


def create_documents(specs: list[DocumentSpec], progress: Callable[[], object] | None = None) -> list[Document]:
    """Store several documents as one unit: if one fails, none is stored (the error names it)."""
    return import_documents(specs, all_or_nothing=True, progress=progress).created


def is_supported(filename: str) -> bool:
    return PurePath(filename).suffix.lower() in SUPPORTED_EXTENSIONS + (".csv",)
