"""Resume and job-posting text: file bytes -> clean text -> sections -> atomic facts.

Everything here is deterministic and free of Django. The entry points are
:func:`extract_text` (bytes of a PDF, DOCX, TXT or Markdown file to clean text) and
:func:`parse_document` (clean text to sections and facts). Both raise
:class:`DocumentError` with a message meant for the person who uploaded the file.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

SUPPORTED_EXTENSIONS = (".pdf", ".docx", ".txt", ".md", ".markdown")

RESUME = "resume"
JOB = "job"


class DocumentError(ValueError):
    """A file or text that cannot become a document; ``str(error)`` is shown to the user."""


@dataclass(frozen=True)
class ParsedFact:
    section: str
    text: str
    position: int


@dataclass
class ParsedDocument:
    kind: str
    text: str
    sections: dict[str, list[str]] = field(default_factory=dict)
    facts: list[ParsedFact] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Extraction: bytes -> text


@dataclass(frozen=True)
class ExtractionLimits:
    """Bounds on the work one file may cause; every field has a safe default.

    ``max_chars`` caps the text handed on to parsing (longer text is cut at a line break and
    :attr:`Extraction.truncated` says so). The archive bounds are checked on the ZIP's
    declared sizes *before* anything is decompressed: ``zipfile`` never inflates a member past
    its declared size, so the check holds for lying headers too.
    """

    max_chars: int = 200_000
    max_unpacked_bytes: int = 40 * 1024 * 1024
    max_member_bytes: int = 25 * 1024 * 1024
    max_members: int = 1000
    max_compression_ratio: float = 120.0
    max_pdf_pages: int = 300


@dataclass(frozen=True)
class Extraction:
    """The clean text of a file, and whether it was cut to ``ExtractionLimits.max_chars``."""

    text: str
    truncated: bool = False


def extract_text(data: bytes, filename: str, limits: ExtractionLimits | None = None) -> str:
    """Return the clean text of an uploaded file (see :func:`extract`)."""
    return extract(data, filename, limits).text


def extract(data: bytes, filename: str, limits: ExtractionLimits | None = None) -> Extraction:
    """The clean text of an uploaded file, within ``limits``.

    Args:
        data: the raw bytes of the file.
        filename: its name; the extension decides the format.
        limits: bounds on the work; :class:`ExtractionLimits` defaults when omitted.

    Raises:
        DocumentError: empty file, unsupported type, corrupt, encrypted or over-limit PDF, PDF
            without text, corrupt DOCX or one whose archive unpacks too large, text that is
            not UTF-8, or no text at all.
    """
    limits = limits or ExtractionLimits()
    name = PurePath(filename or "").name or "file"
    ext = PurePath(name).suffix.lower()
    if not data:
        raise DocumentError(f"{name} is empty.")
    if ext == ".pdf":
        text, cut = _pdf_text(data, name, limits)
    elif ext == ".docx":
        text, cut = _docx_text(data, name, limits)
    elif ext in (".txt", ".md", ".markdown"):
        text, cut = _plain_text(data, name), False
    else:
        allowed = ", ".join(SUPPORTED_EXTENSIONS)
        raise DocumentError(f"{name}: unsupported file type {ext or '(none)'}; use one of {allowed}.")
    # Cleaning is linear but not free: never clean much more than will be kept.
    raw, raw_cut = cap_text(text, 2 * limits.max_chars + 1024)
    clean, clean_cut = cap_text(clean_text(raw), limits.max_chars)
    if not clean.strip():
        raise DocumentError(f"{name} contains no text.")
    return Extraction(clean, cut or raw_cut or clean_cut)


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


def read_in_child(connection, args: tuple, memory_bytes: int) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Entry point of a throw-away process: :func:`read_document` under an address-space limit.

    Sends ``("ok", Digest, peak_kb)``, ``("error", message, peak_kb)`` for a DocumentError, or
    ``("crash", description, peak_kb)`` for anything else, through ``connection`` (``peak_kb``:
    the process's peak RSS); the parent enforces the time limit.
    """
    import resource

    def send(status: str, value: object) -> None:
        connection.send((status, value, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))

    try:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        send("ok", read_document(*args))
    except DocumentError as exc:
        send("error", str(exc))
    except MemoryError:
        send("error", f"{PurePath(args[3] or 'text').name} needs more memory to read than a document may use.")
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which logs it
        send("crash", f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()


def cap_text(text: str, max_chars: int) -> tuple[str, bool]:
    """``text`` cut to at most ``max_chars``, at the last line break (or space) before the cap.

    Returns the text and whether anything was cut.
    """
    if len(text) <= max_chars:
        return text, False
    head = text[:max_chars]
    for separator in ("\n", " "):
        cut = head.rfind(separator)
        if cut >= max_chars // 2:
            return head[:cut], True
    return head, True


def _plain_text(data: bytes, name: str) -> str:
    if data.startswith(b"%PDF") or data.startswith(b"PK\x03\x04"):
        raise DocumentError(f"{name} looks like a PDF or Office file, not plain text; check its extension.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{name} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and upload it again."
        ) from None
    if "\x00" in text:
        raise DocumentError(f"{name} looks like a binary file, not text.")
    return text


# Everything pypdf may raise on a hostile file; its own errors derive from PyPdfError.
_PDF_FAILURES = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    OSError,
    RecursionError,
    ZeroDivisionError,
    OverflowError,
    AssertionError,
    NotImplementedError,
    UnicodeError,
    MemoryError,
)


