"""Fit the critic (interviewer.dialog.critic) on labelled candidate turns of the fixture dialogs.

1. Data: items from ``training.critic_data`` joined with their labels (ok / odd / bad); "not ok" is
   odd or bad. The split is the items' own (by dialog): train, dev, test.
2. Features: ``interviewer.dialog.critic.features`` on the selector's encoder.
3. Model: L2 logistic regression (scikit-learn), the classes weighted to balance.
4. Threshold: on dev, the lowest P(not ok) whose refusals are at least ``min_precision`` right.
5. Evaluate: precision and recall of "not ok" on test (never seen while fitting or choosing).
6. Save: weights, standardisation, threshold and metrics as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.dialog.critic import Critic, Turn, features
from interviewer.encoders import Encoder
from interviewer.vocabulary import Act

SPLITS = ("train", "dev", "test")


@dataclass
class CriticArguments:
    items: list[Path] = field(metadata={"help": "candidate turns (critic_data), JSON lines, one file or more"})
    labels: list[Path] = field(metadata={"help": "labels: JSON lines of id, rating (ok|odd|bad), reason"})
    output: Path = field(metadata={"help": "where the critic's JSON goes"})
    c: float = field(default=0.5, metadata={"help": "inverse L2 strength of the logistic regression"})
    min_precision: float = field(default=0.8, metadata={"help": "precision the refusals must reach on dev"})


def labelled(items: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> list[tuple[Mapping[str, Any], int]]:
    """(item, 1 when not ok) for every item that has a label."""
    return [(item, int(labels[str(item["id"])] != "ok")) for item in items if str(item["id"]) in labels]


def _rows(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The JSON lines of every file in ``paths``, in order (blank lines skipped)."""
    return [
        json.loads(line)
        for path in paths
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def turn_of(item: Mapping[str, Any]) -> Turn:
    return Turn(
        Act(str(item["act"])),
        str(item["text"]),
        [str(f["text"]) for f in item.get("facts") or []],
        str(item.get("previous_answer") or ""),
    )


def precision_recall(truth: np.ndarray, refused: np.ndarray) -> tuple[float, float]:
    """Precision and recall of refusing the turns that are not ok."""
    hits = float((truth & refused).sum())
    precision = hits / refused.sum() if refused.sum() else 1.0
    recall = hits / truth.sum() if truth.sum() else 1.0
    return round(precision, 3), round(recall, 3)


def choose_threshold(truth: np.ndarray, scores: np.ndarray, min_precision: float) -> float:
    """The lowest threshold whose refusals are at least ``min_precision`` right (0.5 when none is)."""
    for threshold in np.round(np.arange(0.3, 0.96, 0.01), 2):
        refused = scores >= threshold
        if refused.sum() and precision_recall(truth, refused)[0] >= min_precision:
            return float(threshold)
    return 0.5


def main(args: CriticArguments, encoder: Encoder, log: Any = print) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    # 1. Data
    items = _rows(args.items)
    ratings = {str(row["id"]): str(row["rating"]).lower() for row in _rows(args.labels)}
    data = {split: labelled([i for i in items if i["split"] == split], ratings) for split in SPLITS}
    counts = {split: (len(rows), sum(y for _, y in rows)) for split, rows in data.items()}
    log(f"labelled turns (all, not ok): {counts}")
    if not data["train"] or not data["test"]:
        raise ValueError("the critic needs labelled train and test items")

    # 2. Features
    x = {s: features([turn_of(i) for i, _ in rows], encoder) for s, rows in data.items() if rows}
    y = {s: np.array([label for _, label in rows], dtype=bool) for s, rows in data.items() if rows}
    mean = x["train"].mean(axis=0)
    scale = x["train"].std(axis=0) + 1e-6

    # 3. Model
    model = LogisticRegression(C=args.c, class_weight="balanced", max_iter=2000)
    model.fit((x["train"] - mean) / scale, y["train"])
    critic = Critic(encoder.model_id, model.coef_[0], float(model.intercept_[0]), mean, scale, 0.5, {})

    # 4. Threshold on dev
    def scores(split: str) -> np.ndarray:
        return np.asarray(1 / (1 + np.exp(-(((x[split] - mean) / scale) @ critic.weights + critic.bias))))

    tune = "dev" if "dev" in x else "train"
    critic.threshold = choose_threshold(y[tune], scores(tune), args.min_precision)

    # 5. Evaluate on test
    metrics: dict[str, object] = {"threshold": critic.threshold, "counts": counts, "encoder": encoder.model_id}
    for split in x:
        p, r = precision_recall(y[split], scores(split) >= critic.threshold)
        metrics[split] = {"precision_not_ok": p, "recall_not_ok": r, "not_ok_share": round(float(y[split].mean()), 3)}
        log(f"{split}: refusing P(not ok) >= {critic.threshold}: precision {p}, recall {r}")
    critic.metrics = metrics

    # 6. Save
    critic.save(Path(args.output))
    return metrics
