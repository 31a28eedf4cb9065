"""A softmax regression fitted with scikit-learn and served with numpy: the arithmetic and the JSON
file shared by the app's small classifiers (:mod:`interviewer.documents.fact_kinds`,
:mod:`interviewer.matching.coverage_model`). Pure: no Django."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


def probabilities(rows: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """(rows, classes) probabilities of feature rows."""
    logits = np.asarray(rows, dtype=np.float64) @ weights + bias
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float64)


def fitted(model: Any) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """(classes, weights as features x classes, bias) of a fitted scikit-learn LogisticRegression."""
    return (
        tuple(str(k) for k in model.classes_),
        np.asarray(model.coef_, dtype=np.float64).T,
        np.asarray(model.intercept_, dtype=np.float64),
    )


def save(path: Path, names: str, classes: Sequence[str], weights: np.ndarray, bias: np.ndarray, **fields: Any) -> None:
    """Write the classes (under the key ``names``), the weights and bias rounded, and ``fields``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {names: list(classes), "weights": np.round(weights, 5).tolist(), "bias": np.round(bias, 5).tolist()}
    path.write_text(json.dumps({**fields, **data}, separators=(",", ":")) + "\n", encoding="utf-8")


def load(path: Path, names: str) -> tuple[dict[str, Any], tuple[str, ...], np.ndarray, np.ndarray]:
    """(the file's fields, classes, weights, bias). Raises OSError, ValueError or KeyError when the file
    is missing or its weights do not fit its classes."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    classes = tuple(str(k) for k in data[names])
    weights = np.asarray(data["weights"], dtype=np.float64)
    bias = np.asarray(data["bias"], dtype=np.float64)
    if weights.ndim != 2 or weights.shape[1] != len(classes) or bias.shape != (len(classes),):
        raise ValueError(f"{path}: weights of shape {weights.shape} do not fit {len(classes)} {names}")
    return data, classes, weights, bias