def _pdf_text(data: bytes, name: str, limits: ExtractionLimits) -> tuple[str, bool]:
    """Text of a PDF, page by page, stopping at ``max_pdf_pages`` or once ``max_chars`` is read."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    unreadable = f"{name} is not a readable PDF (the file is damaged or not a PDF)."
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - unsupported algorithms raise many kinds
                ok = 0
            if not ok:
                raise DocumentError(f"{name} is password-protected; remove the password and upload it again.")
        pages: list[str] = []
        total = 0
        page_count = len(reader.pages)
        for page in reader.pages:
            if len(pages) >= limits.max_pdf_pages or total > limits.max_chars:
                break
            pages.append(_pdf_page_text(page))
            total += len(pages[-1])
    except DocumentError:
        raise
    except LimitReachedError:
        raise DocumentError(
            f"{name} holds a compressed stream that unpacks past the safe limit; "
            "save it again as a plain PDF (e.g. Print to PDF) and upload that."
        ) from None
    except PyPdfError:
        raise DocumentError(unreadable) from None
    except _PDF_FAILURES:
        raise DocumentError(unreadable) from None
    text = "\n\n".join(p for p in pages if p.strip())
    if not text.strip():
        raise DocumentError(
            f"{name} has no extractable text (it may be a scanned image); upload a text PDF, DOCX or TXT."
        )
    return text, len(pages) < page_count


def _pdf_page_text(page) -> str:  # type: ignore[no-untyped-def]
    """Text of one PDF page, reading two-column layouts column by column."""
    fragments: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + cm[4]
        y = tm[5] * cm[3] + cm[5]
        size = abs(font_size * tm[0] * cm[0]) or 10.0
        fragments.append((x, y, size, text))

    plain = page.extract_text(visitor_text=visit) or ""
    columns = _split_columns(fragments, float(page.mediabox.width))
    if columns is None:
        return plain
    return "\n".join(_fragments_to_lines(column) for column in columns)


def _split_columns(fragments, width):  # type: ignore[no-untyped-def]
    """Return (left, right) fragment lists when the page has a clear gutter, else None."""
    if len(fragments) < 12 or width <= 0:
        return None
    covered = [0] * 100
    for x, _y, size, text in fragments:
        approx_width = 0.5 * size * len(text.rstrip())
        start = max(0, int(100 * x / width))
        end = min(99, int(100 * (x + approx_width) / width))
        for i in range(start, end + 1):
            covered[i] += 1
    gutter = [i for i in range(30, 71) if covered[i] == 0]
    if not gutter:
        return None
    cut = width * (gutter[0] + gutter[-1]) / 200
    left = [f for f in fragments if f[0] < cut]
    right = [f for f in fragments if f[0] >= cut]
    if len(left) < 4 or len(right) < 4:
        return None
    return left, right


def _fragments_to_lines(fragments) -> str:  # type: ignore[no-untyped-def]
    rows: dict[int, list[tuple[float, str]]] = {}
    for x, y, _size, text in fragments:
        rows.setdefault(round(y / 3), []).append((x, text))
    lines = []
    for key in sorted(rows, reverse=True):
        parts = [t for _x, t in sorted(rows[key])]
        lines.append(" ".join(p.strip("\n") for p in parts))
    return "\n".join(lines)


def _check_archive(data: bytes, name: str, limits: ExtractionLimits) -> None:
    """Refuse a DOCX whose ZIP members would unpack too large, judged by the declared sizes.

    Runs before python-docx opens the file, so a zip bomb costs a read of its directory only.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise DocumentError(f"{name} is not a readable DOCX file (not a ZIP archive).") from None
    too_big = f"{name} unpacks to more than a document can hold"
    if len(members) > limits.max_members:
        raise DocumentError(f"{too_big} ({len(members)} parts); save it again without embedded files.")
    total = 0
    for member in members:
        size = member.file_size
        total += size
        ratio = size / max(member.compress_size, 1)
        if size > limits.max_member_bytes or total > limits.max_unpacked_bytes:
            raise DocumentError(
                f"{too_big} (over {limits.max_unpacked_bytes // (1024 * 1024)} MB unpacked); "
                "remove large images or split it."
            )
        if size > 1024 * 1024 and ratio > limits.max_compression_ratio:
            raise DocumentError(f"{too_big} ({member.filename} is compressed {ratio:.0f}:1, a zip bomb?).")


