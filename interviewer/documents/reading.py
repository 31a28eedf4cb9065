"""Resume and job-posting text: file bytes -> clean text -> sections -> atomic facts.

Everything here is deterministic and free of Django. The entry points are
:func:`extract_text` (bytes of a PDF, DOCX, TXT or Markdown file to clean text) and
:func:`parse_document` (clean text to sections and facts). Both raise
:class:`DocumentError` with a message meant for the person who uploaded the file.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import TYPE_CHECKING, TypeAlias

from interviewer.documents import facts as quality
from interviewer.documents.structure import HEADING_WORDS, recover_lines

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from docx.document import Document as DocxDocument
    from docx.oxml.table import CT_Tbl
    from docx.oxml.text.paragraph import CT_P
    from docx.oxml.text.run import CT_R
    from pypdf import PageObject

SUPPORTED_EXTENSIONS = (".pdf", ".docx", ".txt", ".md", ".markdown")

RESUME = "resume"
JOB = "job"


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


# read_document's arguments: (kind, data, text, filename, limits, max_facts).
ReadArgs: TypeAlias = tuple[str, bytes | None, str, str, ExtractionLimits, int]


def read_in_child(connection: Connection, args: ReadArgs, memory_bytes: int) -> None:
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


def read_many_in_child(connection: Connection, items: list[ReadArgs], memory_bytes: int) -> None:
    """Like :func:`read_in_child` for several documents (pasted text or CSV rows) in one process:
    sends ``("ok", [("ok", Digest) | ("error", message), ...], peak_kb)`` or ``("crash", ...)``.

    One process for a batch of rows costs one start-up instead of one per row; a row that
    stalls the batch is found by reading the batch's rows one by one (the caller's job).
    """
    import resource

    def send(status: str, value: object) -> None:
        connection.send((status, value, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))

    try:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        results: list[tuple[str, object]] = []
        for args in items:
            try:
                results.append(("ok", read_document(*args)))
            except DocumentError as exc:
                results.append(("error", str(exc)))
        send("ok", results)
    except MemoryError:
        send("error", "These documents need more memory to read than a batch may use.")
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
                ok: int = reader.decrypt("")  # a PasswordType, an IntEnum: 0 is not decrypted
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


Fragment: TypeAlias = tuple[float, float, float, str]  # (x, y, font size, text) of a PDF text run


def _pdf_page_text(page: PageObject) -> str:
    """Text of one PDF page, reading two-column layouts column by column."""
    fragments: list[Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], font_dict: object, font_size: float) -> None:
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


def _split_columns(fragments: list[Fragment], width: float) -> tuple[list[Fragment], list[Fragment]] | None:
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


def _fragments_to_lines(fragments: list[Fragment]) -> str:
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


def _docx_style_names(document: DocxDocument) -> dict[str, str]:
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


def _docx_paragraph(p: CT_P, styles: dict[str, str]) -> str:
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


def _run_bold(r: CT_R) -> bool:
    rPr = r.rPr
    return bool(rPr is not None and rPr._get_bool_val("b"))


def _docx_table(tbl: CT_Tbl) -> list[str]:
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

_SYMBOL_BULLETS = ("\uf0b7", "\uf0a7", "\uf076", "\uf0d8", "\uf0fc", "\uf0a8")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# UTF-8 read as Windows-1252 ("â€¢" for "•", "Ã©" for "é"), as CSV exports often deliver it.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)


# Control, format, surrogate and private-use characters (Unicode category C), tab and newline kept.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ud800-\uf8ff\ufeff\ufff9-\ufffb\U000e0001-\U000e007f\U000f0000-\U0010ffff]"
)


def clean_text(text: str) -> str:
    """Normalise line ends, odd spaces, ligatures, mojibake and hyphenation; keep line structure."""
    for bad, good in _LIGATURES.items():
        text = text.replace(bad, good)
    if "Ã" in text or "â" in text or "Â" in text:
        text = _MOJIBAKE.sub(_unmangle, text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\x7f", "•")  # pypdf reads Helvetica's bullet glyph as DEL
    for glyph in _SYMBOL_BULLETS:  # Word's Symbol/Wingdings bullets sit in the private-use area
        text = text.replace(glyph, "•")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\u00ad", "")
    text = _CONTROL.sub("", text)
    # A glyph a PDF converter could not map, left as "(cid:123)" in a document made from its output:
    # a bullet where it opens a line, else nothing.
    text = re.sub(r"(?m)^([ \t]*)\(cid:\d+\)[ \t]*", r"\1• ", text)
    text = re.sub(r"\(cid:\d+\)", "", text)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)  # words hyphenated at a line end
    lines = [_SPACES.sub(" ", _unspace(line)).strip() for line in text.split("\n")]
    text = _rejoin_capitals("\n".join(lines))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


_SPACED_GAP = re.compile(r"[ \t\u00a0]{2,}|\t")
# Words of headings people set letter-spaced ("E D U C A T I O N & C O U R S E S").
_HEADING_VOCABULARY = frozenset(
    """
    about achievements activities analyst and awards career certifications certificates contact courses data
    details developer education employment engineer experience expertise highlights history hobbies information
    interests key languages me manager objective of personal professional profile projects publications
    qualifications references skills specialist summary technical tools training volunteer volunteering work
    """.split()
)


# A capital cut from the rest of its word ("K otlin", "P ostgreSQL", "G raphQL API"), as some converters of
# PDFs to DOCX leave every word whose first letter sat in a run of its own. "A" and "I" are words.
_CUT_CAPITAL = re.compile(
    r"(?<![/\d&-])\b([B-HJ-Z]) (?!(?:and|or|is|in|on|of|to|the|for|with|at|by|as|an|are|was|be)\b)([a-z][A-Za-z]+|[A-Z]{2,}\b|[A-Z]\b)"
)


def _rejoin_capitals(text: str) -> str:
    """``text`` with each capital cut from its word joined back, where the document shows the cut
    often (four times, three of them before a small letter: "Plan B is" or "the D language" alone
    are left as they are; "A/B tests" and "3D models" are never cuts)."""
    found = _CUT_CAPITAL.findall(text)
    if len(found) < 4 or sum(bool(rest[:1].islower()) for _c, rest in found) < 3:
        return text
    return _CUT_CAPITAL.sub(r"\1\2", text)


def _unspace(line: str) -> str:
    """A letter-spaced line with its words back ("D A T A  A N A L Y S T" -> "DATA ANALYST"): words
    are split at wide gaps, or, where the gaps were lost, at the heading words they spell."""
    tokens = line.split()
    if len(tokens) < 5 or sum(len(t) == 1 for t in tokens) < 0.8 * len(tokens):
        return line
    groups = [g.split() for g in _SPACED_GAP.split(line.strip()) if g.strip()]
    if len(groups) > 1:
        return " ".join("".join(g) if all(len(t) == 1 for t in g) else " ".join(g) for g in groups)
    return " ".join(_segment("".join(tokens)))


def _segment(run: str) -> list[str]:
    """``run`` cut into the most heading words (what is left over stays as it is)."""
    low = run.lower()
    best: list[tuple[int, list[str]]] = [(0, []), *[(-1, []) for _ in run]]
    for end in range(1, len(run) + 1):
        options = []
        for start in range(max(0, end - 16), end):
            if best[start][0] < 0:
                continue
            piece = low[start:end]
            known = piece in _HEADING_VOCABULARY or (len(piece) == 1 and not piece.isalnum())
            score = best[start][0] + (end - start if known else 0)
            words = best[start][1]
            if not known and words and words[-1].lower() not in _HEADING_VOCABULARY:
                words = [*words[:-1], words[-1] + run[start:end]]  # glue unknown letters together
            else:
                words = [*words, run[start:end]]
            options.append((score, -len(words), words))
        top = max(options)
        best[end] = (top[0], top[2])
    return best[len(run)][1]


def _unmangle(match: re.Match[str]) -> str:
    """The character a mojibake sequence stood for, or the sequence itself if it is not one."""
    raw = bytearray()
    for ch in match.group():
        if ord(ch) < 256:
            raw.append(ord(ch))
        else:
            try:
                raw.extend(ch.encode("cp1252"))
            except UnicodeEncodeError:
                return match.group()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return match.group()


# ---------------------------------------------------------------------------
# Sections

_RESUME_SECTIONS = {
    "summary": (
        "summary",
        "profile",
        "objective",
        "about me",
        "about",
        "overview",
        "personal statement",
        "career objective",
        "professional summary",
        "experience summary",
    ),
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
        "company details",
        "employment details",
        "work details",
    ),
    "education": ("education", "academic", "training", "coursework", "professional development"),
    "skills": (
        "skills",
        "skill",
        "skills summary",
        "competencies",
        "technologies",
        "tools",
        "expertise",
        "languages",
        "strengths",
        "highlights",
        "core qualifications",
        "qualifications",
        "proficiencies",
        "computer knowledge",
        "technical knowledge",
        "areas of interest",
    ),
    "projects": ("projects", "project", "portfolio", "selected work", "capstone", "talks", "speaking", "presentations"),
    "certifications": ("certifications", "certificates", "licenses", "licensure", "credentials"),
    "volunteering": ("volunteer", "community", "activities"),
    "awards": ("awards", "honors", "honours", "achievements", "publications"),
    "personal": (
        "personal details",
        "personal information",
        "personal data",
        "personal particulars",
        "declaration",
        "references",
        "contact",
        "contact information",
        "contact details",
    ),
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
        "education",
        "licenses",
        "certification",
        "knowledge",
        "competencies",
        "your profile",
    ),
    "nice_to_have": ("nice to have", "nice to haves", "bonus", "preferred", "plus", "desirable", "extra credit"),
    "responsibilities": (
        "responsibilities",
        "what you'll do",
        "what you will do",
        "what you will be doing",
        "what you'll be doing",
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
        "essential functions",
    ),
    "benefits": (
        "benefits",
        "perks",
        "what we offer",
        "compensation",
        "why join",
        "we offer",
        "what's in it for you",
        "whats in it for you",
        "reasons to work",
        "work with us",
        "salary",
        "our offer",
        "rewards",
    ),
    "about": (
        "why",
        "about us",
        "about the company",
        "about",
        "company",
        "who we are",
        "our company",
        "our story",
        "why us",
    ),
    "apply": ("how to apply", "to apply", "application process", "next steps"),
    "legal": ("equal opportunity", "eeo", "disclaimer", "legal", "diversity"),
}
# Job headings that name no section ("Job Description", "Overview"): their sentences are
# sorted one by one into requirements, responsibilities or the introduction.
_UNTITLED = (
    "summary",
    "overview",
    "description",
    "job description",
    "position summary",
    "job summary",
    "introduction",
    "the opportunity",
    "position",
    "details",
    "job details",
    "detailed info",
    "position description",
    "role summary",
)
UNTITLED = "untitled"
_GENERIC = frozenset(("summary", "overview", "profile", "details", "about", "description", "position", "job"))
_VOCABULARY_PATTERNS = {
    kind: [(name, w, re.compile(rf"\b{re.escape(w)}")) for name, words in vocabulary.items() for w in words]
    for kind, vocabulary in ((RESUME, _RESUME_SECTIONS), (JOB, _JOB_SECTIONS))
}
SECTION_NAMES = {
    RESUME: ("header",) + tuple(_RESUME_SECTIONS) + ("other",),
    JOB: tuple(_JOB_SECTIONS),
}
JOB_ASKABLE = frozenset(("requirements", "responsibilities", "nice_to_have"))
CONTEXT_SECTIONS = frozenset(("experience", "projects", "volunteering", "other"))
_NAMED_SECTIONS = frozenset(("education", "certifications", "awards"))  # their claims are names

_BULLET = re.compile(r"^\s*(?:[-*•▪◦●○■□➢➤►▶✓✔–—·>]|\d{1,2}[.)]|[a-z][.)](?=\s))\s+")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|(?<=[a-z]{3}[.!?])(?=[A-Z])")
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
    "No.",
)
_DIGIT = re.compile(r"\d")
# "and maintains ...", and the "etc." that closed the list before ("Git, Jira, etc. Message queues").
_LEADING_CONJUNCTION = re.compile(r"^(?:and|or|but|as well as|etc\.(?=\s+[A-Z]))\s+", re.I)
_TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.S)
MAX_FACT_CHARS = 400
MAX_HEADING_WORDS = 12  # a longer "# ..." line is a title run into its text (a flattened file)
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
    lines = recover_lines(text, lambda phrase: _section_for(phrase, kind) is not None)
    sections: dict[str, list[str]] = {}
    facts: list[ParsedFact] = []
    seen: set[tuple[str, str]] = set()
    blocks = _blocks(lines, kind)
    for block in blocks:
        sections.setdefault(block.section, []).extend(line for line in block.lines if line)
        if block.section == "header":
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
    blocks = [_Block("header" if kind == RESUME else "about", False)]
    section_level = 0
    for raw in lines:
        line = raw.strip()
        current = blocks[-1]
        if not line:
            current.lines.append("")  # a paragraph break
            continue
        heading, rest, level = _heading(line, kind)
        if rest and kind == RESUME and current.section in CONTEXT_SECTIONS:
            heading = None  # "Tools: Go, SQL" inside an experience entry: a line of the entry
        if heading == _fallback_section(kind) and not level and kind == JOB and current.section in JOB_ASKABLE:
            if _section_for(line.strip("*_ :"), kind) is None:
                heading = None  # "Backend Development:" under "Requirements": a sub-heading, not a new section
        if heading is not None and heading == _fallback_section(kind):
            if current.section == "header":
                heading = "header"  # a name set as a heading at the top of a resume
            elif (level and section_level and level > section_level) or (
                not level and kind == RESUME and current.section in CONTEXT_SECTIONS | {"education"}
            ):
                # "### Data Analyst, Acme | 2021 - 2023" under "## Experience": an entry, not a section
                current.lines.append(line.lstrip("#").strip())
                continue
        if heading is not None:
            section_level = level
            explicit = heading != UNTITLED
            blocks.append(_Block(heading if explicit else _fallback_section(kind), explicit, [rest] if rest else []))
            continue
        if current.section == "header" and _leaves_header(line, current.lines):
            blocks.append(_Block("summary", False, [line]))
            continue
        current.lines.append(line)
    return blocks


def _leaves_header(line: str, header: list[str]) -> bool:
    """The top of a resume holds a name, a title and contacts; a sentence starts its summary."""
    if quality.has_contact(line):
        return False  # "Leeds · jo@example.com · +44 ...": still the top
    words = line.split()
    lower = sum(1 for w in words if w[:1].islower() and len(w) > 3)
    return (len(words) >= 8 and lower >= 2) or sum(1 for h in header if h) >= 6


def _section_for(title: str, kind: str) -> str | None:
    """The section a heading names, :data:`UNTITLED` for a generic job heading, else None."""
    key = re.sub(r"[/&+]", " ", title.lower().replace("’", "'"))
    key = re.sub(r"\s+", " ", re.sub(r"[^a-z' -]", "", key)).strip(" -'")
    return _section_for_key(key, kind) if key else None


@functools.lru_cache(maxsize=4096)
def _section_for_key(key: str, kind: str) -> str | None:
    vocabulary = _RESUME_SECTIONS if kind == RESUME else _JOB_SECTIONS
    if len(key.split()) > 10:
        return None
    for name, words in vocabulary.items():
        if key in words:
            return name
    if kind == JOB and key in _UNTITLED:
        return UNTITLED
    hits: list[tuple[bool, int, str]] = []  # (specific, where the word ends, section)
    for name, word, pattern in _VOCABULARY_PATTERNS[kind]:
        if word in key:
            for match in pattern.finditer(key):
                hits.append((word not in _GENERIC, match.end(), name))
    if kind == JOB and any(name == "nice_to_have" for _s, _e, name in hits):
        return "nice_to_have"  # "Preferred Qualifications"
    if hits:
        return max(hits)[2]  # the head noun: "Essential Duties and Responsibilities"
    if kind == JOB and any(re.search(rf"\b{w}\b", key) for w in _UNTITLED):
        return UNTITLED
    return None


def _heading(line: str, kind: str) -> tuple[str | None, str, int]:
    """(section, text after the heading, markdown level) when ``line`` is a heading, else (None, "", 0).

    Level is 1-6 for Markdown headings and 0 for the other styles: CAPITALS, "Heading:",
    **bold**, or a short Title Case line that names a known section ("Work History").
    """
    md = _MD_HEADING.match(line)
    if md and len(md.group(1).split()) <= MAX_HEADING_WORDS:
        title = md.group(1).strip().strip("*_").rstrip(":")
        level = len(line) - len(line.lstrip("#"))
        return _section_for(title, kind) or _fallback_section(kind), "", level
    if _BULLET.match(line):
        return None, "", 0
    bare = line.strip("*_ ")
    words = bare.rstrip(":").split()
    if bare.endswith(":") and quality.is_label(bare[:-1]):
        return None, "", 0  # "LinkedIn:", "Location:": a label, not a section
    if bare.endswith("?") and bare.startswith("Why ") and len(words) <= 5:
        return _section_for(bare[:-1], kind), "", 0  # "Why Acme?": what the company says about itself
    if not words or len(words) > 6:
        return (*_inline_heading(bare, kind, 4), 0)
    letters = [c for c in bare if c.isalpha()]
    is_caps = len(letters) >= 3 and all(c.isupper() for c in letters)
    marked = bare.endswith(":") or is_caps or (bare != line.strip() and len(words) <= 5)
    title_case = all(w[:1].isupper() for w in words if len(w) > 3)
    plain = len(words) <= 4 and bare[0].isupper() and not re.search(r"[\d,.;!?|]", bare)
    if marked or plain:
        section = _section_for(bare.rstrip(":"), kind)
        if section and (marked or title_case or _exact(bare, kind)):
            return section, "", 0
        if marked and bare.endswith(":") and len(words) <= 4 and not quality.EMAIL.search(bare):
            return _fallback_section(kind), "", 0
        return None, "", 0
    return (*_inline_heading(bare, kind, 3), 0)


def _inline_heading(bare: str, kind: str, max_words: int) -> tuple[str | None, str]:
    """``"Skills: Python, SQL"`` -> ("skills", "Python, SQL")."""
    if ":" not in bare:
        return None, ""
    head, rest = bare.split(":", 1)
    section = _section_for(head, kind) if len(head.split()) <= max_words else None
    if section and rest.strip():
        return section, rest.strip()
    return None, ""


def names_section(line: str, kind: str) -> str | None:
    """The section ``line`` names when it is a heading and nothing else ("About the job",
    "## What you'll do", "REQUIREMENTS:"), :data:`UNTITLED` for a generic one ("Job Description"),
    else None.

    Stricter than the parser, for telling a document's title from its headings: a title that
    only contains a section word ("Customer Experience Manager", "Legal Counsel") is no heading;
    a heading must be a known one, start with "About"/"Why", or end on a heading word.
    """
    bare = line.strip().lstrip("#").strip().strip("*_ ").rstrip(":?").strip("*_ ")
    key = re.sub(r"\s+", " ", re.sub(r"[^a-z' -]", "", re.sub(r"[/&+]", " ", bare.lower().replace("’", "'"))))
    key = key.strip(" -'")
    if not key or len(bare.split()) > MAX_HEADING_WORDS:
        return None
    section = _section_for_key(key, kind)
    if section is None:
        return None
    words = key.split()
    if _exact(key, kind) or key in _UNTITLED or words[0] in ("about", "why") or words[-1] in HEADING_WORDS:
        return section
    return None


def _exact(title: str, kind: str) -> bool:
    vocabulary = _RESUME_SECTIONS if kind == RESUME else _JOB_SECTIONS
    key = title.rstrip(":").strip().lower()
    return any(key in words for words in vocabulary.values())


def _fallback_section(kind: str) -> str:
    """Where lines under an unknown heading go."""
    return "other" if kind == RESUME else "about"


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

    lists = block.explicit or block.section != "summary"
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
            if quality.is_fragment(piece, item=listed, names=block.section not in _NAMED_SECTIONS):
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
        lines = block.lines[1:] if n == 0 and block.section == "header" else block.lines
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
    if not block.explicit and section == "about":
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
            units.extend(_Unit(s) for s in _sentences(" ".join(paragraph)))
            paragraph.clear()

    previous_bullet = False
    for line in lines:
        if not line:
            flush()
            previous_bullet = False
            continue
        bullet = _BULLET.match(line)
        if previous_bullet and not bullet and units and _continues(line):
            last = units.pop()  # a bullet wrapped onto the next line
            units.append(replace(last, text=f"{last.text} {line}"))
            continue
        previous_bullet = bool(bullet) and section != "skills"
        body = line[bullet.end() :].strip() if bullet else line
        listed = lists and (section == "skills" or _looks_like_list(body, kind == JOB))
        if bullet or listed or _is_entry(body, section, kind):
            flush()
            units.extend(_line_units(body, section, kind, bool(bullet), lists))
        elif section in ("education", "certifications") or quality.split_label(body)[0] or quality.is_dates(body):
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
    if lists and (section == "skills" or _looks_like_list(body, kind == JOB)):
        items = _skill_items(body, section)
        if len(items) > 1 or section == "skills":
            return [_Unit(quality.level_free(i) if section == "skills" else i, item="list") for i in items]
    sentences = _sentences(body)
    if len(sentences) == 1:
        return [_Unit(body, item="bullet" if bullet else "")]
    return [_Unit(s) for s in sentences]


def _is_entry(line: str, section: str, kind: str) -> bool:
    """A role line in an experience-like section of a resume: "Data Analyst, Acme | 2021 - 2023"."""
    return kind == RESUME and section in CONTEXT_SECTIONS and _looks_like_entry_header(line)


def _continues(line: str) -> bool:
    """A line that carries on the previous bullet: starts in lower case or with punctuation."""
    return line[0].islower() or line[0] in ",;)&" or (line[0].isdigit() and not _looks_like_entry_header(line))


def _sentences(paragraph: str) -> list[str]:
    protected = paragraph
    for i, abbreviation in enumerate(_ABBREVIATIONS):
        if abbreviation in protected:
            protected = protected.replace(abbreviation, f"\x00{i}\x00")
    parts = _SENTENCE_END.split(protected)
    out = []
    for part in parts:
        if "\x00" in part:
            for i, abbreviation in enumerate(_ABBREVIATIONS):
                part = part.replace(f"\x00{i}\x00", abbreviation)
        if part.strip():
            out.append(part.strip())
    return out


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
    if len(items) <= 1 or any(len(i.split()) > (12 if section == "skills" else 8) for i in items):
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
