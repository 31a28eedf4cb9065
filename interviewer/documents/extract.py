"""Bytes of a PDF, DOCX, TXT or Markdown file to clean text, within limits: pages and columns of a
PDF, paragraphs and tables of a DOCX, and the repairs real files need (mojibake, ligatures,
letter-spaced headings, capitals cut from their words, glyphs a converter left behind).
Raises :class:`interviewer.documents.base.DocumentError` with a message for the uploader."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, TypeAlias

import ftfy

from interviewer.documents.base import SUPPORTED_EXTENSIONS, DocumentError

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.oxml.table import CT_Tbl
    from docx.oxml.text.paragraph import CT_P
    from docx.oxml.text.run import CT_R
    from pypdf import PageObject

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
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Text decoded with the wrong code page ("â€¢" for "•", "Ã©" for "é", as CSV exports often deliver it)
# and the ligatures of PDFs ("ﬁ"): ftfy's repairs, with everything else it may change left alone (quotes
# stay curly, line breaks and spaces are ours to normalise, and an "Ã " is not taken for "à").
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    restore_byte_a0=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


# Control, format, surrogate and private-use characters (Unicode category C), tab and newline kept.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ud800-\uf8ff\ufeff\ufff9-\ufffb\U000e0001-\U000e007f\U000f0000-\U0010ffff]"
)


def clean_text(text: str) -> str:
    """Normalise line ends, odd spaces, ligatures, mojibake and hyphenation; keep line structure."""
    text = ftfy.fix_text(text, _FTFY)
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
