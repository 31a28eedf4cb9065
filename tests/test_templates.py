"""Template questions read like an interviewer: a short topic phrase, never a pasted sentence."""

from __future__ import annotations

import pytest

from interviewer.dialog.templates import MAX_TOPIC_WORDS, subject, template_question, topic
from interviewer.vocabulary import Act


@pytest.mark.parametrize(
    "fact, expected",
    [
        ("5+ years of experience with Python and Django, including REST APIs", "Python and Django"),
        ("Strong knowledge of SQL (PostgreSQL preferred)", "SQL"),
        ("Achievement: Cut API p95 latency by 35% by adding Redis caching (2022)", "cut API p95 latency by 35%"),
        ("You will own the data pipeline from ingestion to dashboards", "own the data pipeline"),
        ("Backend Engineer, Acme | Jan 2020 - Present", "Backend Engineer, Acme |"),
    ],
)
def test_it_keeps_the_core_of_a_fact(fact, expected):
    assert topic(fact).startswith(expected.rstrip(" |"))


def test_it_cuts_long_facts_to_a_short_phrase_without_a_dangling_word():
    fact = (
        "Design and implement scalable distributed data processing systems for real time analytics and "
        "reporting across multiple business units and regions"
    )
    phrase = topic(fact)
    assert len(phrase.split()) <= MAX_TOPIC_WORDS
    assert phrase.split()[-1].lower() not in {"and", "for", "of", "the", "across"}


def test_it_varies_templates_by_act_and_never_repeats_an_asked_one():
    fact = ["Experience with Kubernetes in production"]
    first = template_question(Act.REQUIREMENT_PROBE, fact, "SRE", [])
    second = template_question(Act.REQUIREMENT_PROBE, fact, "SRE", [first])
    assert first != second and "Kubernetes" in first and "Kubernetes" in second
    assert template_question(Act.GAP_PROBE, fact, "SRE", []) != first
    assert "SRE" in template_question(Act.OPENING, [], "SRE", [])


def test_it_names_something_the_candidate_said_in_a_follow_up():
    text = template_question(Act.FOLLOW_UP, [], "SRE", [], "We moved the billing stack to Kubernetes in 2023.")
    assert "Kubernetes" in text or "2023" in text


def test_a_common_word_the_candidate_said_reads_as_a_noun_phrase():
    text = template_question(Act.FOLLOW_UP, [], "SRE", [], "I'm not sure, it depends on the situation, kind of.")
    assert "the situation" in text and "mentioned situation" not in text


def test_it_reads_a_resume_achievement_as_what_the_candidate_did():
    text = template_question(Act.RESUME_DEEP_DIVE, ["Migrated the ledger from MySQL to PostgreSQL"], "SRE", [])
    assert "you migrated the ledger from MySQL to PostgreSQL" in text or "how you migrated" in text


def test_it_asks_a_behavioral_question_when_a_probe_has_no_fact():
    assert template_question(Act.GAP_PROBE, [], "SRE", []) == template_question(Act.BEHAVIORAL, [], "SRE", [])


def test_a_template_avoids_a_wording_close_to_one_already_asked():
    from interviewer.dialog.templates import NEAR_REPEAT
    from interviewer.text import word_jaccard as _jaccard

    answer = "We moved the billing jobs to a queue and I wrote the retry logic."
    first = template_question(Act.FOLLOW_UP, [], "Backend Engineer", [], answer)
    # The same follow-up on a slightly different answer: another wording, not a near repeat.
    second = template_question(Act.FOLLOW_UP, [], "Backend Engineer", [first], answer.replace("billing", "invoice"))

    assert _jaccard(first, second) < NEAR_REPEAT


def test_every_follow_up_wording_names_something_the_candidate_said():
    answer = "I cut the Kafka consumer lag from 40 minutes to 2 by batching commits."
    asked: list[str] = []
    for _ in range(4):
        asked.append(template_question(Act.FOLLOW_UP, [], "Data Engineer", asked, answer))
    assert all("Kafka" in q or "40" in q for q in asked), asked


@pytest.mark.parametrize(
    ("act", "fact"),
    [
        (Act.GAP_PROBE, "Secondary school diploma or an equivalent qualification required"),
        (Act.REQUIREMENT_PROBE, "Bachelor's Degree in Computer Science preferred"),
        (Act.GAP_PROBE, "Valid forklift licence required"),
    ],
)
def test_a_qualification_is_asked_about_as_a_qualification_not_as_work_done(act, fact):
    question = template_question(act, [fact], "Analyst", [])
    assert "qualification" in question or "certification" in question or "hold it" in question
    assert "required" not in question and "preferred" not in question
    assert "Tell me about a time" not in question and "get up to speed" not in question