def _docx_text(data: bytes, name: str, limits: ExtractionLimits) -> tuple[str, bool]:
    """Text of a DOCX in reading order: paragraphs (headings and lists marked) and tables.

    Linear in the document: styles are resolved once through a style-id map, never through
    python-docx's ``paragraph.style`` (which scans every style on each call), and tables are
    read from their XML rows, never through ``row.cells`` (which rebuilds the table's grid).
    """
    import docx
    from docx.oxml.ns import qn

    _check_archive(data, name, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        styles = _docx_style_names(document)
        body = document.element.body
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"{name} is not a readable DOCX file ({type(exc).__name__}).") from None
    except Exception:  # noqa: BLE001 - python-docx raises its own error types for bad packages
        raise DocumentError(f"{name} is not a readable DOCX file.") from None

    lines: list[str] = []
    total = 0
    for block in body.iterchildren():
        if total > limits.max_chars:
            return "\n".join(lines), True
        if block.tag == qn("w:p"):
            new = [_docx_paragraph(block, styles)]
        elif block.tag == qn("w:tbl"):
            new = _docx_table(block)
        else:
            continue
        lines.extend(new)
        total += sum(len(line) + 1 for line in new)
    return "\n".join(lines), False


def _docx_style_names(document) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Paragraph style id -> UI name ("heading 1" -> "Heading 1"), built once per document."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.styles import BabelFish

    names: dict[str, str] = {}
    default = ""
    for style in document.styles.element.style_lst:
        if style.type is not None and style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        name = BabelFish.internal2ui(style.name_val or "")
        if style.styleId:
            names[style.styleId] = name
        if style.default:
            default = name
    names[""] = default
    return names


def _docx_paragraph(p, styles: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """One paragraph as a line: ``## `` for headings and short all-bold lines, ``• `` for lists."""
    text = (p.text or "").strip()
    if not text:
        return ""
    style = styles.get(p.style, styles[""]) if p.style else styles[""]
    if style.startswith("Heading") or style == "Title":
        return f"## {text}" if style != "Title" else text
    if "List" in style:
        return f"• {text}"
    runs = [r for r in p.r_lst if (r.text or "").strip()]
    if runs and all(_run_bold(r) for r in runs) and len(text.split()) <= 6:
        return f"## {text}"
    return text


def _run_bold(r) -> bool:  # type: ignore[no-untyped-def]
    rPr = r.rPr
    return bool(rPr is not None and rPr._get_bool_val("b"))


def _docx_table(tbl) -> list[str]:  # type: ignore[no-untyped-def]
    """Rows of a table: "label: value" for two cells, cells joined by " | " otherwise."""
    from docx.oxml.ns import qn

    lines = []
    for tr in tbl.iterchildren(qn("w:tr")):
        cells: list[str] = []
        for tc in tr.iterchildren(qn("w:tc")):
            value = " ".join(" ".join(p.text or "" for p in tc.iterchildren(qn("w:p"))).split())
            if value and (not cells or cells[-1] != value):  # merged cells repeat
                cells.append(value)
        if len(cells) == 2:
            lines.append(f"{cells[0].rstrip(':')}: {cells[1]}")
        elif cells:
            lines.append(" | ".join(cells))
    return lines


# ---------------------------------------------------------------------------
# Cleaning

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def clean_text(text: str) -> str:
    """Normalise line ends, odd spaces, ligatures and hyphenation; keep line structure."""
    for bad, good in _LIGATURES.items():
        text = text.replace(bad, good)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\x7f", "•")  # pypdf reads Helvetica's bullet glyph as DEL
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u00ad", "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)  # words hyphenated at a line end
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# ---------------------------------------------------------------------------
# Sections and facts

