"""What every step of reading a document shares: the two kinds, the error a bad document raises
(its message is shown to the person who uploaded it), and a parsed document and its facts."""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.vocabulary import Source

SUPPORTED_EXTENSIONS = (".pdf", ".docx", ".txt", ".md", ".markdown")

RESUME, JOB = Source.RESUME, Source.JOB  # the two kinds of document


class DocumentError(ValueError):
    """A file or text that cannot become a document; ``str(error)`` is shown to the user."""


@dataclass(frozen=True)
class ParsedFact:
    """One claim of a document.

    ``askable`` is False for boilerplate (pay, legal text, how to apply, the company's
    description of itself...): kept for display, never a requirement, never probed.
    ``context`` says where the claim belongs ("Backend Engineer, Acme, 2020 - 2023" for an
    experience bullet); it is not part of the claim. ``kind`` is what a posting's piece is once
    :mod:`interviewer.documents.fact_kinds` judged it ("requirement", "condition"...; "" until then).
    """

    section: str
    text: str
    position: int
    askable: bool = True
    context: str = ""
    kind: str = ""


@dataclass
class ParsedDocument:
    kind: str
    text: str
    sections: dict[str, list[str]] = field(default_factory=dict)
    facts: list[ParsedFact] = field(default_factory=list)
