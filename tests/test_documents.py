"""Parsing of every supported format and every bad input (no Django needed)."""

from __future__ import annotations

import pytest

from interviewer.documents.base import DocumentError
from interviewer.documents.extract import clean_text, extract_text
from interviewer.documents.parse import parse_document
from tests import docfactory

MESSY_RESUME = """\
MARCO  OKAFOR
Leeds, UK · marco.okafor@example.com · +44 555 0100 222 · github.example/marco

Profile:
Operations lead with eight years in warehousing. I like lean methods, e.g. 5S and kaizen.

WORK HISTORY
Shift Supervisor — Northgate Logistics, Leeds   06/2018 - 08/2022
▪ Supervised 24 pickers across two shifts
◦ Reduced mis-picks by 31% with barcode checks
* Trained 15 new starters on forklift safety

Education:
BSc Logistics, University of Leeds, 2016

Skills: SAP EWM, Excel; Lean Six Sigma | Forklift licence
"""


def facts_of(text: str, kind: str = "resume") -> list[tuple[str, str]]:
    return [(f.section, f.text) for f in parse_document(text, kind).facts]


def test_it_splits_a_messy_resume_into_atomic_facts():
    facts = facts_of(MESSY_RESUME)
    assert ("summary", "Operations lead with eight years in warehousing.") in facts
    assert ("summary", "I like lean methods, e.g. 5S and kaizen.") in facts
    # The role line is not a claim of its own (issue 9): it is the context of the bullets under it.
    assert not any("Northgate" in text for _s, text in facts)
    assert ("experience", "Supervised 24 pickers across two shifts") in facts
    supervised = next(f for f in parse_document(MESSY_RESUME, "resume").facts if f.text.startswith("Supervised"))
    assert "Shift Supervisor — Northgate Logistics, Leeds" in supervised.context and "2018" in supervised.context
    assert ("experience", "Reduced mis-picks by 31% with barcode checks") in facts
    assert ("experience", "Trained 15 new starters on forklift safety") in facts
    assert ("education", "BSc Logistics, University of Leeds") in facts
    skills = [t for s, t in facts if s == "skills"]
    assert skills == ["SAP EWM", "Excel", "Lean Six Sigma", "Forklift licence"]


def test_it_keeps_contact_lines_names_and_dates_out_of_facts():
    texts = [t for _s, t in facts_of(MESSY_RESUME)]
    joined = " ".join(texts)
    assert "@" not in joined
    assert "555" not in joined
    assert "github" not in joined
    assert "MARCO" not in joined
    assert "2018" not in joined and "2022" not in joined and "2016" not in joined


def test_it_keeps_numbers_that_are_not_dates():
    facts = facts_of("EXPERIENCE\n- Cut p95 latency by 40% for 1200 merchants in 2021\n")
    assert facts == [("experience", "Cut p95 latency by 40% for 1200 merchants in 2021")]


def test_it_is_deterministic():
    assert parse_document(MESSY_RESUME, "resume") == parse_document(MESSY_RESUME, "resume")
    assert [f.position for f in parse_document(MESSY_RESUME, "resume").facts] == list(
        range(len(parse_document(MESSY_RESUME, "resume").facts))
    )


def test_it_reads_job_sections_from_varied_headings():
    job = """Junior Data Analyst

We are a fintech in Manchester.

What you'll do:
- Build weekly dashboards in Tableau
- Clean and join data from Postgres

## What we're looking for
* 1+ years of SQL
* Comfort with Python or R

Nice to have: dbt, Airflow

BENEFITS
• 25 days holiday
"""
    facts = facts_of(job, "job")
    assert ("responsibilities", "Build weekly dashboards in Tableau") in facts
    assert ("requirements", "1+ years of SQL") in facts
    assert ("requirements", "Comfort with Python or R") in facts
    assert ("nice_to_have", "dbt, Airflow") in facts or (("nice_to_have", "dbt") in facts)
    assert ("benefits", "25 days holiday") in facts
    assert ("about", "We are a fintech in Manchester.") in facts


def test_it_reads_markdown_and_txt_files():
    md = b"# Jane Roe\n\n## Experience\n- Shipped the mobile checkout in React Native\n"
    assert "Shipped the mobile checkout" in extract_text(md, "cv.md")
    txt = "SKILLS\nPython, SQL, Tableau\n".encode("utf-8-sig")
    text = extract_text(txt, "cv.txt")
    assert [f.text for f in parse_document(text, "resume").facts] == ["Python", "SQL", "Tableau"]


def test_it_reads_a_pdf():
    text = extract_text(docfactory.pdf_bytes(), "resume.pdf")
    facts = facts_of(text)
    assert ("experience", "Migrated the ledger service from MySQL to PostgreSQL 15 with zero downtime") in facts
    assert ("skills", "Go") in facts
    assert not any("@" in t for _s, t in facts)


def test_it_reads_a_two_column_pdf_column_by_column():
    left = ["SKILLS", "- Python", "- Kubernetes", "- Terraform", "LANGUAGES", "- Spanish", "- French"]
    right = [
        "EXPERIENCE",
        "- Built the billing pipeline in Go",
        "- Led the migration to Kubernetes",
        "- Mentored three junior engineers",
        "EDUCATION",
        "BSc Physics, University of Bristol",
    ]
    text = extract_text(docfactory.two_column_pdf_bytes(left, right), "two-col.pdf")
    lines = [line for line in text.splitlines() if line.strip()]
    # Each column's lines stay whole and in order; columns are not interleaved line by line.
    assert "- Built the billing pipeline in Go" in lines
    assert lines.index("- Python") < lines.index("- Kubernetes") < lines.index("- Terraform")
    assert lines.index("EXPERIENCE") < lines.index("- Built the billing pipeline in Go") < lines.index("EDUCATION")
    facts = facts_of(text)
    assert ("experience", "Led the migration to Kubernetes") in facts


