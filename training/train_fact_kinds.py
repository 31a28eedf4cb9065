"""Fit the classifier of a posting's pieces (interviewer.documents.fact_kinds) on labelled pieces.

1. Data, all written by this project: postings (``fixtures/jobs`` and ``training/data/postings``)
   parsed as the app parses them, each piece labelled in ``training/data/posting_pieces.jsonl``
   (matched by its text; a piece the parser no longer yields is left out), and single sentences
   labelled in ``training/data/posting_sentences.jsonl`` (no section, no place: the embedding speaks).
2. Split by posting: every fifth posting is the test set (sentences always train).
3. Features: ``interviewer.documents.fact_kinds.features`` on the selector's encoder.
4. Model: multinomial L2 logistic regression (scikit-learn); served with numpy.
5. Threshold: the lowest P(not askable) from 0.5 up whose refusals are at least ``min_precision`` right in
   held-back predictions of the training postings (five folds by posting); measured on the test
   postings, then refitted on everything.
6. Save the weights and the test figures as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interviewer import softmax
from interviewer.documents.base import JOB
from interviewer.documents.fact_kinds import KINDS, NOT_ASKABLE, FactKinds, Piece, features, pieces_of
from interviewer.documents.facts import boilerplate_kind
from interviewer.documents.parse import parse_document
from interviewer.encoders import Encoder

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "training" / "data"


@dataclass
class FactKindsArguments:
    output: Path = field(metadata={"help": "where the classifier's JSON goes"})
    postings: list[Path] = field(
        default_factory=lambda: (
            sorted((ROOT / "fixtures" / "jobs").glob("*.md")) + sorted((DATA / "postings").glob("*.txt"))
        )
    )
    pieces: Path = DATA / "posting_pieces.jsonl"
    sentences: Path = DATA / "posting_sentences.jsonl"
    c: float = 4.0
    min_precision: float = 0.9


def key(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .,;:!?-–—•*\"'“”")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def labelled_postings(paths: Sequence[Path], labels: dict[tuple[str, str], str]) -> list[list[tuple[Piece, str]]]:
    """Each posting's pieces as the parser cuts them, with their labels (unlabelled pieces left out)."""
    out = []
    for path in paths:
        facts = parse_document(path.read_text(encoding="utf-8"), JOB).facts
        pieces = pieces_of([f.section for f in facts], [f.text for f in facts], [f.askable for f in facts])
        rows = [(p, labels[(path.name, key(p.text))]) for p in pieces if (path.name, key(p.text)) in labels]
        if rows:
            out.append(rows)
    return out


def precision_recall(truth: np.ndarray, refused: np.ndarray) -> tuple[float, float]:
    hits = float((truth & refused).sum())
    return (
        round(hits / refused.sum(), 3) if refused.sum() else 1.0,
        round(hits / truth.sum(), 3) if truth.sum() else 1.0,
    )


def choose_threshold(x: np.ndarray, y: list[str], groups: np.ndarray, c: float, min_precision: float) -> float:
    """The lowest P(not askable), from 0.5 (the likelier side) up, whose refusals are at least
    ``min_precision`` right in held-back predictions (five folds by posting); 0.9 when none is."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    held_back = np.zeros(len(y))
    for fit_rows, back_rows in GroupKFold(n_splits=5).split(x, y, groups):
        fold = LogisticRegression(C=c, max_iter=5000).fit(x[fit_rows], [y[i] for i in fit_rows])
        refused = np.array([k in NOT_ASKABLE for k in fold.classes_])
        held_back[back_rows] = fold.predict_proba(x[back_rows])[:, refused].sum(axis=1)
    truth = np.array([label in NOT_ASKABLE for label in y])
    for candidate in np.round(np.arange(0.5, 0.91, 0.05), 2):
        if precision_recall(truth, held_back >= candidate)[0] >= min_precision:
            return float(candidate)
    return 0.9


def main(args: FactKindsArguments, encoder: Encoder, log: Any = print) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    # 1. Data
    labels = {(str(r["doc"]), key(str(r["text"]))): str(r["label"]) for r in read_jsonl(args.pieces)}
    postings = labelled_postings(args.postings, labels)
    sentences = [
        (Piece(str(r["text"]), "", boilerplate_kind(str(r["text"])) is None, 0.5), str(r["label"]))
        for r in read_jsonl(args.sentences)
    ]
    unknown = {label for rows in postings for _p, label in rows} | {label for _p, label in sentences}
    if unknown - set(KINDS):
        raise ValueError(f"unknown labels {sorted(unknown - set(KINDS))}; use {KINDS}")
    log(f"{sum(len(p) for p in postings)} labelled pieces of {len(postings)} postings, {len(sentences)} sentences")

    # 2. Split by posting
    test = [rows for i, rows in enumerate(postings) if i % 5 == 4]
    train = [rows for i, rows in enumerate(postings) if i % 5 != 4] + [sentences]

    def xy(groups: list[list[tuple[Piece, str]]]) -> tuple[np.ndarray, list[str]]:
        rows = [row for group in groups for row in group]
        pieces = [p for p, _ in rows]
        return features(pieces, encoder.encode([p.text for p in pieces])), [label for _, label in rows]

    # 3-4. Fit; the threshold from held-back predictions of the training postings (grouped by posting)
    x_train, y_train = xy(train)
    x_test, y_test = xy(test)
    groups = np.array([i for i, group in enumerate(train) for _ in group])
    threshold = choose_threshold(x_train, y_train, groups, args.c, args.min_precision)
    model = LogisticRegression(C=args.c, max_iter=5000).fit(x_train, y_train)
    kinds = tuple(str(k) for k in model.classes_)
    refused_kinds = np.array([k in NOT_ASKABLE for k in kinds])
    truth = np.array([y in NOT_ASKABLE for y in y_test])
    p_not = model.predict_proba(x_test)[:, refused_kinds].sum(axis=1)
    precision, recall = precision_recall(truth, p_not >= threshold)
    accuracy = float(np.mean(model.predict(x_test) == np.array(y_test)))
    metrics: dict[str, object] = {"test_postings": len(test), "test_pieces": len(y_test)}
    metrics |= {"not_askable_precision": precision, "not_askable_recall": recall, "kind_accuracy": round(accuracy, 3)}
    metrics |= {"threshold": threshold, "train_pieces": len(y_train), "encoder": encoder.model_id}
    log(f"test postings: not askable at P >= {threshold}: precision {precision}, recall {recall}; kinds {accuracy:.3f}")

    # 5-6. Refit on everything and save
    x_all, y_all = xy([*train[:-1], *test, sentences])
    model = LogisticRegression(C=args.c, max_iter=5000).fit(x_all, y_all)
    classifier = FactKinds(encoder.model_id, *softmax.fitted(model), threshold, metrics)
    classifier.save(Path(args.output))
    return metrics
