"""Dialog metrics against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from interviewer.dialog import metrics
from interviewer.encoders import HashingEncoder

HYP = "the cat sat on the mat"
REF = "the cat is on the mat"


def test_it_scores_bleu_like_the_definition():
    # Unigrams: 5 of 6 match; bigrams: "the cat", "on the", "the mat" = 3 of 5; same length, no penalty.
    assert metrics.bleu([HYP], [REF], 1) == pytest.approx(5 / 6, abs=1e-4)
    assert metrics.bleu([HYP], [REF], 2) == pytest.approx(math.sqrt(5 / 6 * 3 / 5), abs=1e-4)
    assert metrics.bleu([REF], [REF], 2) == pytest.approx(1.0)
    assert metrics.bleu(["zebra"], [REF], 2) == 0.0


def test_it_applies_the_brevity_penalty_to_short_hypotheses():
    # "the cat" against a 6-word reference: perfect precision, penalty exp(1 - 6/2).
    assert metrics.bleu(["the cat"], [REF], 2) == pytest.approx(math.exp(1 - 6 / 2), abs=1e-4)


def test_it_scores_rouge_l_from_the_longest_common_subsequence():
    # LCS "the cat on the mat" = 5 words of 6 on each side: P = R = F = 5/6.
    assert metrics.rouge_l([HYP], [REF]) == pytest.approx(5 / 6, abs=1e-4)
    assert metrics.rouge_l([HYP, REF], [REF, REF]) == pytest.approx((5 / 6 + 1) / 2, abs=1e-4)
    assert metrics.rouge_l(["nothing shared"], [REF]) == 0.0


def test_it_counts_distinct_n_grams():
    assert metrics.distinct(["a b a b"], 1) == pytest.approx(2 / 4)
    assert metrics.distinct(["a b a b"], 2) == pytest.approx(2 / 3)


def test_it_calls_a_turn_grounded_when_it_names_its_fact():
    facts = ["Production PostgreSQL database experience"]
    assert metrics.is_grounded("How have you run PostgreSQL databases in production?", facts)
    assert not metrics.is_grounded("What is your favourite colour?", facts)
    assert metrics.grounding_rate(["How did PostgreSQL production go?", "Hi?"], [facts, []]) == 1.0


@pytest.mark.parametrize(
    ("turn", "fact", "grounded"),
    [
        ("Which services have you written in C#?", "C#", True),
        ("Which services have you written in C?", "C#", False),
        ("Where have you used C++ and F# together?", "C++ or F#", True),
        ("How have you put AI models into production?", "AI", True),
        ("How have you put models into production?", "AI", False),
    ],
)
def test_it_names_a_fact_of_short_words_by_those_words(turn, fact, grounded):
    # "C#" used to read as the letter c, and a fact of short words had no words to name it by:
    # every probe of such a skill was refused and fell back to a template.
    assert metrics.is_grounded(turn, [fact]) is grounded


def test_it_reports_every_metric_together():
    out = metrics.all_metrics([HYP], [REF], [[REF]], [[]], HashingEncoder())
    assert set(out) >= {"bleu1", "bleu2", "rouge_l", "distinct1", "distinct2", "embedding_similarity"}
    assert out["turns"] == 1.0