def test_it_reads_a_docx_with_headings_bullets_and_a_table():
    data = docfactory.docx_bytes(
        [
            ("", "Priya Natarajan"),
            ("Heading 1", "Experience"),
            ("", "Charge Nurse, Mercy General | 2019 - Present"),
            ("List Bullet", "Coordinated care for 28 cardiac step-down beds"),
            ("Heading 1", "Skills"),
        ],
        table=[("Clinical", "Telemetry, IV therapy"), ("Systems", "Epic, Pyxis")],
    )
    parsed = parse_document(extract_text(data, "cv.docx"), "resume")
    facts = [(f.section, f.text) for f in parsed.facts]
    assert ("experience", "Coordinated care for 28 cardiac step-down beds") in facts
    assert parsed.facts[0].context == "Charge Nurse, Mercy General | 2019 - Present"  # the role line: context
    skills = [t for s, t in facts if s == "skills"]
    assert skills == ["Telemetry", "IV therapy", "Epic", "Pyxis"]


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"", "empty.txt", "is empty"),
        (b"   \n\n  ", "blank.txt", "contains no text"),
        (b"hello", "photo.png", "unsupported file type"),
        (b"%PDF-1.4 garbage that is not a pdf", "broken.pdf", "not a readable PDF"),
        (b"not a zip", "broken.docx", "not a readable DOCX"),
        ("caf\u00e9 na\u00efve".encode("latin-1"), "latin1.txt", "not UTF-8"),
        (b"%PDF-1.7\n...", "mislabelled.txt", "looks like a PDF"),
    ],
)
def test_it_rejects_bad_files_with_a_clear_message(data, name, message):
    with pytest.raises(DocumentError, match=message):
        extract_text(data, name)


def test_it_rejects_an_encrypted_pdf():
    with pytest.raises(DocumentError, match="password-protected"):
        extract_text(docfactory.pdf_bytes(encrypt="s3cret"), "locked.pdf")


def test_it_rejects_a_pdf_without_text():
    with pytest.raises(DocumentError, match="no extractable text"):
        extract_text(docfactory.image_only_pdf_bytes(), "scan.pdf")


def test_it_rejects_a_resume_with_nothing_but_a_name_and_contacts():
    with pytest.raises(DocumentError, match="no usable content"):
        parse_document("JOHN SMITH\njohn@example.com | +1 555 010 9999\n", "resume")


def test_it_keeps_bracketed_lists_inside_one_skills_item():
    facts = facts_of("SKILLS\nCloud: AWS (EKS, IAM, RDS), Terraform / Pulumi, Go\n")
    assert [t for _s, t in facts] == ["AWS (EKS, IAM, RDS)", "Terraform", "Pulumi", "Go"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("D A T A A N A L Y S T P R O F I L E", "DATA ANALYST PROFILE"),
        ("E D U C A T I O N & C O U R S E S", "EDUCATION & COURSES"),
        ("W O R K   E X P E R I E N C E", "WORK EXPERIENCE"),
        ("I am a data analyst", "I am a data analyst"),
    ],
)
def test_it_reads_a_letter_spaced_heading_as_its_words(line, expected):
    assert clean_text(line) == expected


def test_letter_spaced_headings_become_sections_not_facts():
    cv = (
        "Maria Petrova\nData analyst\n\nD A T A A N A L Y S T P R O F I L E\n"
        "Analyst with two years of SQL reporting for retail chains.\n\nE D U C A T I O N & C O U R S E S\n"
        "BSc Statistics, Harbour University, 2019\n\nS K I L L S\nPython, SQL, Tableau\n"
    )
    facts = parse_document(cv, "resume").facts
    assert [(f.section, f.text) for f in facts] == [
        ("summary", "Analyst with two years of SQL reporting for retail chains."),
        ("education", "BSc Statistics, Harbour University"),
        ("skills", "Python"),
        ("skills", "SQL"),
        ("skills", "Tableau"),
    ]


def test_a_glyph_a_pdf_converter_left_as_cid_becomes_a_bullet_or_nothing():
    text = "(cid:123) Built a link monitor (C++)\n  (cid:9)Tested it\nTeam(cid:1)lead"
    assert clean_text(text) == "• Built a link monitor (C++)\n• Tested it\nTeamlead"


def test_a_capital_cut_from_its_word_is_joined_back_where_the_document_shows_the_cut_often():
    cut = "Built apps in K otlin with D ocker and T erraform.\nCalls to a G raphQL API on P ostgreSQL.\nPlan B is fine."
    joined = "Built apps in Kotlin with Docker and Terraform.\nCalls to a GraphQL API on PostgreSQL.\nPlan B is fine."
    assert clean_text(cut) == joined
    plain = "Ran A/B tests and 3D models in the D language with Vitamin C and zinc studies."
    assert clean_text(plain) == plain


def test_the_etc_that_closed_a_list_does_not_open_the_next_item():
    facts = facts_of("Requirements\nTools: Git, Jira, Confluence, etc. Message queues\n", "job")
    assert [t for _s, t in facts][-2:] == ["Confluence", "Message queues"]
