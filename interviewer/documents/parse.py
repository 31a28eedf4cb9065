"""Clean text to sections and atomic facts: headings found (also inline and letter-spaced), job and
project blocks with their context, sentences kept whole, lists split into items, and each claim
judged askable or not (:mod:`interviewer.documents.facts`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from interviewer.documents import facts as quality
from interviewer.documents.base import JOB, RESUME, DocumentError, ParsedDocument, ParsedFact
from interviewer.documents.extract import clean_text
from interviewer.documents.sections import (
    BULLET,
    CONTEXT_SECTIONS,
    JOB_ASKABLE,
    NAMED_SECTIONS,
    UNTITLED,
    fallback_section,
    heading_of,
    leaves_header,
    section_for,
)
from interviewer.documents.structure import recover_lines
from interviewer.text import document_sentences
from interviewer.vocabulary import Section

_DIGIT = re.compile(r"\d")
# "and maintains ...", and the "etc." that closed the list before ("Git, Jira, etc. Message queues").
_LEADING_CONJUNCTION = re.compile(r"^(?:and|or|but|as well as|etc\.(?=\s+[A-Z]))\s+", re.I)
_TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.S)
MAX_FACT_CHARS = 400
MAX_LIST_CHARS = 5000
MAX_CONTEXT_PARTS = 5
MIN_CONTACT_CLAIM_WORDS = 8  # a sentence that gives an address as well keeps its claim
_JOINERS = frozenset(
    "a an the and or of to for with in on at by as from into our your their who which that".split()
)  # a longer line is prose, never split as a list


@dataclass
class _Block:
    section: str
    explicit: bool  # named by a heading (an untitled job block is sorted sentence by sentence)
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Unit:
    text: str
    item: str = ""  # "bullet" or "list" for an item of a list: a short one is still a fact
    entry: bool = False  # an entry header (role, employer, dates)


def parse_document(text: str, kind: str) -> ParsedDocument:
    """Split clean text into sections and atomic facts.

    Structure lost in export (inline headings, bullets run together, one long paragraph) is
    recovered first (:mod:`interviewer.documents.structure`); each piece is then judged a claim, a
    fragment or boilerplate (:mod:`interviewer.documents.facts`).

    Args:
        text: clean text (see :func:`clean_text`; raw text is cleaned again, harmlessly).
        kind: ``"resume"`` or ``"job"``; it picks the section vocabulary.

    Returns:
        A :class:`ParsedDocument` whose facts hold one claim each (at most 40 words), in
        reading order; boilerplate facts have ``askable=False``.

    Raises:
        DocumentError: when the text holds no fact at all (an empty resume, say).
    """
    if kind not in (RESUME, JOB):
        raise ValueError(f"kind must be 'resume' or 'job', not {kind!r}")
    text = clean_text(text)
    lines = recover_lines(text, lambda phrase: section_for(phrase, kind) is not None)
    sections: dict[str, list[str]] = {}
    facts: list[ParsedFact] = []
    seen: set[tuple[str, str]] = set()
    blocks = _blocks(lines, kind)
    for block in blocks:
        sections.setdefault(block.section, []).extend(line for line in block.lines if line)
        if block.section == Section.HEADER:
            continue
        for fact in _block_facts(block, kind):
            key = (fact.section, fact.text.lower())
            if key not in seen:
                seen.add(key)
                facts.append(replace(fact, position=len(facts)))
    sections = {name: lines for name, lines in sections.items() if lines}
    if not facts:
        facts = _leftover_facts(blocks)
    if not facts:
        what = "resume" if kind == RESUME else "job posting"
        raise DocumentError(f"This {what} has no usable content (no sentences, bullets or skills found).")
    return ParsedDocument(kind=kind, text=text, sections=sections, facts=facts)


def _blocks(lines: list[str], kind: str) -> list[_Block]:
    """Lines grouped under their headings, in reading order (a section may recur)."""
    blocks = [_Block(Section.HEADER if kind == RESUME else Section.ABOUT, False)]
    section_level = 0
    for raw in lines:
        line = raw.strip()
        current = blocks[-1]
        if not line:
            current.lines.append("")  # a paragraph break
            continue
        heading, rest, level = heading_of(line, kind)
        if rest and kind == RESUME and current.section in CONTEXT_SECTIONS:
            heading = None  # "Tools: Go, SQL" inside an experience entry: a line of the entry
        if heading == fallback_section(kind) and not level and kind == JOB and current.section in JOB_ASKABLE:
            if section_for(line.strip("*_ :"), kind) is None:
                heading = None  # "Backend Development:" under "Requirements": a sub-heading, not a new section
        if heading is not None and heading == fallback_section(kind):
            if current.section == Section.HEADER:
                heading = Section.HEADER  # a name set as a heading at the top of a resume
            elif (level and section_level and level > section_level) or (
                not level and kind == RESUME and current.section in CONTEXT_SECTIONS | {Section.EDUCATION}
            ):
                # "### Data Analyst, Acme | 2021 - 2023" under "## Experience": an entry, not a section
                current.lines.append(line.lstrip("#").strip())
                continue
        if heading is not None:
            section_level = level
            explicit = heading != UNTITLED
            blocks.append(_Block(heading if explicit else fallback_section(kind), explicit, [rest] if rest else []))
            continue
        if current.section == Section.HEADER and leaves_header(line, current.lines):
            blocks.append(_Block(Section.SUMMARY, False, [line]))
            continue
        current.lines.append(line)
    return blocks


# ---------------------------------------------------------------------------
# Facts


def _block_facts(block: _Block, kind: str) -> list[ParsedFact]:
    """The facts of one block; in experience-like sections, fragments become the context of the
    claims that follow them."""
    keeps_context = kind == RESUME and block.section in CONTEXT_SECTIONS
    out: list[ParsedFact] = []
    entry: list[str] = []
    used = False

    def note(fragment: str, header: bool = False) -> None:
        nonlocal entry, used
        if used or header:
            entry, used = [], False  # a new entry: its header or its first fragment
        if len(entry) < MAX_CONTEXT_PARTS:
            entry.append(fragment)

    lists = block.explicit or block.section != Section.SUMMARY
    for unit in _units(block.lines, block.section, kind, lists):
        label, _name, value = quality.split_label(unit.text)
        if label == "metadata" or not value:
            continue
        if label == "context" or unit.entry:
            if keeps_context:
                note(quality.strip_contacts(value), header=unit.entry and not quality.is_dates(value))
            continue
        contact = quality.has_contact(value)
        text = quality.strip_contacts(value) if contact else value
        if contact and len(text.split()) < MIN_CONTACT_CLAIM_WORDS:
            continue  # a contact line: what is left is a place or a name
        listed = unit.item == "list" or (unit.item == "bullet" and block.section not in CONTEXT_SECTIONS)
        for piece in quality.split_long(text):
            piece = _tidy(piece)
            if not piece:
                continue
            if quality.is_fragment(piece, item=listed, names=block.section not in NAMED_SECTIONS):
                if keeps_context:
                    note(piece)
                continue
            context = quality.context_of(entry) if keeps_context else ""
            used = used or bool(entry)
            out.append(_fact(block, kind, piece, context, contact))
    return out


def _leftover_facts(blocks: list[_Block]) -> list[ParsedFact]:
    """When nothing is askable, what there is to read (a classified ad of pay and an address):
    kept, not askable, so that the document is stored and still gets a behavioral interview.
    A resume's first line (the name) is not kept."""
    out: list[ParsedFact] = []
    for n, block in enumerate(blocks):
        lines = block.lines[1:] if n == 0 and block.section == Section.HEADER else block.lines
        for unit in _units(lines, block.section, JOB):
            for piece in quality.split_long(quality.strip_contacts(unit.text)):
                piece = _tidy(piece)
                if sum(1 for w in piece.split() if sum(c.isalpha() for c in w) >= 2) >= 2:
                    out.append(ParsedFact(block.section, piece, len(out), askable=False))
    return out


