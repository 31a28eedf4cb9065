"""Fit the learned judge of coverage (interviewer.matching.coverage_model) on labelled judgements.

1. Data, all written by this project: (resume, posting, requirement, label) judgements in
   ``training/data/coverage.jsonl`` of the fixtures' resumes against their postings' requirements,
   and of the longer software and IT resumes of ``training/data/resumes/`` against postings'
   requirement lines written for them (labels ``covered``, ``partly``, ``not``; ``na``, a piece
   that is no requirement, is left out).
   Each resume is read and parsed as the app reads it; each requirement is judged against it by
   the selector (:meth:`interviewer.matching.selector.KnowledgeSelector.judged`): the rules' verdict and
   what the learned judge reads.
2. Split by resume: every fifth resume is the test set.
3. Features: :func:`interviewer.matching.coverage_model.features` on the selector's encoder.
4. Model: multinomial L2 logistic regression (scikit-learn); served with numpy.
5. Threshold: the P(covered or partly) that gives the best F1 of "shown" (covered or partly vs not)
   in held-back predictions of the training resumes (five folds by resume) among those whose
   precision is at least ``min_precision``; measured on the test resumes, then refitted on
   everything.
6. Save the weights and the test figures as JSON.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interviewer import softmax
from interviewer.documents.base import RESUME, ParsedFact
from interviewer.documents.extract import ExtractionLimits
from interviewer.documents.reading import read_document
from interviewer.encoders import Encoder
from interviewer.matching.coverage_model import LABELS, CoverageJudge, Evidence, features, settled
from interviewer.matching.selector import FactRef, FactSet, KnowledgeSelector
from training.data import read_jsonl

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CoverageArguments:
    output: Path = field(metadata={"help": "where the judge's JSON goes"})
    judgements: Path = ROOT / "training" / "data" / "coverage.jsonl"
    resumes: Path = ROOT / "fixtures" / "resumes"
    more_resumes: Path = ROOT / "training" / "data" / "resumes"  # those written for training only
    c: float = 1.0
    min_precision: float = 0.9


def fact_set(facts: Sequence[ParsedFact], source: str, encoder: Encoder) -> FactSet:
    """Parsed facts as the selector sees them, embedded (no database: training and evaluation)."""
    refs = [
        FactRef(i, source, f.section, f.text, f.position, f.askable, f.context, f.kind) for i, f in enumerate(facts)
    ]
    vectors = encoder.encode([f.text for f in facts]) if facts else encoder.encode(["-"])[:0]
    return FactSet(refs, vectors)


def read_rows(args: CoverageArguments, encoder: Encoder) -> list[tuple[str, Evidence, str]]:
    """(resume, what the judge reads, label) of every labelled judgement whose resume can be read."""
    by_resume: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in read_jsonl(args.judgements):
        if row["label"] not in (*LABELS, "na"):
            raise ValueError(f"unknown label {row['label']!r}; use {LABELS} or na")
        if row["label"] != "na":
            by_resume[str(row["resume"])].append(row)
    selector = KnowledgeSelector(encoder)
    out = []
    for name, rows in sorted(by_resume.items()):
        path = args.resumes / name
        if not path.is_file() and (args.more_resumes / name).is_file():
            path = args.more_resumes / name
        digest = read_document(RESUME, path.read_bytes(), "", name, ExtractionLimits(), 400)
        resume = fact_set(digest.facts, "resume", encoder)
        job = fact_set(
            [ParsedFact("requirements", str(r["requirement"]), n) for n, r in enumerate(rows)], "job", encoder
        )
        for (_item, read, _facts), row in zip(selector.judged(resume, job), rows, strict=True):
            out.append((name, read, str(row["label"])))
    return out


def shown_figures(truth: np.ndarray, shown: np.ndarray) -> tuple[float, float, float]:
    """(precision, recall, F1) of "shown" predictions."""
    hits = float((truth & shown).sum())
    precision = hits / shown.sum() if shown.sum() else 1.0
    recall = hits / truth.sum() if truth.sum() else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 3), round(recall, 3), round(f1, 3)


def p_shown(model: Any, rows: list[tuple[str, Evidence, str]]) -> np.ndarray:
    """P(covered or partly) of each row: 1 or 0 where the rules settle it, else the model's."""
    out = np.array([{"": -1.0, "gap": 0.0}.get(settled(read), 1.0) for _n, read, _l in rows])
    open_rows = [i for i, v in enumerate(out) if v < 0]
    if open_rows:
        shown = np.array([k != "not" for k in model.classes_])
        x = np.vstack([features(rows[i][1]) for i in open_rows])
        out[open_rows] = model.predict_proba(x)[:, shown].sum(axis=1)
    return out


