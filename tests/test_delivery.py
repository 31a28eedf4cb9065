"""Delivery feedback from spoken answers (issue 14): pace, long pauses, conservative fillers, the
report's summary. Pure functions over timed words."""

from __future__ import annotations

import pytest

from interviewer.feedback import delivery
from interviewer.feedback.delivery import Word


def timed(text: str, start: float = 0.0, step: float = 0.4, gaps: dict[int, float] | None = None) -> list[Word]:
    """Words of ``text`` every ``step`` seconds; ``gaps`` adds silence before word i."""
    words, t = [], start
    for i, token in enumerate(text.split()):
        t += (gaps or {}).get(i, 0.0)
        words.append(Word(token, t, t + step * 0.8))
        t += step
    return words


def test_it_measures_words_per_minute_over_the_time_spoken():
    words = timed("one two three four five six seven eight nine ten", start=3.0, step=0.3)  # 10 words in 2.94 s
    measured = delivery.measure([words])
    assert measured.words == 10
    assert measured.speech_seconds == pytest.approx(2.94)  # the silence before the first word is not counted
    assert measured.wpm == pytest.approx(10 / 2.94 * 60)
    assert measured.pace == "fast"


def test_it_labels_slow_steady_and_fast_pace():
    assert delivery.pace(90) == "slow"
    assert delivery.pace(140) == "steady"
    assert delivery.pace(200) == "fast"
    assert delivery.pace(None) == "unknown"


def test_it_gives_no_rate_for_too_little_speech():
    assert delivery.measure([[Word("Yes.", 0.0, 0.4)]]).wpm is None
    assert delivery.measure([]).wpm is None


def test_it_finds_pauses_over_two_seconds_between_words():
    words = timed("I led the migration to Kafka and it worked", gaps={3: 2.5, 7: 1.0})
    measured = delivery.measure([words])
    assert [p.after for p in measured.pauses] == ["the"]
    assert measured.pauses[0].seconds == pytest.approx(2.58)
    assert measured.as_dict()["longest_pause"] == 2.6


def test_it_measures_pauses_inside_a_take_only():
    first, second = timed("I built it", start=0.0), timed("in Python", start=0.5)  # each take has its own clock
    measured = delivery.measure([first, second])
    assert measured.pauses == ()
    assert measured.words == 5
    assert measured.speech_seconds == pytest.approx((first[-1].end - first[0].start) + (second[-1].end - 0.5))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Um, I think, uh, the main thing was the database.", {"um": 1, "uh": 1}),
        ("Umm. Er, we moved it. Erm, hmm.", {"um": 1, "er": 2, "hmm": 1}),
        ("It was, you know, the hardest part.", {"you know": 1}),
        ("You know, I would do it again.", {"you know": 1}),
        ("I never said it was easy, you know.", {"you know": 1}),
        ("Do you know Kafka? You know what I mean.", {}),
        ("We moved it, like, in two weeks.", {"like": 1}),
        ("Like, the team was small.", {"like": 1}),
        ("I like Python and tools like Ruff.", {}),
        ("It was like a maze, like nothing else.", {}),
        ("I worked as an ER nurse for three years.", {}),
        ("", {}),
    ],
)
def test_it_counts_fillers_conservatively(text, expected):
    assert delivery.find_fillers(text) == expected


def test_it_counts_fillers_in_the_words_as_heard():
    measured = delivery.measure([timed("So, um, we shipped it, like, on time, uh, mostly.")])
    assert measured.fillers == {"like": 1, "uh": 1, "um": 1}
    assert measured.filler_count == 3


def test_it_summarises_spoken_answers_for_the_report_and_skips_typed_ones():
    calm = delivery.measure([timed(" ".join(["word"] * 30), step=0.45)]).as_dict()
    halting = delivery.measure([timed("um I uh think, like, it um worked uh", step=0.5, gaps={4: 3.0})]).as_dict()
    block = delivery.summarise([calm, None, {**halting, "heard": "um I uh think"}])
    assert block is not None
    assert (block["spoken"], block["typed"]) == (2, 1)
    assert [a["number"] for a in block["answers"]] == [1, 3]  # each keeps its place in the interview
    assert "heard" not in block["answers"][1]
    assert block["long_pauses"] == 1 and block["longest_pause"] == pytest.approx(3.1)
    assert block["fillers"] == 5 and block["top_fillers"][:2] == [("uh", 2), ("um", 2)]
    assert any("pause" in note for note in block["notes"])
    assert any("filler" in note for note in block["notes"])


def test_it_says_nothing_when_no_answer_was_spoken():
    assert delivery.summarise([None, {}, None]) is None


def test_it_praises_a_steady_fluent_delivery():
    steady = delivery.measure([timed(" ".join(["word"] * 40), step=0.42)]).as_dict()
    block = delivery.summarise([steady])
    assert block is not None and block["pace"] == "steady"
    assert block["notes"] == ["Your pace was steady and your speech fluent: keep it that way."]