def _fact(block: _Block, kind: str, text: str, context: str, contact: bool) -> ParsedFact:
    section = block.section
    if kind == RESUME:
        askable = quality.resume_boilerplate(text) is None
        return ParsedFact(section, text, 0, askable=askable, context=context)
    if not block.explicit and section == Section.ABOUT:
        if contact or quality.boilerplate_kind(text, weak=True):
            return ParsedFact(section, text, 0, askable=False)
        target = quality.job_section(text)
        return ParsedFact(target or section, text, 0, askable=target is not None)
    askable = section in JOB_ASKABLE and not contact and quality.boilerplate_kind(text, weak=False) is None
    return ParsedFact(section, text, 0, askable=askable)


def _units(lines: list[str], section: str, kind: str, lists: bool = True) -> list[_Unit]:
    """One unit per bullet, per sentence of a paragraph, per item of a list, per entry header.

    ``lists`` False keeps separated lists whole (the top of a resume: "☎ | ✉ | Leeds").
    """
    units: list[_Unit] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            units.extend(_Unit(s) for s in document_sentences(" ".join(paragraph)))
            paragraph.clear()

    previous_bullet = False
    for line in lines:
        if not line:
            flush()
            previous_bullet = False
            continue
        bullet = BULLET.match(line)
        if previous_bullet and not bullet and units and _continues(line):
            last = units.pop()  # a bullet wrapped onto the next line
            units.append(replace(last, text=f"{last.text} {line}"))
            continue
        previous_bullet = bool(bullet) and section != Section.SKILLS
        body = line[bullet.end() :].strip() if bullet else line
        listed = lists and (section == Section.SKILLS or _looks_like_list(body, kind == JOB))
        if bullet or listed or _is_entry(body, section, kind):
            flush()
            units.extend(_line_units(body, section, kind, bool(bullet), lists))
        elif (
            section in (Section.EDUCATION, Section.CERTIFICATIONS)
            or quality.split_label(body)[0]
            or quality.is_dates(body)
        ):
            flush()  # a line of its own: an education entry, "company - Acme", "06/2006"
            units.append(_Unit(body, entry=quality.is_dates(body)))
        else:
            if paragraph and not _wraps(paragraph[-1], line):
                flush()
            paragraph.append(line)
            if line.endswith((".", "!", "?")):
                flush()
    flush()
    return units


