"""The interviewer's answers to the candidate's own questions: what asks, which line answers, the words."""

from __future__ import annotations

import numpy as np
import pytest

from interviewer.dialog.answers import LOCATION, TOPICS, Line, Reply, compose, find, questions
from interviewer.dialog.ranker import closes


class Fixed:
    """An encoder that gives each text the vector it is told, any other (the topics' example
    questions) one apart from them all (unit vectors, so similarity is a dot product)."""

    model_id = "fixed"

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self.vectors = vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = np.array([self.vectors.get(t, [0.0, 0.0, 0.0, 1.0]) for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _unit_at(similarity: float) -> list[float]:
    """A vector whose similarity to [1, 0, 0, 0] is ``similarity`` (and 0 to [0, 0, 1])."""
    return [similarity, float(np.sqrt(1 - similarity**2)), 0.0, 0.0]


@pytest.mark.parametrize(
    ("words", "asked"),
    [
        ("Is the role remote?", ["Is the role remote?"]),
        (
            "Yes. What is the salary range? And how big is the team?",
            ["What is the salary range?", "And how big is the team?"],
        ),
        ("Could you tell me who I would report to", ["Could you tell me who I would report to?"]),
        (
            "What does a typical week look like, and how is success measured?",
            ["What does a typical week look like?", "How is success measured?"],
        ),
        ("Do you use Python and SQL?", ["Do you use Python and SQL?"]),
        ("No, that's everything, thank you.", []),
        ("I have no questions. Thanks for your time.", []),
        ("?", []),
    ],
)
def test_it_finds_the_sentences_that_ask(words, asked):
    assert questions(words) == asked


def test_it_answers_from_a_line_that_shares_a_word_before_a_nearer_one_that_shares_none():
    asked = "What is the salary range?"
    salary = Line("Starting salary of 48,000 to 54,000 a year.", "benefits", "benefits", 7)
    duty = Line("Publish three posts a week.", "responsibilities", "responsibility", 8)
    encoder = Fixed({asked: [1.0, 0.0, 0.0, 0.0]})
    vectors = np.array([_unit_at(0.45), _unit_at(0.58)], dtype=np.float32)

    (reply,) = find([asked], [salary, duty], vectors, encoder)

    assert reply.lines == (salary,) and reply.similarity == pytest.approx(0.45, abs=1e-3)


def test_it_takes_a_very_near_line_without_a_shared_word_and_leaves_a_far_one():
    near, far = "Can I work from home?", "Is there a company car?"
    remote = Line("Fully remote, with a team week each quarter.", "benefits", "benefits", 3)
    encoder = Fixed({near: [1.0, 0.0, 0.0, 0.0], far: [0.0, 0.0, 1.0, 0.0]})
    vectors = np.array([_unit_at(0.65)], dtype=np.float32)

    near_reply, far_reply = find([near, far], [remote], vectors, encoder)

    assert near_reply.lines == (remote,)
    assert far_reply == Reply(far)  # nothing answers it: the posting does not say


def test_it_answers_no_more_than_three_questions_at_once():
    asked = [f"Question number {n}?" for n in range(5)]
    replies = find(asked, [], np.zeros((0, 4), dtype=np.float32), Fixed({}))
    assert [r.question for r in replies] == asked[:3]


def test_it_quotes_the_line_says_where_it_comes_from_and_invites_more():
    salary = Line("Starting salary of 48,000 to 54,000 a year.", "benefits", "benefits")
    text = compose([Reply("What is the salary?", (salary,), 0.5)], closing=False)
    assert text == (
        "Good question. The posting says: “Starting salary of 48,000 to 54,000 a year”. What else would you like to know?"
    )


def test_it_says_plainly_when_the_posting_does_not_say():
    text = compose([Reply("Is there a bonus?")], closing=False)
    assert text == (
        "Good question. The posting doesn't say, so the hiring manager is the one to ask. What else would you like to know?"
    )


def test_a_question_about_the_days_work_is_answered_with_the_first_duties():
    asked = "What would my week look like?"
    lines = [
        Line("Five years of Python.", "requirements", "requirement"),
        Line("Own the release process.", "responsibilities", "responsibility"),
        Line("Review pull requests.", "responsibilities", "responsibility"),
        Line("Mentor two juniors.", "responsibilities", "responsibility"),
    ]
    duties = next(t for t in TOPICS if t.name == "duties")
    encoder = Fixed({asked: [1.0, 0.0, 0.0, 0.0], duties.examples[0]: _unit_at(0.7)})
    vectors = np.array([[0.0, 0.0, 1.0, 0.0]] * 4, dtype=np.float32)  # no line near the question

    (reply,) = find([asked], lines, vectors, encoder)

    assert reply.lines == tuple(lines[1:3]) and reply.lead == duties.lead
    assert compose([reply], closing=False).startswith(
        "Good question. Among the duties, the posting lists: “Own the release process”; “Review pull requests”."
    )


def test_a_question_of_a_topic_the_posting_has_no_line_for_gets_no_answer():
    asked = "Where is the office?"
    place = next(t for t in TOPICS if t.name == "place")
    encoder = Fixed({asked: [1.0, 0.0, 0.0, 0.0], place.examples[1]: [1.0, 0.0, 0.0, 0.0]})
    lines = [Line("Own the release process.", "responsibilities", "responsibility")]
    (reply,) = find([asked], lines, np.array([[0.0, 0.0, 1.0, 0.0]], dtype=np.float32), encoder)
    assert reply == Reply(asked)
    with_place = [*lines, Line("Leeds, UK", "about", LOCATION)]
    vectors = np.array([[0.0, 0.0, 1.0, 0.0]] * 2, dtype=np.float32)
    (reply,) = find([asked], with_place, vectors, encoder)
    assert reply.lines == (with_place[1],)
    assert "The posting gives the location as: “Leeds, UK”." in compose([reply], closing=False)


def test_a_closing_answers_each_question_and_thanks_without_asking():
    replies = [Reply("Is it remote?", (Line("Fully remote.", "benefits", "benefits"),)), Reply("Is there a bonus?")]
    text = compose(replies, closing=True)
    assert text == (
        "On your question “Is it remote”, the posting says: “Fully remote”. "
        "On your question “Is there a bonus”, the posting doesn't say, so the hiring manager is the one to ask. "
        "Thank you for your time today."
    )
    assert closes(text)


def test_a_long_line_is_quoted_in_part():
    line = Line(" ".join(f"word{n}" for n in range(60)), "about", "company")
    text = compose([Reply("Tell me about the company?", (line,))], closing=False)
    assert "word39…”" in text and "word40" not in text


@pytest.mark.real_models
def test_the_packaged_encoder_answers_pay_from_the_benefits_and_leaves_what_the_posting_does_not_say():
    from interviewer.encoders import SentenceTransformerEncoder
    from interviewer.serving.weights import packaged_encoder_dir

    encoder = SentenceTransformerEncoder(packaged_encoder_dir())
    lines = [
        Line("Build and maintain Power BI dashboards for the sales team.", "responsibilities", "responsibility"),
        Line("Confident SQL skills, including window functions.", "requirements", "requirement"),
        Line("Salary of 42,000 to 48,000 plus a yearly bonus.", "benefits", "benefits"),
        Line("Hybrid: two days a week in our Leeds office.", "benefits", "benefits"),
    ]
    vectors = encoder.encode([line.text for line in lines])

    pay, car = find(["What is the salary range?", "Do you offer a company car?"], lines, vectors, encoder)

    assert pay.lines == (lines[2],)
    assert car.lines == ()
    # A posting without a pay line: a pay question is not answered with the nearest topic's lines
    # (on real postings it got the location), and a question of the day's work gets the duties.
    place = Line("San Diego, CA", "about", LOCATION)
    rest = [lines[0], lines[1], place]
    rest_vectors = encoder.encode([line.text for line in rest])
    unpaid, days, where = find(
        [
            "How much does the position pay?",
            "What would I spend most of my time doing in this role?",
            "Where is this job located?",
        ],
        rest,
        rest_vectors,
        encoder,
    )
    assert unpaid.lines == () and days.lines == (lines[0],) and where.lines == (place,)