_RESUME_SECTIONS = {
    "summary": ("summary", "profile", "objective", "about me", "about", "overview", "personal statement"),
    "experience": (
        "experience",
        "work history",
        "employment",
        "professional background",
        "career history",
        "work experience",
        "relevant experience",
        "clinical experience",
        "teaching experience",
        "student teaching",
        "previous career",
        "career",
        "placements",
        "internships",
    ),
    "education": ("education", "academic", "training", "coursework", "professional development"),
    "skills": ("skills", "competencies", "technologies", "tools", "expertise", "languages", "strengths"),
    "projects": ("projects", "portfolio", "selected work", "capstone", "talks", "speaking", "presentations"),
    "certifications": ("certifications", "certificates", "licenses", "licensure", "credentials"),
    "volunteering": ("volunteer", "community", "activities"),
    "awards": ("awards", "honors", "honours", "achievements", "publications"),
}
_JOB_SECTIONS = {
    "requirements": (
        "requirements",
        "qualifications",
        "what we're looking for",
        "what we are looking for",
        "you have",
        "must have",
        "who you are",
        "what you bring",
        "what you'll need",
        "you bring",
        "required",
        "skills",
        "experience",
        "about you",
        "ideal candidate",
        "what you'll bring",
        "essential",
        "criteria",
        "person specification",
        "what you need",
    ),
    "nice_to_have": ("nice to have", "bonus", "preferred", "plus", "desirable", "extra credit"),
    "responsibilities": (
        "responsibilities",
        "what you'll do",
        "what you will do",
        "duties",
        "the role",
        "your role",
        "day to day",
        "day-to-day",
        "your impact",
        "in this role",
        "key tasks",
        "you will",
        "what you'll own",
        "your responsibilities",
        "main duties",
        "the job",
    ),
    "benefits": ("benefits", "perks", "what we offer", "compensation", "why join", "we offer"),
    "about": ("about", "company", "who we are", "overview", "summary", "introduction"),
}
SECTION_NAMES = {
    RESUME: ("header",) + tuple(_RESUME_SECTIONS),
    JOB: tuple(_JOB_SECTIONS),
}

_BULLET = re.compile(r"^\s*(?:[-*•▪◦●○■□➢➤►▶✓✔–—·>]|\d{1,2}[.)]|[a-z][.)](?=\s))\s+")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?:\+?\d[\d\s().-]{7,}\d)")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|io|dev|me|example)/\S*", re.I)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:19|20)\d{2}"
_POINT = rf"(?:{_MONTH}\s+{_YEAR}|\d{{1,2}}/{_YEAR}|{_YEAR})"
_RANGE = rf"{_POINT}\s*(?:-|–|—|to|until)\s*(?:{_POINT}|present|current|now|today)"
# A date range anywhere, or a single date set off by a separator at the end of the line.
_DATE_RANGE = re.compile(rf"[\s,|–—-]*\(?\b{_RANGE}\b\)?|\s*[,|(\[–—-]\s*{_POINT}[\s)\]]*$", re.I)
_ONLY_DATES = re.compile(
    rf"^[\s,|()\[\]–—:-]*(?:(?:{_POINT}|present|current)[\s,|()\[\]–—:-]*(?:to|until)?[\s,|()\[\]–—:-]*)+$", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "etc.",
    "vs.",
    "approx.",
    "incl.",
    "Dr.",
    "Mr.",
    "Ms.",
    "Mrs.",
    "St.",
    "Inc.",
    "Ltd.",
    "Co.",
)
MAX_FACT_CHARS = 400