def _wraps(previous: str, line: str) -> bool:
    """Whether ``line`` carries on ``previous`` (a sentence wrapped by a PDF or a narrow column),
    rather than starting a new paragraph (a DOCX paragraph per line)."""
    if previous.endswith((":", ";")):
        return False
    last = previous.rsplit(" ", 1)[-1].lower()
    return (
        line[:1].islower() or previous.endswith((",", "-", "–", "&")) or last in _JOINERS or len(previous.split()) >= 9
    )


def _line_units(body: str, section: str, kind: str, bullet: bool, lists: bool = True) -> list[_Unit]:
    if _is_entry(body, section, kind):
        return [_Unit(body, entry=True)]
    if lists and (section == Section.SKILLS or _looks_like_list(body, kind == JOB)):
        items = _skill_items(body, section)
        if len(items) > 1 or section == Section.SKILLS:
            return [_Unit(quality.level_free(i) if section == Section.SKILLS else i, item="list") for i in items]
    sentences = document_sentences(body)
    if len(sentences) == 1:
        return [_Unit(body, item="bullet" if bullet else "")]
    return [_Unit(s) for s in sentences]


def _is_entry(line: str, section: str, kind: str) -> bool:
    """A role line in an experience-like section of a resume: "Data Analyst, Acme | 2021 - 2023"."""
    return kind == RESUME and section in CONTEXT_SECTIONS and _looks_like_entry_header(line)


def _continues(line: str) -> bool:
    """A line that carries on the previous bullet: starts in lower case or with punctuation."""
    return line[0].islower() or line[0] in ",;)&" or (line[0].isdigit() and not _looks_like_entry_header(line))


