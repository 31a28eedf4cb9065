"""Answer assessment and the end-of-interview report (interviewer.feedback.report, interviewer.feedback.star, interviewer.feedback.relevance)."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError

from interviewer.encoders import HashingEncoder
from interviewer.feedback import report as feedback
from interviewer.vocabulary import Act, Style
from training import evaluate_feedback
from training.data import DataError
from webapp.interviews.management.commands.evaluate_feedback import Command

QUESTION = "How did you speed up the checkout service?"
STAR_ANSWER = (
    "When our team saw checkout latency climb during the holiday sale, my goal was to bring p95 under "
    "200ms. I analyzed the slow queries and I introduced a Redis cache in front of the pricing service, "
    "which cut latency by 40% and saved $1.2M in lost orders that quarter."
)
REQUIREMENTS = ["Redis caching in production", "Kubernetes cluster operations", "Checkout latency budgets"]


def test_it_marks_a_short_answer():
    result = feedback.assess(QUESTION, "I added a cache.")

    assert result.short and result.needs_follow_up
    assert result.follow_up_reason == "a short answer"
    assert result.words == 4
    assert "Say more: give one concrete example of what you did." in result.tips


def test_it_marks_a_vague_answer_with_hedges():
    answer = (
        "I think we kind of looked at the database and stuff, maybe changed some settings and things like "
        "that, and it was probably better after a while."
    )

    result = feedback.assess(QUESTION, answer)

    assert not result.short
    assert result.vague and result.needs_follow_up
    assert result.follow_up_reason == "a vague answer"
    assert result.numbers == []
    assert "Drop hedges like 'kind of' or 'stuff'; state what you did." in result.tips


def test_it_finds_numbers_and_star_parts_in_a_specific_answer():
    result = feedback.assess(QUESTION, STAR_ANSWER)

    assert "40%" in result.numbers
    assert "$1.2M" in result.numbers
    assert result.star == {"situation": True, "task": True, "action": True, "result": True}
    assert not result.vague and not result.short and not result.needs_follow_up
    assert result.follow_up_reason == ""
    assert result.specificity > 0.9


def test_it_finds_numbers_with_units():
    result = feedback.assess(QUESTION, "We served 300 customers with 5 people for 3 months and hit 2x throughput.")

    assert result.numbers == ["300 customers", "5 people", "3 months", "2x"]


def test_it_finds_numbers_without_the_punctuation_after_them():
    result = feedback.assess(QUESTION, "We grew from 12, then 40, to 300 customers by 2021.")

    assert result.numbers == ["12", "40", "300 customers"]  # 2021 says when, not how much


def test_a_year_is_no_number():
    result = feedback.assess(QUESTION, "From 2013 to 2014, and again in 2020, I ran the same migration.")

    assert result.numbers == [] and "Add a number: scale, time saved, money, people, percentage." in result.tips


def test_a_list_requirement_is_backed_only_when_the_answer_names_every_item():
    requirements = ["Strong skills in Python, Java, and SQL", "Hadoop, Spark, Kafka"]
    partial = "I wrote Python jobs and SQL reports for 12 teams, and I tuned one Spark job to run in 20 minutes."
    every = "I used Python, Java and SQL daily, and I ran Hadoop, Spark and Kafka clusters for 40 services."

    assert feedback.coverage(partial, requirements, HashingEncoder(), threshold=0.0) == []
    backed = feedback.coverage(every, requirements, HashingEncoder(), threshold=0.0)
    assert sorted(c.requirement for c in backed) == sorted(requirements)


def test_it_counts_a_percentage_as_a_result():
    answer = "At the time our checkout page was slow; after my change p95 latency is 40% lower than before."

    result = feedback.assess(QUESTION, answer)

    assert result.star["result"] is True


def test_it_lists_the_missing_star_parts():
    answer = (
        "There was a slow checkout page at the company and everyone complained about it for weeks, "
        "so the whole team talked about options in several long meetings together."
    )

    result = feedback.assess(QUESTION, answer)

    assert result.star == {"situation": True, "task": False, "action": False, "result": False}
    assert "Use the STAR shape; missing: task, action, result." in result.tips


def test_it_scores_relevance_and_covered_requirements_with_an_encoder():
    answer = "I introduced Redis caching in production for the checkout service, which cut p95 latency by 40%."

    result = feedback.assess(
        QUESTION, answer, HashingEncoder(), grounding=["Checkout service latency"], requirements=REQUIREMENTS
    )

    assert 0 < result.relevance <= 1
    assert not result.off_topic
    assert result.covered_requirements == ["Redis caching in production"]


def test_it_marks_an_off_topic_answer_with_an_encoder():
    result = feedback.assess(QUESTION, "My favourite football team won yesterday evening again.", HashingEncoder())

    assert result.off_topic
    assert result.follow_up_reason == "an off-topic answer"
    assert result.tips == ["Answer the question that was asked: start with one sentence that names its subject."]


def test_it_finds_star_parts_in_a_story_told_in_everyday_words():
    answer = (
        "Last spring a release of our mobile API broke login for older Android versions. As the on-call "
        "engineer it was on me to get people back in. I rolled the deployment back within ten minutes, wrote "
        "a contract test for the old token format and walked the team through what happened. Login errors "
        "went back to zero and the test has caught two similar changes since then."
    )

    result = feedback.assess("Tell me about a release that went wrong.", answer)

    assert result.star == {"situation": True, "task": True, "action": True, "result": True}
    assert result.evidence["action"].startswith("I rolled")
    assert not result.vague


def test_it_does_not_count_a_hypothetical_as_an_action():
    answer = "I would look at the logs first, and then I'd probably ask someone on the team what changed."

    result = feedback.assess("How would you debug a failing job?", answer)

    assert result.star["action"] is False


def test_it_does_not_count_a_generic_verb_with_no_object_as_an_action():
    result = feedback.assess(QUESTION, "I tried to make it faster and I explained it to them as well as I could.")

    assert result.star["action"] is False
    assert result.vague


def test_it_treats_i_dont_know_as_vague_not_off_topic():
    for answer in ("I don't know, I can't think of an example right now.", "Honestly I'm not sure, it depends."):
        result = feedback.assess(QUESTION, answer, HashingEncoder())

        assert result.unknown and result.vague and not result.off_topic
        assert result.star == dict.fromkeys(("situation", "task", "action", "result"), False)
        assert result.tips[0].startswith("Instead of 'I don't know'")


def test_it_keeps_an_answer_about_a_gap_that_gives_specifics_graded_as_specific():
    answer = (
        "I haven't used Power BI yet, but I built 12 Tableau dashboards for the regional managers and I "
        "would rebuild one of them in Power BI in my first week."
    )

    result = feedback.assess("How would you get up to speed with Power BI?", answer, HashingEncoder())

    assert not result.unknown and not result.vague and not result.off_topic


def test_it_does_not_grade_the_candidates_own_questions():
    for act, question, answer in [
        (Act.CANDIDATE_QUESTIONS, "Any questions for me?", "No, I think you've covered everything, thanks."),
        (None, "What would you like to ask us?", "How big is the team and who would I report to?"),
        (Act.BEHAVIORAL, "Tell me about a time you mentored someone.", "Sorry, do you mean at work or at university?"),
    ]:
        result = feedback.assess(question, answer, HashingEncoder(), act=act)

        assert result.candidate_question, answer
        assert not (result.short or result.vague or result.off_topic or result.needs_follow_up)
        assert result.follow_up_reason == "" and result.tips == []


def test_it_grades_an_answer_with_a_rhetorical_question_inside():
    answer = (
        "How do you keep thirty children busy for an hour? You give every one of them a job: in my Year 4 "
        "class I rotated twelve roles weekly and the noise complaints from next door stopped."
    )

    result = feedback.assess("How do you manage a lively class?", answer, HashingEncoder(), act=Act.BEHAVIORAL)

    assert not result.candidate_question


# ---------------------------------------------------------------------------
# Requirement coverage by an answer


COVERING = "I introduced Redis caching in production for the checkout service, which cut p95 latency by 40%."


def test_it_quotes_the_sentence_that_covers_a_requirement():
    answer = f"I like my job. {COVERING} Then I wrote the runbook for the on-call rota."

    result = feedback.assess(QUESTION, answer, HashingEncoder(), requirements=REQUIREMENTS)

    assert [c.requirement for c in result.coverage] == ["Redis caching in production"]
    assert result.coverage[0].sentence == COVERING


def test_it_does_not_count_a_denied_requirement_as_covered():
    answer = "I don't have a Master's degree in computer science, but I have shipped 14 production services."

    result = feedback.assess(
        "Do you have a Master's degree?", answer, HashingEncoder(), requirements=["Master's degree in computer science"]
    )

    assert result.coverage == []


def test_it_does_not_count_a_generic_sentence_as_covering_a_requirement():
    answer = "I have excellent communication skills and strong stakeholder management experience overall."

    result = feedback.assess(
        "How do you work with stakeholders?",
        answer,
        HashingEncoder(),
        requirements=["Excellent communication skills", "Strong stakeholder management"],
    )

    assert result.coverage == []


def test_it_needs_shared_content_words_not_just_shared_boilerplate():
    coverage = feedback.coverage(
        "I have 5 years of experience with strong skills in teams.",
        ["Strong experience in teams of 5 years or more with Kubernetes"],
        HashingEncoder(),
        threshold=0.0,
    )

    assert coverage == []


# ---------------------------------------------------------------------------
# The report

WEAK = "Not sure, maybe."
VAGUE = "I think I kind of looked at the database and stuff and it was probably better after a while, I guess."


def report_of(*answers: tuple[str, str], requirements: list[str] = REQUIREMENTS) -> dict:  # type: ignore[type-arg]
    assessed = [
        feedback.assess(q, a, HashingEncoder(), requirements=requirements, act=Act.REQUIREMENT_PROBE)
        for q, a in answers
    ]
    return feedback.report(assessed, requirements, match_overall=61.5)


def test_it_quotes_the_best_answer_in_the_strengths():
    result = report_of((QUESTION, STAR_ANSWER), (QUESTION, WEAK))

    best = result["strengths"][0]
    assert best.startswith("Your strongest answer, to “How did you speed up the checkout service?”")
    assert "40%" in best and "Redis cache" in best
    assert "You completed the interview" not in " ".join(result["strengths"])


def test_it_quotes_the_weakest_answer_and_says_why_in_what_to_practise():
    result = report_of((QUESTION, STAR_ANSWER), (QUESTION, WEAK), (QUESTION, VAGUE))

    weakest = result["practise"][0]
    assert weakest.startswith("Your weakest answer, to “How did you speed up the checkout service?”: “Not sure, maybe”")
    assert "you said you did not know" in weakest


def test_it_never_leaves_strengths_empty_after_strong_answers():
    plain = (
        "I added a Redis cache in front of the pricing service and moved the slow report query to a replica, "
        "then I load tested it with k6 before the sale."
    )

    result = report_of(("How did you prepare for the sale?", plain))

    assert result["strengths"] and "You completed the interview" not in result["strengths"][0]
    assert "k6" in result["strengths"][0] or "Redis" in result["strengths"][0]


def test_it_falls_back_to_the_completed_interview_line_only_without_any_usable_answer():
    result = report_of((QUESTION, WEAK))

    assert result["strengths"] == ["You completed the interview: that is practice most people skip."]


def test_it_makes_one_row_per_question_with_verdicts():
    result = report_of(
        (QUESTION, STAR_ANSWER), (QUESTION, "My favourite football team won yesterday evening again, what a game.")
    )

    first, second = result["rows"]
    assert first["relevance"] == "on topic" and first["specificity"] == "specific" and first["star"] == "STAR"
    assert first["excerpt"].startswith("When our team saw checkout latency") and first["excerpt"].endswith("…")
    assert len(first["excerpt"].split()) <= 26
    assert second["relevance"] == "off topic" and second["star"] == "····"
    assert "Answer again: question 2 (off the question)." in result["practise"]


def test_what_to_practise_names_every_weak_answer_and_counts_come_from_one_list():
    no_result = "I looked at the slow queries in the pricing service and I added a Redis cache in front of them."
    result = report_of(
        (QUESTION, STAR_ANSWER),
        (QUESTION, "My favourite football team won yesterday evening again, what a game."),
        (QUESTION, "I think it went fine overall, things like that, more or less."),
        (QUESTION, no_result),
    )
    again = next(p for p in result["practise"] if p.startswith("Answer again:"))
    assert "question 2 (off the question)" in again and "question 3 (" in again and "question 4 (no result)" in again
    assert "question 1" not in again
    assert result["summary"].startswith("4 answer(s)")
    assert all(" of 4 answers" in p for p in result["practise"] if "answers lacked" in p)


def test_the_report_has_an_overall_score_made_of_its_parts():
    result = report_of((QUESTION, STAR_ANSWER), (QUESTION, "I think it went fine overall, more or less."))
    score = result["overall"]
    assert set(score["parts"]) == {"relevance", "specificity", "STAR completeness", "requirements backed"}
    assert score["score"] == round(sum(score["parts"].values()) / 4)
    assert all(0 <= v <= 100 for v in score["parts"].values())
    assert feedback.report([], REQUIREMENTS)["overall"] == {"score": 0, "parts": {}}


def test_it_lists_the_candidates_questions_apart_and_does_not_grade_them():
    asked = feedback.assess("Any questions for us?", "What does on-call look like here?", act=Act.CANDIDATE_QUESTIONS)
    graded = feedback.assess(QUESTION, STAR_ANSWER)

    result = feedback.report([graded, asked], REQUIREMENTS)

    assert result["summary"].startswith("1 answer(s)")
    assert result["candidate_questions"] == ["What does on-call look like here?"]
    assert result["rows"][1]["graded"] is False
    assert "STAR" not in " ".join(result["practise"])


def test_it_reports_covered_requirements_with_their_sentence_and_caps_the_uncovered():
    requirements = ["Redis caching in production"] + [f"Requirement number {i} about topic {i}" for i in range(8)]

    result = report_of((QUESTION, COVERING), requirements=requirements)

    assert result["covered_requirements"] == [{"requirement": "Redis caching in production", "sentence": COVERING}]
    assert result["rows"][0]["covers"] == result["covered_requirements"]
    assert len(result["uncovered_requirements"]) == 8
    assert result["uncovered_top"] == requirements[1:6] and result["uncovered_more"] == 3
    assert result["practise"][-1].endswith("“Requirement number 2 about topic 2” and 5 more.")
    assert result["match_overall"] == 61.5


def test_it_reports_an_interview_without_answers():
    result = feedback.report([], REQUIREMENTS)

    assert result["practise"][-1] == "Answer at least one question to get feedback."
    assert result["summary"] == (
        "0 answer(s): 0 on topic, 0 specific, 0 with a complete STAR story; 0 of 3 requirements backed by an answer."
    )
    assert result["rows"] == [] and result["strengths"] == [
        "You completed the interview: that is practice most people skip."
    ]


# ---------------------------------------------------------------------------
# The labelled answer set and `manage.py evaluate_feedback`

ANSWERS = Path(__file__).resolve().parent.parent / "fixtures" / "answers.jsonl"


def test_it_has_a_varied_labelled_answer_set_with_a_fixed_split():
    items = evaluate_feedback.load_answers(ANSWERS)
    rows = [json.loads(line) for line in ANSWERS.read_text(encoding="utf-8").splitlines() if line.strip()]

    assert len(items) >= 150 and len({i.id for i in items}) == len(items)
    for split in ("train", "test"):
        half = [r for r in rows if r["split"] == split]
        assert len(half) >= 75
        assert set(Counter(r["category"] for r in half)) == set(evaluate_feedback.CATEGORIES)
        assert len({r["occupation"] for r in half}) == 12
    train = {i.answer for i in items if i.split == "train"}
    assert not train & {i.answer for i in items if i.split == "test"}


def test_it_names_the_line_of_a_bad_labelled_answer(tmp_path):
    path = tmp_path / "answers.jsonl"
    good = {"question": "Q?", "answer": "A.", "labels": {"vague": True}}
    for bad, message in [
        ({**good, "labels": {"vague": "yes"}}, "labels must be booleans"),
        ({**good, "act": "chit_chat"}, "unknown act 'chit_chat'"),
        ({**good, "split": "dev"}, "split must be train or test"),
        ({"question": "Q?", "labels": {"vague": True}}, "needs question, answer and labels"),
    ]:
        path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")

        with pytest.raises(DataError, match=f"answers.jsonl:2: {message}"):
            evaluate_feedback.load_answers(path)


def test_it_evaluates_only_the_labels_a_row_gives(tmp_path):
    path = tmp_path / "answers.jsonl"
    rows = [
        {"question": QUESTION, "answer": STAR_ANSWER, "labels": {"vague": False, "result": True}},
        {"question": QUESTION, "answer": "Not sure, it depends.", "labels": {"vague": True, "off_topic": False}},
        {"question": "Any questions for me?", "answer": "Is there parking?", "labels": {"candidate_question": True}},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    result = evaluate_feedback.main(path, HashingEncoder(), "test")

    assert result["answers"] == 3 and result["errors"] == []
    assert result["flags"]["vague"] == {"precision": 1.0, "recall": 1.0, "support": 1}
    assert result["flags"]["candidate_question"]["support"] == 1
    assert result["star"]["result"] == 1.0 and result["star"]["task"] == 0.0


def test_it_fits_a_calibration_on_the_train_half():
    items = [i for i in evaluate_feedback.load_answers(ANSWERS) if i.split == "train"]

    fitted = evaluate_feedback.fit(items, HashingEncoder())

    assert set(fitted) == {"bias", "w_gap", "w_gap_work", "w_private", "w_work", "w_overlap", "vague_below"}
    assert fitted["w_private"] > 0


def test_it_prints_the_figures_and_writes_json(monkeypatch, tmp_path):
    monkeypatch.setattr(evaluate_feedback, "packaged_encoder", HashingEncoder)
    out = io.StringIO()

    Command(stdout=out).handle(answers=str(ANSWERS), split="test", json_out=str(tmp_path / "f.json"), fit=False)

    text = out.getvalue()
    for label in ("off_topic", "vague", "short", "candidate_question", "situation", "result"):
        assert label in text
    figures = json.loads((tmp_path / "f.json").read_text())
    assert figures["split"] == "test" and figures["answers"] == len(
        [i for i in evaluate_feedback.load_answers(ANSWERS) if i.split == "test"]
    )


def test_it_explains_a_bad_answers_file(tmp_path, monkeypatch):
    monkeypatch.setattr(evaluate_feedback, "packaged_encoder", HashingEncoder)

    with pytest.raises(CommandError, match="no such file"):
        Command(stdout=io.StringIO()).handle(
            answers=str(tmp_path / "nope.jsonl"), split="test", json_out=None, fit=False
        )


@pytest.mark.real_models
def test_it_meets_the_targets_on_the_test_half_with_the_packaged_encoder():
    result = evaluate_feedback.main(ANSWERS, evaluate_feedback.packaged_encoder(), "test")

    flags, star = result["flags"], result["star"]
    assert flags["off_topic"]["precision"] >= 0.9 and flags["off_topic"]["recall"] >= 0.9
    assert flags["vague"]["precision"] >= 0.85 and flags["vague"]["recall"] >= 0.85
    assert min(star.values()) >= 0.85


# ---------------------------------------------------------------------------
# Styles and practice mode


SPECIFIC_NO_RESULT = "I planned the PostgreSQL migration with two colleagues and moved 40 tables over a weekend."


@pytest.mark.parametrize(
    ("answer", "friendly", "neutral", "demanding"),
    [
        ("Yes.", "", "a short answer", "a short answer"),
        (SPECIFIC_NO_RESULT, "", "", "an answer without its result"),
        (
            "When our orders service hit its limits in 2022, I was asked to move it. I planned the cutover, "
            "migrated the PostgreSQL database with zero downtime, and query time fell by 40%.",
            "",
            "",
            "",
        ),
    ],
)
def test_each_style_follows_up_what_it_should(answer, friendly, neutral, demanding):
    a = feedback.assess("Tell me about a database migration you led.", answer)
    assert [a.follow_up_reason_for(s) for s in (Style.FRIENDLY, Style.NEUTRAL, Style.DEMANDING)] == [
        friendly,
        neutral,
        demanding,
    ]


def test_a_friendly_interviewer_still_brings_an_off_topic_answer_back():
    a = feedback.assess(
        "Tell me about a database migration you led.", "I bake sourdough bread every weekend.", HashingEncoder()
    )
    assert a.off_topic and a.follow_up_reason_for(Style.FRIENDLY) == feedback.OFF_TOPIC_ANSWER


def test_the_practice_note_says_how_the_answer_did_and_the_first_thing_to_change():
    a = feedback.assess("Tell me about a database migration you led.", SPECIFIC_NO_RESULT)
    note = feedback.practice_note(a)
    assert note.startswith("On topic, specific; numbers: 40.")
    assert f"STAR: {feedback.verdict(a)['star']}." in note
    assert note.endswith("Next: " + a.tips[0][0].lower() + a.tips[0][1:])
    asked = feedback.assess("What would you like to ask me?", "Is the role remote?", act="candidate_questions")
    assert feedback.practice_note(asked) == ""  # the candidate's own question is not graded
