"""Training data: JSONL schemas, loading with clear errors, and fixed splits."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.vocabulary import Act


class DataError(ValueError):
    """A training file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Pair:
    resume_fact: str
    job_requirement: str
    occupation: str = ""


def read_jsonl(path: Path) -> list[dict[str, Any]]:
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


# ---------------------------------------------------------------------------
# Fixture catalog and interview dialogs

ACTS = tuple(Act)
SPLITS = ("train", "validation", "test")


def catalog(fixtures_dir: Path) -> list[dict[str, Any]]:
    """All fixture catalog entries (fixtures/catalog/*.json), each with ``kind`` and ``occupation``."""
    entries = []
    for path in sorted(Path(fixtures_dir, "catalog").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for job in data.get("jobs", []):
            entries.append({**job, "kind": "job", "occupation": data["occupation"]})
        for resume in data.get("resumes", []):
            entries.append({**resume, "kind": "resume", "occupation": data["occupation"]})
    return entries


@dataclass(frozen=True)
class DialogTurn:
    role: str
    text: str
    act: Act | None = None
    grounding: tuple[tuple[str, str], ...] = ()  # (source, text)


@dataclass(frozen=True)
class Dialog:
    id: str
    occupation: str
    job: str
    resume: str
    split: str
    turns: tuple[DialogTurn, ...]


def load_dialogs(path: Path) -> list[Dialog]:
    """Interview dialogs (schema in README); raises DataError naming the dialog that is wrong."""
    dialogs = []
    for number, row in enumerate(read_jsonl(path), start=1):
        where = f"{path}: dialog {row.get('id', number)!r}"
        turns = []
        for t in row.get("turns") or []:
            role, text = t.get("role"), (t.get("text") or "").strip()
            if role not in ("interviewer", "candidate") or not text:
                raise DataError(f"{where}: every turn needs role interviewer|candidate and text")
            act = None
            if role == "interviewer":
                try:
                    act = Act(t.get("act", ""))
                except ValueError:
                    raise DataError(f"{where}: unknown act {t.get('act')!r}; use one of {', '.join(ACTS)}") from None
            grounding = tuple((g["source"], g["text"]) for g in t.get("grounding") or [])
            turns.append(DialogTurn(role, text, act, grounding))
        if len(turns) < 2 or turns[0].role != "interviewer":
            raise DataError(f"{where}: needs at least 2 turns, starting with the interviewer")
        split = row.get("split", "train")
        if split not in SPLITS:
            raise DataError(f"{where}: split must be one of {', '.join(SPLITS)}")
        dialogs.append(
            Dialog(
                str(row.get("id", number)),
                row.get("occupation", ""),
                row.get("job", ""),
                row.get("resume", ""),
                split,
                tuple(turns),
            )
        )
    return dialogs


@dataclass(frozen=True)
class Example:
    """One interviewer turn to predict from its context."""

    dialog_id: str
    job_title: str
    company: str
    stage: Act
    facts: tuple[tuple[str, str], ...]
    history: tuple[tuple[str, str], ...]
    target: str


def examples(dialogs: list[Dialog], jobs: dict[str, dict[str, Any]]) -> list[Example]:
    """Every interviewer turn after the first one of each dialog, with the turns before it."""
    out = []
    for d in dialogs:
        job = jobs.get(d.job, {})
        for i, turn in enumerate(d.turns):
            if turn.act is None:  # a candidate turn
                continue
            history = tuple((t.role, t.text) for t in d.turns[:i])
            out.append(
                Example(
                    d.id, job.get("title", "open"), job.get("company", ""), turn.act, turn.grounding, history, turn.text
                )
            )
    return out


def subsample(dialogs: list[Dialog], fraction: float) -> list[Dialog]:
    """A fixed, nested share of dialogs: the 1/8 set is inside the 1/4 set, and so on."""
    if not 0 < fraction <= 1:
        raise DataError(f"--data-fraction must be in (0, 1], got {fraction}")
    ranked = sorted(dialogs, key=lambda d: stable_fraction("subsample:" + d.id))
    return ranked[: max(1, round(len(ranked) * fraction))]
