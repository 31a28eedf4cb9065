"""Talking points: built from a question's own facts, never claiming what the resume does not say."""

from __future__ import annotations

import pytest

from interviewer.feedback.talking_points import points

REQUIREMENT = {"source": "job", "text": "Production PostgreSQL database experience", "reason": "strong_match"}
EVIDENCE = {
    "source": "resume",
    "text": "Migrated the production PostgreSQL database to version 15 for 2 million users",
    "reason": "evidence",
    "shown": True,
}


def test_a_requirement_with_resume_evidence_brings_the_line_its_number_and_the_requirement():
    found = points("requirement_probe", [REQUIREMENT, EVIDENCE])
    assert found is not None
    assert found["bring"] == [EVIDENCE["text"]] and found["connect"] == [REQUIREMENT["text"]]
    assert found["numbers"] == ["2 million"]  # "version 15" names a release, not an amount
    assert found["outline"][-1] == "Result: what changed, with the number you have (2 million)."
    assert [line.split(":")[0] for line in found["outline"]] == ["Situation", "Task", "Action", "Result"]
    assert found["gap"] == ""


def test_a_gap_says_the_resume_shows_nothing_and_brings_nothing():
    found = points("gap_probe", [{"source": "job", "text": "Certified forklift operator licence", "reason": "gap"}])
    assert found is not None and found["bring"] == [] and found["numbers"] == []
    assert found["gap"].startswith("The match found no line of your resume for this")
    assert [line.split(":")[0] for line in found["outline"]] == ["Nearest", "Plan", "Proof"]  # a plan, not a story


def test_a_resume_line_the_question_was_not_shown_is_not_brought():
    hidden = EVIDENCE | {"shown": False}
    found = points("requirement_probe", [REQUIREMENT, hidden])
    assert found is not None and found["bring"] == [] and found["gap"]


@pytest.mark.parametrize("act", ["candidate_questions", "closing", "", None, "no such act"])
def test_turns_that_ask_for_no_answer_of_the_candidates_own_have_none(act):
    assert points(act, [REQUIREMENT, EVIDENCE]) is None


def test_every_line_it_names_is_a_line_of_the_question_s_facts():
    facts = [REQUIREMENT, EVIDENCE, {"source": "resume", "text": "Mentored four junior engineers"}]
    found = points("behavioral", facts)
    assert found is not None
    assert set(found["bring"]) | set(found["connect"]) <= {f["text"] for f in facts}
    assert len(found["bring"]) == 2 and not found["gap"]


def test_a_behavioral_question_brings_a_story_not_a_bare_name_and_no_version_as_an_amount():
    facts = [
        {"source": "resume", "text": "MySQL"},
        {"source": "resume", "text": "Upgraded the payroll service to Java 8 for 3 plants and 2G/3G modems"},
    ]
    found = points("behavioral", facts)
    assert found is not None
    assert found["bring"] == [facts[1]["text"]] and found["numbers"] == []  # "Java 8": a release; "2", "3": lone digits
    assert not found["gap"]
    assert points("requirement_probe", [REQUIREMENT, {"source": "resume", "text": "MySQL"}])["bring"] == ["MySQL"]


def test_the_opening_asks_for_now_past_and_why_with_a_line_that_tells_of_something_done():
    found = points("opening", [{"source": "resume", "text": "CSS3"}, EVIDENCE])
    assert found is not None and found["bring"] == [EVIDENCE["text"]]
    assert [line.split(":")[0] for line in found["outline"]] == ["Now", "Past", "Why"]
