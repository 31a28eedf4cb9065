"""The critic: a small learned judge of a whole interviewer turn, ok or not, given its act, its facts
and the answer before it.

It is a logistic regression on the selector's encoder (training/train_critic.py fits it on turns
decoded for the fixture dialogs and labelled ok / odd / bad with a reason), over features that say
what the hand rules cannot: the turn's embedding, how it relates to its facts and to the answer
(element-wise products, cosines), its act and its shape. Its weights are plain numbers in a JSON
file (``models/critic/critic.json``), read with numpy: nothing to import at serving time but the
encoder the turns are embedded with anyway. A critic fitted with another encoder is not used.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interviewer.encoders import Encoder
from interviewer.vocabulary import Act

ACTS = tuple(Act)


@dataclass(frozen=True)
class Turn:
    """What the critic judges: a turn's words and what it was asked to do."""

    act: Act
    text: str
    facts: Sequence[str] = ()
    answer: str = ""


def features(turns: Sequence[Turn], encoder: Encoder) -> np.ndarray:
    """One row per turn: [text, text*facts, text*answer, cos(text, facts), cos(text, answer), act
    one-hot, has a question mark, words / 40, has facts, has an answer]."""
    if not turns:
        return np.zeros((0, 0), dtype=np.float32)
    texts = [t.text for t in turns]
    facts = [" ".join(t.facts) for t in turns]
    answers = [t.answer for t in turns]
    vectors = encoder.encode(texts + [f or "-" for f in facts] + [a or "-" for a in answers])
    n = len(turns)
    own, fact, answer = vectors[:n], vectors[n : 2 * n], vectors[2 * n :]
    has_facts = np.array([[bool(f)] for f in facts], dtype=np.float32)
    has_answer = np.array([[bool(a)] for a in answers], dtype=np.float32)
    fact, answer = fact * has_facts, answer * has_answer
    acts = np.array([[float(t.act is a) for a in ACTS] for t in turns], dtype=np.float32)
    shape = np.array([["?" in t.text, min(2.0, len(t.text.split()) / 40)] for t in turns], dtype=np.float32)
    cosines = np.stack([(own * fact).sum(1), (own * answer).sum(1)], axis=1)
    return np.hstack([own, own * fact, own * answer, cosines, acts, shape, has_facts, has_answer]).astype(np.float32)


@dataclass
class Critic:
    """A fitted critic: ``weights`` and ``bias`` of the logistic regression, features standardised
    with ``mean`` and ``scale``; a turn is refused when P(not ok) >= ``threshold``."""

    encoder_id: str
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray
    threshold: float
    metrics: dict[str, object]

    def not_ok(self, turns: Sequence[Turn], encoder: Encoder) -> np.ndarray:
        """P(not ok) of each turn."""
        x = (features(turns, encoder) - self.mean) / self.scale
        return np.asarray(1.0 / (1.0 + np.exp(-(x @ self.weights + self.bias))), dtype=np.float64)

    def refuses(self, turn: Turn, encoder: Encoder) -> bool:
        return bool(self.not_ok([turn], encoder)[0] >= self.threshold)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "encoder_id": self.encoder_id,
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": float(self.bias),
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
            "threshold": self.threshold,
            "metrics": self.metrics,
        }
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Critic:
        """Raises OSError or ValueError when the file is missing or not a critic."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(
            str(data["encoder_id"]),
            np.asarray(data["weights"], dtype=np.float32),
            float(data["bias"]),
            np.asarray(data["mean"], dtype=np.float32),
            np.asarray(data["scale"], dtype=np.float32),
            float(data["threshold"]),
            dict(data.get("metrics", {})),
        )
