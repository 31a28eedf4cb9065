"""Build real PDF and DOCX files in memory for tests."""

from __future__ import annotations

import io

RESUME_LINES = [
    "Dana Whitfield",
    "Denver, CO | dana.whitfield@example.com | +1 555-0142-777",
    "EXPERIENCE",
    "Backend Engineer, Larkspur Payments | Feb 2021 - Present",
    "• Migrated the ledger service from MySQL to PostgreSQL 15 with zero downtime",
    "• Cut API p95 latency by 35% by adding Redis caching",
    "EDUCATION",
    "B.S. Computer Science, Colorado State University, 2020",
    "SKILLS",
    "Languages: Python, Go, SQL",
]


def pdf_bytes(lines: list[str] = RESUME_LINES, encrypt: str | None = None) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    y = 740
    for line in lines:
        c.setFont("Helvetica-Bold" if line.isupper() else "Helvetica", 11)
        c.drawString(60, y, line.replace("•", "-"))
        y -= 16
    c.save()
    data = buffer.getvalue()
    if encrypt:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.encrypt(user_password=encrypt, algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return data


def two_column_pdf_bytes(left: list[str], right: list[str]) -> bytes:
    """Two columns drawn line by line in alternation, as many resume templates do."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.setFont("Helvetica", 10)
    y = 740
    for i in range(max(len(left), len(right))):
        if i < len(right):
            c.drawString(330, y, right[i])
        if i < len(left):
            c.drawString(40, y, left[i])
        y -= 15
    c.save()
    return buffer.getvalue()


def image_only_pdf_bytes() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=letter)
    c.rect(100, 100, 300, 300, fill=1)
    c.save()
    return buffer.getvalue()


def docx_bytes(paragraphs: list[tuple[str, str]], table: list[tuple[str, str]] | None = None) -> bytes:
    """``paragraphs`` are (style, text): style "Heading 1", "List Bullet" or "" for Normal."""
    import docx

    document = docx.Document()
    for style, text in paragraphs:
        if style:
            document.add_paragraph(text, style=style)
        else:
            document.add_paragraph(text)
    if table:
        t = document.add_table(rows=0, cols=2)
        for left, right in table:
            cells = t.add_row().cells
            cells[0].text = left
            cells[1].text = right
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# Hostile files (issue 8): shared by tests/test_uploads_bounded.py, tests/test_fuzz.py and bench/uploads.py

_WORDS = (
    "built shipped migrated designed led reduced automated tested deployed scaled monitored wrote "
    "python postgres kafka billing ledger pipeline service api cache queue dashboard cluster"
).split()


def _line(i: int) -> str:
    """A varied, resume-like line (so compression ratios stay realistic)."""
    w = _WORDS
    return f"{w[i % 12].capitalize()} the {w[12 + i % 12]} {w[12 + (i * 7) % 12]} for team {i} in {2000 + i % 25}"


def _replace_member(data: bytes, member: str, payload: bytes) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, payload if info.filename == member else src.read(info.filename))
    return out.getvalue()


def many_paragraphs_docx(count: int = 20_000, styled_every: int = 0, heading_every: int = 400) -> bytes:
    """A DOCX of ``count`` short paragraphs: every ``styled_every``-th one a list item, every
    ``heading_every``-th one an "Experience" heading (Heading 1)."""
    import re as _re

    base = docx_bytes([("", "placeholder")])
    import zipfile

    with zipfile.ZipFile(io.BytesIO(base)) as z:
        xml = z.read("word/document.xml").decode()
    paragraphs = []
    for i in range(count):
        if heading_every and i % heading_every == 0:
            paragraphs.append('<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Experience</w:t></w:r></w:p>')
        style = '<w:pPr><w:pStyle w:val="ListBullet"/></w:pPr>' if styled_every and i % styled_every == 0 else ""
        paragraphs.append(f"<w:p>{style}<w:r><w:t>{_line(i)}</w:t></w:r></w:p>")
    xml = _re.sub(r"<w:p>.*?placeholder.*?</w:p>", lambda _m: "".join(paragraphs), xml, flags=_re.S)
    return _replace_member(base, "word/document.xml", xml.encode())


def zip_bomb_docx(unpacked_mb: int = 1300) -> bytes:
    """A valid DOCX with one extra member of ``unpacked_mb`` MB of zeros (about 1 KB per MB packed)."""
    import zipfile

    out = io.BytesIO(docx_bytes([("", "A normal looking resume line")]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("word/media/padding.bin", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(unpacked_mb):
                member.write(chunk)
    return out.getvalue()


def big_text_resume(megabytes: float = 10) -> bytes:
    """A plain-text resume of about ``megabytes`` MB: sections of many distinct bullets."""
    lines, size, i = [], 0, 0
    target = int(megabytes * 1024 * 1024)
    while size < target:
        line = ("EXPERIENCE" if i % 400 == 0 else f"- {_line(i)}, cutting costs by {i % 90 + 5}%.") + "\n"
        lines.append(line)
        size += len(line)
        i += 1
    return "".join(lines).encode()


def pdf_with_oversized_stream(unpacked_mb: int = 80) -> bytes:
    """A one-page PDF whose content stream inflates past pypdf's 75 MB safety limit."""
    import zlib

    content = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n" + b" " * (unpacked_mb * 1024 * 1024), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def signalled_reader(connection, number: int) -> None:  # type: ignore[no-untyped-def]
    """A reader-process target that dies on a signal before answering (SIGKILL: as the kernel
    kills a process out of memory)."""
    import os

    os.kill(os.getpid(), number)


def tuple_reader(connection) -> None:  # type: ignore[no-untyped-def]
    """A reader-process target that answers as readers did before their reply was typed."""
    connection.send(("ok", "text", 0))
    connection.close()


def unknown_class_reader(connection) -> None:  # type: ignore[no-untyped-def]
    """A reader-process target whose reply is of a class from a module only the child has."""
    import pickle
    import sys
    import types

    module = types.ModuleType("only_in_the_reader")
    exec("class Thing:\n    pass\n", module.__dict__)
    sys.modules[module.__name__] = module
    connection.send_bytes(pickle.dumps(module.Thing()))
    connection.close()


def sleeping_reader(connection, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """A reader-process target that never answers in time (importable without Django)."""
    import time

    time.sleep(seconds)