def _skill_items(line: str, section: str) -> list[str]:
    """``"Languages: Python, Go"`` -> ``["Python", "Go"]``; prose stays whole."""
    if len(line) > MAX_LIST_CHARS:
        return [line]
    body = line
    if ":" in line:
        head, rest = line.split(":", 1)
        if len(head.split()) <= 4 and rest.strip():
            body = rest
    items = [i.strip(" .") for i in _split_outside_brackets(body) if i.strip(" .")]
    if len(items) <= 1 or any(len(i.split()) > (12 if section == Section.SKILLS else 8) for i in items):
        return [line]
    return items


def _split_outside_brackets(text: str) -> list[str]:
    """Split on , ; | • · and " / " but not inside brackets: "AWS (EKS, IAM), Go" -> 2 items.

    A comma between digits is a thousands separator ("£34,000"). " / " separates items only
    between short ones: "Terraform / Pulumi", not "Looking for a Full-Stack / Back-End role".
    """
    items: list[str] = []
    current: list[str] = []
    depth = 0
    last = len(text) - 1
    for i, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}" and depth > 0
        thousands = ch == "," and 0 < i < last and text[i - 1].isdigit() and text[i + 1].isdigit()
        if depth == 0 and ch in ",;|•·" and not thousands:
            items.append("".join(current))
            current = []
            continue
        current.append(ch)
    items.append("".join(current))
    out = []
    for item in items:
        parts = item.split(" / ")
        short = len(parts) > 1 and all(len(p.split()) <= 3 for p in parts) and "(" not in item
        out.extend(parts if short else [item])
    return out


def _looks_like_list(line: str, headless: bool = False) -> bool:
    """A separated list: ``"Tools: Figma, Sketch, Miro"``, or with ``headless`` also
    ``"Python, SQL, Docker"`` (not in a resume's entries: "Analyst, Acme, Leeds" is no list)."""
    if len(line) > MAX_LIST_CHARS:
        return False
    head, rest = line.split(":", 1) if ":" in line else ("", line)
    if len(head.split()) > 4 or head[:1].islower():
        head, rest = "", line  # "basis of the platform: ..." is a sentence, not a list's name
    if not head and not headless:
        return False
    items = [i.strip(" .") for i in _split_outside_brackets(rest) if i.strip(" .")]
    limit = 5 if head else 3
    return len(items) >= 2 and all(len(i.split()) <= limit for i in items)


def _looks_like_entry_header(line: str) -> bool:
    """A role or degree line: short, carries a date range, no sentence punctuation."""
    return bool(quality.DATE_RANGE.search(line)) and len(line.split()) <= 20 and not line.endswith(".")


def _tidy(claim: str) -> str:
    claim = claim.strip().strip("*_").strip()
    if _DIGIT.search(claim) and _looks_like_entry_header(claim):
        claim = quality.DATE_RANGE.sub(" ", claim)
    claim = re.sub(r"\s+", " ", claim)
    claim = re.sub(r"\s+([,;:!?]|\.(?!\w))", r"\1", claim)
    claim = re.sub(r"(\s*[|,–—:;-])+\s*$", "", claim).strip()
    claim = re.sub(r"^[^\w(\"'$#+.@]+", "", claim).strip()  # leading separators and symbols: "| ", "⌂: "
    claim = claim.replace("( )", "").replace("()", "").strip()
    bare = _LEADING_CONJUNCTION.sub("", claim)  # "and maintains the stock" -> "maintains the stock"
    if bare != claim and bare:
        claim = bare[0].upper() + bare[1:] if claim[0].isupper() else bare
    if len(claim) > MAX_FACT_CHARS:
        claim = claim[:MAX_FACT_CHARS].rsplit(" ", 1)[0] + "…"
    if not _TWO_ALNUM.search(claim) and not quality.SHORT_SKILL.fullmatch(claim):
        return ""
    return claim
