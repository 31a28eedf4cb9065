"""Dialog metrics: BLEU-1/2, ROUGE-L, Distinct-1/2, embedding similarity, grounding, questions, repetition.

Pure functions over lists of strings; corpus-level where the literature is (BLEU, Distinct).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from interviewer.encoders import Encoder
from interviewer.generator import is_repeat

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    "a an the and or but of to in on at for with by from as is are was were be been being it its this that these "
    "those you your yours i me my we our us they them their he she his her what which who whom how why when where "
    "do does did have has had can could would should will shall may might must not no so if then than there here "
    "about into over under up down out more most some any all each very just also tell me walk through give "
    "experience role team work".split()
)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _ngrams(words: list[str], n: int) -> Counter:  # type: ignore[type-arg]
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def bleu(hypotheses: list[str], references: list[str], n: int) -> float:
    """Corpus BLEU-n (uniform weights over 1..n, brevity penalty), in [0, 1]."""
    matched = [0] * n
    total = [0] * n
    hyp_len = ref_len = 0
    for hyp, ref in zip(hypotheses, references, strict=True):
        h, r = tokens(hyp), tokens(ref)
        hyp_len += len(h)
        ref_len += len(r)
        for k in range(1, n + 1):
            hc, rc = _ngrams(h, k), _ngrams(r, k)
            matched[k - 1] += sum(min(c, rc[g]) for g, c in hc.items())
            total[k - 1] += max(0, len(h) - k + 1)
    if hyp_len == 0 or any(t == 0 for t in total) or any(m == 0 for m in matched):
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matched, total, strict=True)) / n
    brevity = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return brevity * math.exp(log_precision)


def _lcs(a: list[str], b: list[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(hypotheses: list[str], references: list[str]) -> float:
    """Mean ROUGE-L F1 over pairs."""
    scores = []
    for hyp, ref in zip(hypotheses, references, strict=True):
        h, r = tokens(hyp), tokens(ref)
        lcs = _lcs(h, r) if h and r else 0
        if lcs == 0:
            scores.append(0.0)
            continue
        precision, recall = lcs / len(h), lcs / len(r)
        scores.append(2 * precision * recall / (precision + recall))
    return sum(scores) / len(scores) if scores else 0.0


def distinct(hypotheses: list[str], n: int) -> float:
    """Distinct-n: unique n-grams over all n-grams of the generated turns."""
    grams: Counter = Counter()  # type: ignore[type-arg]
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


def content_words(text: str) -> set[str]:
    return {w for w in tokens(text) if w not in STOPWORDS and len(w) > 2}


def is_grounded(turn: str, facts: list[str], min_shared: int = 2) -> bool:
    """The turn uses a selected fact: it shares at least ``min_shared`` content words with one."""
    words = content_words(turn)
    return any(
        len(words & content_words(f)) >= min(min_shared, len(content_words(f))) for f in facts if content_words(f)
    )


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