def fit(rows: list[tuple[str, Evidence, str]], c: float) -> Any:
    """The regression on the rows the rules leave open."""
    from sklearn.linear_model import LogisticRegression

    open_rows = [r for r in rows if not settled(r[1])]
    x = np.vstack([features(read) for _n, read, _l in open_rows])
    return LogisticRegression(C=c, max_iter=5000).fit(x, [label for _n, _r, label in open_rows])


def choose_threshold(rows: list[tuple[str, Evidence, str]], c: float, min_precision: float) -> float:
    """The threshold of P(covered or partly) with the best held-back F1 (five folds by resume) among
    those at least ``min_precision`` precise (the most precise when none is)."""
    from sklearn.model_selection import GroupKFold

    names = sorted({n for n, _r, _l in rows})
    groups = np.array([names.index(n) for n, _r, _l in rows])
    held_back = np.zeros(len(rows))
    for fit_rows, back_rows in GroupKFold(n_splits=min(5, len(names))).split(groups, groups, groups):
        fold = fit([rows[i] for i in fit_rows], c)
        held_back[back_rows] = p_shown(fold, [rows[i] for i in back_rows])
    truth = np.array([label != "not" for _n, _r, label in rows])
    scored = [(t, shown_figures(truth, held_back >= t)) for t in np.round(np.arange(0.3, 0.91, 0.05), 2)]
    good = [(f[2], t) for t, f in scored if f[0] >= min_precision]
    if good:
        return float(max(good)[1])
    return float(max(scored, key=lambda s: s[1][0])[0])


def main(args: CoverageArguments, encoder: Encoder, log: Any = print) -> dict[str, Any]:
    # 1. Data
    rows = read_rows(args, encoder)
    resumes = sorted({name for name, _r, _l in rows})
    log(f"{len(rows)} labelled judgements of {len(resumes)} resumes")

    # 2. Split by resume
    test_resumes = {name for i, name in enumerate(resumes) if i % 5 == 4}
    train = [r for r in rows if r[0] not in test_resumes]
    test = [r for r in rows if r[0] in test_resumes]

    # 3-5. Fit; the threshold from held-back predictions of the training resumes
    threshold = choose_threshold(train, args.c, args.min_precision)
    model = fit(train, args.c)
    truth = np.array([label != "not" for _n, _r, label in test])
    precision, recall, f1 = shown_figures(truth, p_shown(model, test) >= threshold)
    metrics: dict[str, object] = {"test_resumes": len(test_resumes), "test_judgements": len(test)}
    metrics |= {"shown_precision": precision, "shown_recall": recall, "shown_f1": f1, "threshold": threshold}
    metrics |= {"train_judgements": len(train), "left_to_the_model": sum(not settled(r) for _n, r, _l in rows)}
    metrics |= {"encoder": encoder.model_id}
    log(f"test resumes: covered or partly at P >= {threshold}: precision {precision}, recall {recall}")

    # 6. Refit on everything and save
    model = fit(rows, args.c)
    judge = CoverageJudge(encoder.model_id, *softmax.fitted(model), threshold, metrics)
    judge.save(Path(args.output))
    return metrics
