"""Fact quality: one askable claim per fact; boilerplate kept but not askable; fragments are no facts."""

from __future__ import annotations

import pytest

from interviewer.documents.base import JOB, RESUME, DocumentError
from interviewer.documents.extract import clean_text
from interviewer.documents.facts import MAX_FACT_WORDS, boilerplate_kind, is_fragment, split_long
from interviewer.documents.parse import parse_document


def askable(text: str, kind: str = JOB) -> list[tuple[str, str]]:
    return [(f.section, f.text) for f in parse_document(text, kind).facts if f.askable]


def not_askable(text: str, kind: str = JOB) -> list[tuple[str, str]]:
    return [(f.section, f.text) for f in parse_document(text, kind).facts if not f.askable]


POSTING = """Line Cook

Requirements:
- 2+ years on a busy grill station
- Food hygiene certificate (level 2)
- Pay is $17.50 per hour plus tips
- Click here to see all our open kitchen roles
- We are an equal opportunity employer and value diversity of every kind.

Benefits:
- Free staff meals on every shift
"""


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("Pay is $17.50 per hour plus tips.", "benefits"),
        ("We offer medical, dental and vision cover from day one.", "benefits"),
        ("We are an equal opportunity employer and welcome applicants of every background.", "legal"),
        ("Candidates must be authorized to work in the United States.", "legal"),
        ("To apply, send your CV and a short note to the hiring team.", "apply"),
        ("Click here to see every open position.", "apply"),
        ("Questions? Contact us any weekday.", "contact"),
        ("Shift: Monday through Friday, 7am to 3pm.", "schedule"),
        ("Our mission is to make fresh food affordable for every family.", "company"),
        ("Founded in 1998, we run twelve bakeries across the county.", "company"),
    ],
)
def test_it_names_each_kind_of_boilerplate(sentence, kind):
    assert boilerplate_kind(sentence, weak=True) == kind


def test_it_keeps_boilerplate_in_its_section_but_never_askable():
    facts = askable(POSTING)
    assert facts == [
        ("requirements", "2+ years on a busy grill station"),
        ("requirements", "Food hygiene certificate (level 2)"),
    ]
    hidden = not_askable(POSTING)
    assert ("requirements", "Pay is $17.50 per hour plus tips") in hidden
    assert ("requirements", "Click here to see all our open kitchen roles") in hidden
    assert ("benefits", "Free staff meals on every shift") in hidden


def test_it_does_not_take_a_requirement_that_mentions_shifts_or_money_for_boilerplate():
    text = "Requirements:\n- Comfortable working rotating shifts in a warehouse\n- Experience managing a $2M budget\n"
    assert [t for _s, t in askable(text)] == [
        "Comfortable working rotating shifts in a warehouse",
        "Experience managing a $2M budget",
    ]


def test_it_sorts_the_sentences_of_a_posting_without_headings():
    text = (
        "Brookline Dental is a family practice founded in 2005. "
        "We are looking for a dental receptionist to join our friendly team. "
        "Greet patients and manage the appointment book in Dentrix. "
        "You will handle insurance pre-authorisations and payments. "
        "At least one year of front-desk experience is required. "
        "Full-time, Monday to Friday."
    )
    assert askable(text) == [
        ("responsibilities", "Greet patients and manage the appointment book in Dentrix."),
        ("responsibilities", "You will handle insurance pre-authorisations and payments."),
        ("requirements", "At least one year of front-desk experience is required."),
    ]


@pytest.mark.parametrize(
    "piece",
    [
        "2019 - Present",
        "(1 year 8 months)",
        "06/2016 to Current",
        "Leeds, UK",
        "City, State",
        "Northwind Traders",
        "Senior Data Analyst",
        "Achievement:",
        "Description",
        "Key responsibilities include the following",
    ],
)
def test_it_knows_a_fragment_when_it_sees_one(piece):
    assert is_fragment(piece)


def test_it_keeps_a_skill_of_a_list_even_when_it_is_one_word():
    assert not is_fragment("Python", item=True)
    assert not is_fragment("C#", item=True) and not is_fragment("R", item=True)
    assert is_fragment("Intermediate", item=True)  # a level, not a skill


