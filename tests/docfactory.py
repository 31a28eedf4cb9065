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