def parse_document(text: str, kind: str) -> ParsedDocument:
    """Split clean text into sections and atomic facts.

    Args:
        text: clean text (see :func:`clean_text`; raw text is cleaned again, harmlessly).
        kind: ``"resume"`` or ``"job"``; it picks the section vocabulary.

    Returns:
        A :class:`ParsedDocument` whose facts hold one claim each, in reading order.

    Raises:
        DocumentError: when the text holds no fact at all (an empty resume, say).
    """
    if kind not in (RESUME, JOB):
        raise ValueError(f"kind must be 'resume' or 'job', not {kind!r}")
    text = clean_text(text)
    default = "header" if kind == RESUME else "about"
    blocks: list[tuple[str, list[str]]] = [(default, [])]  # reading order, a section may recur
    section_level = 0
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            blocks[-1][1].append("")  # a paragraph break
            continue
        heading, rest, level = _heading(line, kind)
        if heading is not None and heading == _fallback_section(kind):
            if blocks[-1][0] == "header":
                heading = "header"  # a name set as a heading at the top of a resume
            elif level and section_level and level > section_level:
                # "### Data Analyst, Acme | 2021 - 2023" under "## Experience": an entry, not a section
                blocks[-1][1].append(line.lstrip("#").strip())
                continue
        if heading is not None:
            section_level = level
            blocks.append((heading, [rest] if rest else []))
            continue
        blocks[-1][1].append(line)

    sections: dict[str, list[str]] = {}
    facts: list[ParsedFact] = []
    seen: set[tuple[str, str]] = set()
    for section, lines in blocks:
        sections.setdefault(section, []).extend(line for line in lines if line)
        if section == "header":
            continue
        for claim in _claims(lines, section):
            key = (section, claim.lower())
            if key in seen:
                continue
            seen.add(key)
            facts.append(ParsedFact(section=section, text=claim, position=len(facts)))
    sections = {name: lines for name, lines in sections.items() if lines}
    if not facts:
        what = "resume" if kind == RESUME else "job posting"
        raise DocumentError(f"This {what} has no usable content (no sentences, bullets or skills found).")
    return ParsedDocument(kind=kind, text=text, sections=sections, facts=facts)


def _section_for(title: str, kind: str) -> str | None:
    vocabulary = _RESUME_SECTIONS if kind == RESUME else _JOB_SECTIONS
    key = re.sub(r"[^a-z' -]", "", title.lower().replace("’", "'")).strip()
    if not key:
        return None
    for name, words in vocabulary.items():
        if key in words:
            return name
    for name, words in vocabulary.items():
        if any(re.search(rf"\b{re.escape(w)}", key) for w in words):
            return name
    return None


def _heading(line: str, kind: str) -> tuple[str | None, str, int]:
    """(section, text after the heading, markdown level) when ``line`` is a heading, else (None, "", 0).

    Level is 1-6 for Markdown headings and 0 for the other styles: CAPITALS, "Heading:",
    **bold**, or a short plain line that names a known section ("Work History").
    """
    md = _MD_HEADING.match(line)
    if md:
        title = md.group(1).strip().strip("*_").rstrip(":")
        level = len(line) - len(line.lstrip("#"))
        return _section_for(title, kind) or _fallback_section(kind), "", level
    if _BULLET.match(line):
        return None, "", 0
    bare = line.strip("*_ ")
    words = bare.rstrip(":").split()
    if not words or len(words) > 6:
        if ":" in bare:
            head, rest = bare.split(":", 1)
            section = _section_for(head, kind) if len(head.split()) <= 4 else None
            if section and rest.strip():
                return section, rest.strip(), 0
        return None, "", 0
    letters = [c for c in bare if c.isalpha()]
    is_caps = len(letters) >= 3 and all(c.isupper() for c in letters)
    marked = bare.endswith(":") or is_caps or (bare != line.strip() and len(words) <= 5)
    plain = len(words) <= 4 and bare[0].isupper() and not re.search(r"[\d,.;!?|]", bare)
    if marked or plain:
        section = _section_for(bare.rstrip(":"), kind)
        if section:
            return section, "", 0
        if marked and bare.endswith(":") and len(words) <= 4 and not _EMAIL.search(bare):
            return _fallback_section(kind), "", 0
        if not marked:
            return None, "", 0
        return None, "", 0
    if ":" in bare:
        head, rest = bare.split(":", 1)
        section = _section_for(head, kind) if len(head.split()) <= 3 else None
        if section and rest.strip():
            return section, rest.strip(), 0
    return None, "", 0


def _fallback_section(kind: str) -> str:
    """Where lines under an unknown heading go."""
    return "other" if kind == RESUME else "about"


