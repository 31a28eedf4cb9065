"""Dialog metrics: BLEU-1/2, ROUGE-L, Distinct-1/2, embedding similarity, grounding, questions, repetition.

Pure functions over lists of strings; corpus-level where the literature is (BLEU, Distinct).
BLEU and ROUGE-L come from the maintained reference implementations (sacrebleu, rouge-score),
so the figures compare with anyone's.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from interviewer.dialog.cleanup import is_repeat
from interviewer.encoders import Encoder
from interviewer.text import key_words, tokens


def _ngrams(words: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def bleu(hypotheses: list[str], references: list[str], n: int) -> float:
    """Corpus BLEU-n in [0, 1]: sacrebleu's BLEU (13a tokenisation, lower-cased), n-grams up to n.

    Comparable with published figures: the same implementation and settings as sacrebleu's
    ``BLEU(max_ngram_order=n, lowercase=True)``.
    """
    from sacrebleu.metrics.bleu import BLEU

    if not hypotheses:
        return 0.0
    metric = BLEU(max_ngram_order=n, lowercase=True)
    return float(metric.corpus_score(list(hypotheses), [list(references)]).score) / 100


def rouge_l(hypotheses: list[str], references: list[str]) -> float:
    """Mean ROUGE-L F1 over pairs, by Google's reference implementation (``rouge-score``)."""
    from rouge_score import rouge_scorer

    if not hypotheses:
        return 0.0
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    scores = [float(scorer.score(ref, hyp)["rougeL"].fmeasure) for hyp, ref in zip(hypotheses, references, strict=True)]
    return sum(scores) / len(scores)


def distinct(hypotheses: list[str], n: int) -> float:
    """Distinct-n: unique n-grams over all n-grams of the generated turns."""
    grams: Counter[tuple[str, ...]] = Counter()
    for hyp in hypotheses:
        grams.update(_ngrams(tokens(hyp), n))
    total = sum(grams.values())
    return len(grams) / total if total else 0.0


def embedding_similarity(hypotheses: list[str], references: list[str], encoder: Encoder) -> float:
    if not hypotheses:
        return 0.0
    h = encoder.encode([x or "-" for x in hypotheses])
    r = encoder.encode([x or "-" for x in references])
    return float(np.mean(np.sum(h * r, axis=1)))


def is_grounded(turn: str, facts: list[str], min_shared: int = 2) -> bool:
    """The turn uses a selected fact: it shares at least ``min_shared`` content words with one (all
    of a shorter fact's; a fact of short words only, such as "AI" or "Go", by those words)."""
    words = set(tokens(turn))
    keys = [key_words(f) for f in facts]
    return any(len(words & k) >= min(min_shared, len(k)) for k in keys if k)


def grounding_rate(hypotheses: list[str], facts: list[list[str]]) -> float:
    """Share of turns that use one of their selected facts, over turns that had facts to use."""
    pairs = [(h, f) for h, f in zip(hypotheses, facts, strict=True) if f]
    return sum(is_grounded(h, f) for h, f in pairs) / len(pairs) if pairs else 0.0


def question_rate(hypotheses: list[str]) -> float:
    return sum("?" in h for h in hypotheses) / len(hypotheses) if hypotheses else 0.0


def repetition_rate(hypotheses: list[str], asked_before: list[list[str]]) -> float:
    """Share of turns that repeat a question the interviewer already asked in that dialog."""
    if not hypotheses:
        return 0.0
    return sum(is_repeat(h, asked) for h, asked in zip(hypotheses, asked_before, strict=True)) / len(hypotheses)


def all_metrics(
    hypotheses: list[str],
    references: list[str],
    facts: list[list[str]],
    asked_before: list[list[str]],
    encoder: Encoder,
) -> dict[str, float]:
    return {
        "bleu1": bleu(hypotheses, references, 1),
        "bleu2": bleu(hypotheses, references, 2),
        "rouge_l": rouge_l(hypotheses, references),
        "distinct1": distinct(hypotheses, 1),
        "distinct2": distinct(hypotheses, 2),
        "embedding_similarity": embedding_similarity(hypotheses, references, encoder),
        "grounding_rate": grounding_rate(hypotheses, facts),
        "question_rate": question_rate(hypotheses),
        "repetition_rate": repetition_rate(hypotheses, asked_before),
        "turns": float(len(hypotheses)),
    }
