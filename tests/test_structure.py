"""Structure recovery: postings and resumes whose line breaks were lost still parse into sections."""

from __future__ import annotations

from interviewer.documents.base import JOB, RESUME
from interviewer.documents.parse import parse_document
from interviewer.documents.structure import recover_lines


def facts_of(text: str, kind: str = JOB) -> list[tuple[str, str]]:
    return [(f.section, f.text) for f in parse_document(text, kind).facts if f.askable]


def known(phrase: str) -> bool:
    last = phrase.lower().split()[-1]
    return last in {"responsibilities", "requirements", "skills", "education", "details", "doing", "role"}


FLAT_POSTING = (
    "Harbor Freightworks is hiring a Warehouse Data Analyst for our Toledo site. "
    "Key Responsibilities: Build weekly stock reports in Power BI Reconcile inventory counts with the "
    "finance team Maintain the SQL views behind the picking dashboard Present findings to shift leads "
    "Requirements 2+ years of SQL experience Experience with Power BI or Tableau "
    "Benefits: Medical, dental and vision cover. Paid time off from day one."
)


def test_it_recovers_the_sections_of_a_posting_flattened_to_one_line():
    facts = facts_of(FLAT_POSTING)
    assert ("responsibilities", "Build weekly stock reports in Power BI") in facts
    assert ("responsibilities", "Reconcile inventory counts with the finance team") in facts
    assert ("responsibilities", "Maintain the SQL views behind the picking dashboard") in facts
    assert ("requirements", "2+ years of SQL experience") in facts
    assert ("requirements", "Experience with Power BI or Tableau") in facts
    assert not any("Medical" in text or "Paid time off" in text for _s, text in facts)


def test_it_finds_inline_headings_with_and_without_a_colon():
    lines = recover_lines("Thanks for reading. Job Responsibilities Plan the rota. Education: BSc Biology", known)
    assert lines == ["Thanks for reading.", "Job Responsibilities:", "Plan the rota.", "Education:", "BSc Biology"]


def test_it_finds_headings_in_capitals_and_headings_glued_to_the_previous_word():
    lines = recover_lines("TECHNICAL SKILLS Python, Go and Rust for services.Education Details MSc 2019", known)
    assert "TECHNICAL SKILLS:" in lines and "Education Details:" in lines
    assert "Python, Go and Rust for services." in lines


def test_it_does_not_take_a_capitalised_word_inside_a_sentence_for_a_heading():
    text = "Ideal candidates bring strong Skills in negotiation and like the Experience of travel across the region"
    assert recover_lines(text, known) == [text]


def test_it_splits_inline_bullets_numbered_items_and_dash_lists():
    assert recover_lines("Perks • Gym pass • Cycle scheme", known) == ["Perks", "• Gym pass", "• Cycle scheme"]
    assert recover_lines("Why join 1. Small teams 2. Real ownership 3. Good coffee", known) == [
        "Why join",
        "• Small teams",
        "• Real ownership",
        "• Good coffee",
    ]
    assert recover_lines("You get: - Lunch on Fridays - A quiet office", known) == [
        "You get:",
        "• Lunch on Fridays",
        "• A quiet office",
    ]
    # One dash is punctuation, not a list; neither is a version number followed by a sentence.
    assert recover_lines("Senior Analyst - Finance team", known) == ["Senior Analyst - Finance team"]
    assert len(recover_lines("We run Python 3. Experience with Go helps.", known)) == 1


def test_it_splits_list_items_that_run_together_but_not_ordinary_capitalised_words():
    text = (
        "Design and test payment services in Java Monitor the ledger jobs every night "
        "Mentor two junior developers on code review Write runbooks for the support team"
    )
    assert recover_lines(text, known) == [
        "• Design and test payment services in Java",
        "• Monitor the ledger jobs every night",
        "• Mentor two junior developers on code review",
        "• Write runbooks for the support team",
    ]
    prose = "You will have experience with Python and Django and work closely with Product Design and Sales"
    assert recover_lines(prose, known) == [prose]


def test_it_puts_back_breaks_lost_between_glued_lines():
    lines = recover_lines("ABOUT THE ROLEYou will lead audits of stock levelsManage a team of four", known)
    assert any(line.startswith("You will lead audits of stock levels") for line in lines)
    assert any(line.endswith("Manage a team of four") for line in lines)


def test_it_splits_a_sentence_glued_to_the_next_requirements_first_word():
    glued = "Degree in AccountingMinimum of two years in payroll. Familiar with JavaScript and PowerPoint."
    text = " ".join(recover_lines(glued, known))
    assert "Accounting. Minimum of two years in payroll" in text
    assert "JavaScript and PowerPoint" in text  # a name with a capital inside is no glued pair


