"""Reading a document as the app does: bytes or pasted text -> clean text (:mod:`.extract`) ->
sections and facts (:mod:`.parse`), within limits, in a throw-away process the caller starts
(:func:`read_in_child`, :func:`read_many_in_child`) so that a hostile file can cost it no more
than its time and memory."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal, TypeAlias

from interviewer.documents.base import DocumentError, ParsedFact
from interviewer.documents.extract import ExtractionLimits, cap_text, clean_text, extract
from interviewer.documents.parse import parse_document

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


@dataclass(frozen=True)
class Digest:
    """A document read within bounds: its clean text and at most ``max_facts`` facts.

    ``truncated`` says the text was cut to ``ExtractionLimits.max_chars``; ``facts_found`` is
    how many facts the (possibly cut) text held before the cap.
    """

    text: str
    facts: list[ParsedFact]
    truncated: bool
    facts_found: int


def read_document(
    kind: str, data: bytes | None, text: str, filename: str, limits: ExtractionLimits, max_facts: int
) -> Digest:
    """Bytes of a file (or pasted text) -> a :class:`Digest`, every step bounded by ``limits``.

    Raises:
        DocumentError: as :func:`extract` and :func:`parse_document` do.
    """
    if data is not None:
        extraction = extract(data, filename, limits)
        text, truncated = extraction.text, extraction.truncated
    else:
        raw, raw_cut = cap_text(text, 2 * limits.max_chars + 1024)
        text, cut = cap_text(clean_text(raw), limits.max_chars)
        truncated = raw_cut or cut
    parsed = parse_document(text, kind)
    return Digest(parsed.text, parsed.facts[:max_facts], truncated, len(parsed.facts))


@dataclass(frozen=True)
class Reply:
    """What a reader process sends its parent, once: ``ok`` with its ``result`` (a :class:`Digest`, or
    for a batch one Digest or error message per document), ``error`` with the ``message`` for the
    person who uploaded the document, or ``crash`` with a description for the log; and the
    process's peak resident memory. A process that sends nothing died (the parent says how)."""

    status: Literal["ok", "error", "crash"]
    result: Digest | list[Digest | str] | None = None
    message: str = ""
    peak_kb: int = 0


# read_document's arguments: (kind, data, text, filename, limits, max_facts).
ReadArgs: TypeAlias = tuple[str, bytes | None, str, str, ExtractionLimits, int]


def read_in_child(connection: Connection, args: ReadArgs, memory_bytes: int) -> None:
    """Entry point of a throw-away process: :func:`read_document` under an address-space limit.

    Sends one :class:`Reply` through ``connection``: ``ok`` with the Digest, ``error`` for a
    DocumentError or a MemoryError, ``crash`` for anything else; the parent enforces the time limit.
    """
    import resource

    def send(reply: Reply) -> None:
        connection.send(replace(reply, peak_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))

    try:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        send(Reply("ok", read_document(*args)))
    except DocumentError as exc:
        send(Reply("error", message=str(exc)))
    except MemoryError:
        name = PurePath(args[3] or "text").name
        send(Reply("error", message=f"{name} needs more memory to read than a document may use."))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which logs it
        send(Reply("crash", message=f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        connection.close()


def read_many_in_child(connection: Connection, items: list[ReadArgs], memory_bytes: int) -> None:
    """Like :func:`read_in_child` for several documents (pasted text or CSV rows) in one process:
    its :class:`Reply` holds one Digest or error message per document.

    One process for a batch of rows costs one start-up instead of one per row; a row that
    stalls the batch is found by reading the batch's rows one by one (the caller's job).
    """
    import resource

    def send(reply: Reply) -> None:
        connection.send(replace(reply, peak_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))

    try:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        results: list[Digest | str] = []
        for args in items:
            try:
                results.append(read_document(*args))
            except DocumentError as exc:
                results.append(str(exc))
        send(Reply("ok", results))
    except MemoryError:
        send(Reply("error", message="These documents need more memory to read than a batch may use."))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which logs it
        send(Reply("crash", message=f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        connection.close()
