"""Training data: JSONL schemas, loading with clear errors, and fixed splits."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path


class DataError(ValueError):
    """A training file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Pair:
    resume_fact: str
    job_requirement: str
    occupation: str = ""


def read_jsonl(path: Path) -> list[dict]:  # type: ignore[type-arg]
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise DataError(f"{path}:{number}: each line must be a JSON object")
        rows.append(row)
    if not rows:
        raise DataError(f"{path}: the file is empty")
    return rows


def load_pairs(path: Path) -> list[Pair]:
    pairs = []
    for number, row in enumerate(read_jsonl(path), start=1):
        fact, requirement = row.get("resume_fact"), row.get("job_requirement")
        if not isinstance(fact, str) or not isinstance(requirement, str) or not fact.strip() or not requirement.strip():
            raise DataError(f"{path}: record {number} needs non-empty 'resume_fact' and 'job_requirement' strings")
        pairs.append(Pair(fact.strip(), requirement.strip(), str(row.get("occupation") or "")))
    return pairs


def stable_fraction(key: str) -> float:
    """A number in [0, 1) fixed by ``key``: the basis of every split here."""
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) / 2**32


def split_pairs(pairs: list[Pair], test_fraction: float = 0.2) -> tuple[list[Pair], list[Pair]]:
    """Split by requirement, so no requirement (or its exact text) is in both halves."""
    train = [p for p in pairs if stable_fraction(p.job_requirement) >= test_fraction]
    test = [p for p in pairs if stable_fraction(p.job_requirement) < test_fraction]
    test_facts = {p.resume_fact for p in test}
    train = [p for p in train if p.resume_fact not in test_facts]
    return train, test


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