def test_work_that_only_contains_a_qualification_word_is_still_work():
    assert (
        template_question(Act.REQUIREMENT_PROBE, ["Master data management in SAP"], "Analyst", []).count("qualif") == 0
    )


def test_a_follow_up_on_an_off_topic_answer_brings_the_talk_back_to_work():
    answer = "Outside work I bake sourdough bread every weekend."
    question = template_question(Act.FOLLOW_UP, [], "Analyst", [], answer, redirect=True)
    assert "work" in question and "sourdough" not in question and question.endswith("?")


def test_a_redirect_comes_back_to_the_subject_of_the_question_the_candidate_left():
    answer = "Outside work I bake sourdough bread every weekend."
    on_a_tool = template_question(Act.FOLLOW_UP, ["Experience with Terraform"], "Engineer", [], answer, redirect=True)
    assert "Terraform" in on_a_tool and "sourdough" not in on_a_tool and on_a_tool.count("?") == 1
    # a gap probe's subject is not presumed: asked what experience there is, not where it was used
    assert "where have you" not in on_a_tool
    duty = template_question(Act.FOLLOW_UP, ["Own the month-end close"], "Accountant", [], answer, redirect=True)
    assert "have you had to own the month-end close?" in duty
    # a sentence about the person hired names a duty; a clause with no short name is quoted
    someone = "The person in this role will reconcile supplier statements every month."
    duty = template_question(Act.FOLLOW_UP, [someone], "Clerk", [], answer, redirect=True)
    assert "have you had to reconcile supplier statements every month?" in duty
    clause = "Must understand how memory is freed in long-running services written in Python or Go"
    back = template_question(Act.FOLLOW_UP, [clause], "Engineer", [], answer, redirect=True)
    assert '"Must understand how memory is freed in long-running services written in Python..."' in back
    # a sentence's subject is named by the words before its verb
    wording = template_question(Act.FOLLOW_UP, ["Patience and care define the service"], "Clerk", [], answer, True)
    assert "what experience do you have with patience and care?" in wording
    # a qualification is held, not an example
    held = "Bachelor's degree in forestry or ecology required"
    asked = template_question(Act.FOLLOW_UP, [held], "Ranger", [], answer, redirect=True)
    assert asked.endswith("do you have a bachelor's degree in forestry or ecology, or something equivalent?")
    # a span of years is asked as its probe asks it: how many, if any (not a blunt yes or no)
    years = template_question(Act.FOLLOW_UP, ["Five or more years in retail banking"], "Teller", [], answer, True)
    assert years.endswith(
        "the role asks for five or more years in retail banking. How many years, if any, have you worked in "
        "that area, and in what roles?"
    )


def test_a_redirect_asks_for_a_time_the_work_called_for_a_quality_and_names_one_of_slashed_words():
    answer = "Outside work I bake sourdough bread every weekend."
    quality = template_question(Act.FOLLOW_UP, ["Meticulous accuracy is how you work."], "Clerk", [], answer, True)
    assert quality.endswith("can you tell me about a time your work called for meticulous accuracy?")
    slashed = "Plan/schedule/track the shifts of six warehouse crews"
    duty = template_question(Act.FOLLOW_UP, [slashed], "Lead", [], answer, redirect=True)
    assert "have you had to plan the shifts of six warehouse crews?" in duty
    assert topic("Experience building and/or running REST APIs on CI/CD") == "building and running REST APIs on CI/CD"


def test_a_gerund_is_named_without_the_article_a_resume_line_put_before_it():
    assert subject("The writing of load tests, profiling, tuning queries.") == ("thing", "writing of load tests")
    assert topic("The payroll team's monthly reports") == "the payroll team's monthly reports"


def test_a_duty_written_of_the_role_is_named_in_its_base_form():
    assert subject("Estimates freight costs for each quote.") == ("duty", "estimate freight costs for each quote")
    assert subject("Applies the new tariffs to every account") == ("duty", "apply the new tariffs to every account")
    assert subject("Identifies and resolves billing disputes") == ("duty", "identify and resolve billing disputes")
    assert topic("Sales experience in retail") == "sales experience in retail"  # a noun in -s is no duty
    assert topic("Reports and dashboards in Looker") == "Reports and dashboards in Looker"


def test_a_date_at_the_end_of_a_fact_goes_with_the_word_that_introduced_it():
    from interviewer.dialog.templates import topic

    assert topic("Won the regional chess championship in 2019") == "won the regional chess championship"
    assert topic("Volunteered at the food bank since March 2018.") == "volunteered at the food bank"