def test_it_reads_a_flattened_markdown_file():
    markdown = (
        "# Payroll Specialist **Brightwell Care** ## Responsibilities - Run the monthly payroll for 300 staff "
        "- Answer pay queries from managers ## Requirements - CIPP qualification or working towards it"
    )
    facts = facts_of(markdown)
    assert ("responsibilities", "Run the monthly payroll for 300 staff") in facts
    assert ("requirements", "CIPP qualification or working towards it") in facts


def test_it_recovers_a_flattened_resume():
    resume = (
        "Ines Okoro ines@example.com SUMMARY Payroll officer with six years in healthcare payroll and pensions. "
        "EXPERIENCE Payroll Officer, Brightwell Care | 2019 - 2024 Processed monthly pay for 1,200 nurses "
        "Cut payroll errors by 40% with a pre-run checklist SKILLS Sage Payroll, Excel, Pension auto-enrolment"
    )
    parsed = parse_document(resume, RESUME)
    facts = [(f.section, f.text) for f in parsed.facts]
    assert ("summary", "Payroll officer with six years in healthcare payroll and pensions.") in facts
    assert ("experience", "Processed monthly pay for 1,200 nurses") in facts
    assert ("experience", "Cut payroll errors by 40% with a pre-run checklist") in facts
    assert [t for s, t in facts if s == "skills"] == ["Sage Payroll", "Excel", "Pension auto-enrolment"]
    processed = next(f for f in parsed.facts if f.text.startswith("Processed"))
    assert "Brightwell Care" in processed.context and "2019" in processed.context


def test_it_parses_a_long_flattened_text_with_bounded_work_per_line():
    """A multi-megabyte one-line text parses (every pattern is linear; no assertion on time)."""
    unit = (
        "Key Responsibilities: Plan delivery routes Maintain the fleet log • Brief drivers daily "
        "Requirements 2+ years of dispatch experience Benefits: paid holidays. Call 0113 496 0000 - - - "
        "(((( 2019 - 2020 :::: "
    )
    text = unit * (2_000_000 // len(unit))
    parsed = parse_document(text, JOB)
    assert ("responsibilities", "Plan delivery routes") in [(f.section, f.text) for f in parsed.facts]
    assert all(len(f.text.split()) <= 40 for f in parsed.facts)


def test_it_keeps_a_sub_heading_inside_the_requirements_and_ends_them_at_a_why_us_heading():
    text = (
        "Skills & Requirements: Backend: • C#, Web API, SQL Server • Frontend: • Angular • React "
        "Why Northwind? Our recruiters have placed 400 engineers. Follow us on our blog for more jobs like this."
    )
    parsed = parse_document(text, JOB)
    assert [(f.section, f.text) for f in parsed.facts if f.askable] == [
        ("requirements", "C#"),
        ("requirements", "Web API"),
        ("requirements", "SQL Server"),
        ("requirements", "Angular"),
        ("requirements", "React"),
    ]
    assert ("about", "Our recruiters have placed 400 engineers.") in [(f.section, f.text) for f in parsed.facts]


def test_a_title_case_heading_inside_a_dash_list_starts_a_section():
    text = (
        "We ship garden sensors. Requirements: Soldering small boards by hand - Reading circuit diagrams "
        "Nice To Haves - Experience with LoRa radios - Grafana dashboards for field data"
    )
    facts = [(f.section, f.text) for f in parse_document(text, JOB).facts if f.askable]
    assert facts == [
        ("requirements", "Soldering small boards by hand"),
        ("requirements", "Reading circuit diagrams"),
        ("nice_to_have", "Experience with LoRa radios"),
        ("nice_to_have", "Grafana dashboards for field data"),
    ]


def test_a_section_word_after_a_product_name_ends_the_item_and_starts_its_section():
    text = "Requirements: - Dashboards in Looker or Tableau Benefits - Dental cover - Bike scheme"
    facts = [(f.section, f.text, f.askable) for f in parse_document(text, JOB).facts]
    assert facts == [
        ("requirements", "Dashboards in Looker or Tableau", True),
        ("benefits", "Dental cover", False),
        ("benefits", "Bike scheme", False),
    ]


def test_it_splits_an_item_that_opens_on_an_adverb_or_an_inline_label():
    text = (
        "Strong spreadsheet skills for the monthly close Highly organised record keeping across sites "
        "Experience writing batch jobs for Windows servers Tools: Bash, PowerShell and Ansible"
    )
    assert recover_lines(text, known) == [
        "• Strong spreadsheet skills for the monthly close",
        "• Highly organised record keeping across sites",
        "• Experience writing batch jobs for Windows servers",
        "• Tools: Bash, PowerShell and Ansible",
    ]
    prose = "You will report to the Head of Data: Finance and work with Product Design"
    assert recover_lines(prose, known) == [prose]