def _claims(lines: list[str], section: str) -> list[str]:
    """One claim per bullet, per sentence of a paragraph, per item of a skills list."""
    claims: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            claims.extend(_sentences(" ".join(paragraph)))
            paragraph.clear()

    previous_bullet = False
    for line in lines:
        if not line or _is_contact(line):
            flush()
            previous_bullet = False
            continue
        bullet = _BULLET.match(line)
        if previous_bullet and not bullet and claims and _continues(line):
            claims[-1] = f"{claims[-1]} {line}"  # a bullet wrapped onto the next line
            continue
        previous_bullet = bool(bullet) and section != "skills"
        if bullet:
            flush()
            item = line[bullet.end() :].strip()
            if section == "skills":
                claims.extend(_skill_items(item))
            else:
                claims.append(item)
        elif section in ("skills",) or _looks_like_list(line):
            flush()
            claims.extend(_skill_items(line))
        elif _looks_like_entry_header(line) or section in ("education", "certifications"):
            flush()
            claims.append(line)
        else:
            paragraph.append(line)
            if line.endswith((".", "!", "?")):
                flush()
    flush()
    out = []
    for claim in claims:
        claim = _tidy(claim)
        if claim:
            out.append(claim)
    return out


def _continues(line: str) -> bool:
    """A line that carries on the previous bullet: starts in lower case or with punctuation."""
    return line[0].islower() or line[0] in ",;)&" or (line[0].isdigit() and not _looks_like_entry_header(line))


def _sentences(paragraph: str) -> list[str]:
    protected = paragraph
    for i, abbreviation in enumerate(_ABBREVIATIONS):
        protected = protected.replace(abbreviation, f"\x00{i}\x00")
    parts = _SENTENCE_END.split(protected)
    out = []
    for part in parts:
        for i, abbreviation in enumerate(_ABBREVIATIONS):
            part = part.replace(f"\x00{i}\x00", abbreviation)
        out.append(part)
    return out


def _skill_items(line: str) -> list[str]:
    """``"Languages: Python, Go"`` -> ``["Python", "Go"]``; prose stays whole."""
    body = line
    if ":" in line:
        head, rest = line.split(":", 1)
        if len(head.split()) <= 4 and rest.strip():
            body = rest
    items = [i.strip(" .") for i in _split_outside_brackets(body) if i.strip(" .")]
    if len(items) <= 1 or any(len(i.split()) > 8 for i in items):
        return [line]
    return items


def _split_outside_brackets(text: str) -> list[str]:
    """Split on , ; | • · and " / " but not inside brackets: "AWS (EKS, IAM), Go" -> 2 items."""
    items, current, depth = [], [], 0
    i = 0
    while i < len(text):
        ch = text[i]
        depth += ch in "([{"
        depth -= ch in ")]}" and depth > 0
        if depth == 0 and (ch in ",;|•·" or text.startswith(" / ", i)):
            items.append("".join(current))
            current = []
            i += 3 if ch == " " else 1
            continue
        current.append(ch)
        i += 1
    items.append("".join(current))
    return items


def _looks_like_list(line: str) -> bool:
    """A comma- or pipe-separated list such as ``"Tools: Figma, Sketch, Miro"``."""
    if ":" not in line or line.endswith("."):
        return False
    head, rest = line.split(":", 1)
    items = [i for i in re.split(r"[,;|•·]", rest) if i.strip()]
    return len(head.split()) <= 4 and len(items) >= 3 and all(len(i.split()) <= 5 for i in items)


def _looks_like_entry_header(line: str) -> bool:
    """A role or degree line: short, carries a date range, no sentence punctuation."""
    return bool(_DATE_RANGE.search(line)) and len(line.split()) <= 20 and not line.endswith(".")


def _is_contact(line: str) -> bool:
    if _EMAIL.search(line) or _URL.search(line):
        return True
    phone = _PHONE.search(line)
    if phone and sum(c.isdigit() for c in phone.group()) >= 9 and not _DATE_RANGE.fullmatch(phone.group()):
        return not re.search(r"\b(19|20)\d{2}\s*[-–—]\s*(19|20)\d{2}\b", phone.group())
    return False


def _tidy(claim: str) -> str:
    claim = claim.strip().strip("*_").strip()
    if _is_contact(claim) or _ONLY_DATES.match(claim):
        return ""
    if _looks_like_entry_header(claim):
        claim = _DATE_RANGE.sub(" ", claim)
    claim = re.sub(r"\s+", " ", claim)
    claim = re.sub(r"(\s*[|,–—:-])+\s*$", "", claim).strip()
    claim = re.sub(r"^\s*[|,–—:-]+\s*", "", claim).strip()
    claim = claim.replace("( )", "").replace("()", "").strip()
    if len(claim) > MAX_FACT_CHARS:
        claim = claim[:MAX_FACT_CHARS].rsplit(" ", 1)[0] + "…"
    if sum(c.isalnum() for c in claim) < 2:
        return ""
    return claim