def test_it_attaches_the_employer_and_dates_to_the_claims_of_an_experience_entry():
    resume = """Tomas Reyes

EXPERIENCE
Northwind Traders
Inventory Planner
March 2019 - June 2023 (4 years 3 months)
Rebuilt the reorder points for 900 SKUs and cut stock-outs by 30%.
Achievement:
Trained six planners on the new forecasting tool.

Westbrook Foods | Buyer | 2016 - 2019
- Negotiated annual contracts with 14 produce suppliers
"""
    facts = parse_document(resume, RESUME).facts
    assert [(f.section, f.text) for f in facts] == [
        ("experience", "Rebuilt the reorder points for 900 SKUs and cut stock-outs by 30%."),
        ("experience", "Trained six planners on the new forecasting tool."),
        ("experience", "Negotiated annual contracts with 14 produce suppliers"),
    ]
    assert facts[0].context == "Northwind Traders, Inventory Planner, March 2019 - June 2023 (4 years 3 months)"
    assert facts[1].context == facts[0].context
    assert facts[2].context == "Westbrook Foods | Buyer | 2016 - 2019"


def test_it_keeps_a_posting_paragraph_that_mentions_a_phone_number_or_an_e_mail():
    text = (
        "Harlow Print is hiring a press operator. Run and maintain two Heidelberg offset presses. "
        "Check colour against proofs on every job. Questions about the role go to jobs@harlow.example "
        "or 0113 496 0000 during office hours."
    )
    facts = askable(text)
    assert ("responsibilities", "Run and maintain two Heidelberg offset presses.") in facts
    assert ("responsibilities", "Check colour against proofs on every job.") in facts
    assert not any("@" in t or "0113" in t for _s, t in facts + not_askable(text))


def test_it_keeps_skills_atomic():
    facts = askable("SKILLS\nPython, SQL, Tableau\nLanguages: Spanish (fluent), German\n", RESUME)
    assert [t for _s, t in facts] == ["Python", "SQL", "Tableau", "Spanish (fluent)", "German"]


def test_it_drops_the_level_and_duration_written_after_a_skill():
    facts = askable("SKILLS\nJavaScript - Experience - 24 months\nExcel - Advanced\n", RESUME)
    assert [t for _s, t in facts] == ["JavaScript", "Excel"]


def test_it_cuts_a_long_sentence_at_list_and_clause_boundaries_to_at_most_40_words():
    sentence = (
        "Coordinate the weekly delivery schedule with the transport planners, agree loading slots with the three "
        "regional depots, check that every trailer is inspected and sealed before it leaves the yard, record "
        "temperature readings for chilled loads, and report any damage or shortages to the customer service team "
        "before the end of each shift."
    )
    pieces = split_long(sentence)
    assert len(pieces) > 1
    assert all(len(p.split()) <= MAX_FACT_WORDS for p in pieces)
    assert " ".join(pieces) == sentence
    facts = parse_document("Responsibilities:\n" + sentence + "\n", JOB).facts
    assert all(len(f.text.split()) <= MAX_FACT_WORDS for f in facts)


def test_it_cuts_even_a_sentence_without_any_punctuation():
    sentence = " ".join(["deliver"] + ["parcels"] * 100)
    assert all(len(p.split()) <= MAX_FACT_WORDS for p in split_long(sentence))


def test_it_stores_a_document_of_readable_boilerplate_without_askable_facts():
    ad = "NIGHT PORTER Competitive pay, paid holidays, free parking. Apply in person at 12 Mill Lane."
    parsed = parse_document(ad, JOB)
    assert parsed.facts and not any(f.askable for f in parsed.facts)


def test_it_still_refuses_a_document_with_nothing_to_read():
    with pytest.raises(DocumentError, match="no usable content"):
        parse_document("---\n***\n", JOB)


def test_it_repairs_text_that_was_decoded_with_the_wrong_code_page():
    mangled = "Skills â€¢ NaÃ¯ve Bayes â€¢ SQL"
    assert clean_text(mangled) == "Skills • Naïve Bayes • SQL"
    assert clean_text("\uf0b7 Payroll") == "• Payroll"  # Word's Symbol-font bullet


def test_it_keeps_the_declaration_and_references_of_a_resume_out_of_askable_facts():
    text = (
        "EXPERIENCE\n- Ran the night shift at a 40-bed care home\n\nDECLARATION\n"
        "I hereby declare that the information above is true to the best of my knowledge.\n"
        "References are available upon request.\n"
    )
    assert askable(text, RESUME) == [("experience", "Ran the night shift at a 40-bed care home")]
