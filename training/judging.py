"""Blind judging of interviewer turns: every system's turns shuffled together, each shown with only
its act, its facts and the answer before it, rated ok / odd / bad with a reason by someone who
cannot see which system wrote it (docs/judging.md has the protocol).

``pack`` turns the runs of ``manage.py evaluate_interviews --json`` into a sheet for the judge
(``sheet.jsonl``: one item a line, no system named) and a key kept apart (``key.json``: which
system, interview and turn each item is). ``score`` joins the judge's labels with the key.
"""

from __future__ import annotations

import json
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

RATINGS = ("ok", "odd", "bad")
ANSWER_CHARS = 600  # the previous answer as the judge sees it


@dataclass(frozen=True)
class Item:
    """One interviewer turn as the judge sees it."""

    id: str
    act: str
    facts: list[dict[str, str]]  # {"source": "job" | "resume", "text": ...}
    previous_answer: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "act": self.act,
            "facts": self.facts,
            "previous_answer": self.previous_answer,
            "text": self.text,
        }


def pack(runs: Mapping[str, Any], seed: int = 0) -> tuple[list[Item], dict[str, dict[str, Any]]]:
    """(the judge's items, shuffled; the key: item id -> system, interview, turn index, source, latencies).

    ``runs`` maps a run's name to its ``evaluate_interviews --json`` payload (``{system: {"samples": ...}}``);
    several files may hold the same system, so the key names the run and the system.
    """
    found: list[tuple[Item, dict[str, Any]]] = []
    for run_name, payload in runs.items():
        for system, result in payload.items():
            for number, interview in enumerate(result.get("samples", [])):
                answer = ""
                for index, turn in enumerate(interview):
                    if turn["role"] != "interviewer":
                        answer = turn["text"]
                        continue
                    facts = [{"source": s, "text": t} for s, t in turn.get("grounding") or []]
                    if not facts:
                        facts = [{"source": "?", "text": t} for t in turn.get("facts") or []]
                    item = Item("", turn.get("act") or "", facts, answer[:ANSWER_CHARS], turn["text"])
                    where = {
                        "run": run_name,
                        "system": system,
                        "interview": number,
                        "index": index,
                        "act": turn.get("act") or "",
                        "source": turn.get("source", ""),
                        "first_word_s": turn.get("latency_s", 0.0),
                        "turn_s": turn.get("turn_s", 0.0),
                    }
                    found.append((item, where))
                    answer = ""
    random.Random(seed).shuffle(found)
    items, key = [], {}
    for number, (item, where) in enumerate(found, start=1):
        named = Item(f"t{number:04d}", item.act, item.facts, item.previous_answer, item.text)
        items.append(named)
        key[named.id] = where
    return items, key


@dataclass(frozen=True)
class Label:
    """The judge's verdict on one item."""

    id: str
    rating: str  # ok | odd | bad
    invented: bool = False  # credits the candidate (or the company) with something nothing supports
    recital: bool = False  # recites the instructions or speaks out of role
    reason: str = ""


def read_labels(lines: Sequence[str]) -> list[Label]:
    """Labels from JSON lines; a rating outside ok/odd/bad is an error that names the item."""
    labels = []
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        rating = str(row.get("rating", "")).lower()
        if rating not in RATINGS:
            raise ValueError(f"item {row.get('id')}: rating must be one of {', '.join(RATINGS)}, got {rating!r}")
        labels.append(
            Label(
                str(row["id"]),
                rating,
                bool(row.get("invented", False)),
                bool(row.get("recital", False)),
                str(row.get("reason", "")),
            )
        )
    return labels


def score(labels: Sequence[Label], key: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per run and system: turns judged, share ok / bad, invented claims, recitals, model words,
    first word and whole turn p50/p95 and the slowest turn, and ok by act."""
    groups: dict[str, list[tuple[Label, Mapping[str, Any]]]] = defaultdict(list)
    for label in labels:
        where = key.get(label.id)
        if where is None:
            raise ValueError(f"item {label.id} is not in the key")
        groups[f"{where['run']}:{where['system']}"].append((label, where))
    table: dict[str, dict[str, Any]] = {}
    for name, rows in sorted(groups.items()):
        n = len(rows)
        ratings = Counter(label.rating for label, _ in rows)
        first = [float(w["first_word_s"]) for _, w in rows if w.get("first_word_s")]
        whole = [float(w["turn_s"]) for _, w in rows if w.get("turn_s")]
        by_act: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for label, where in rows:
            act = str(where.get("act", "")) or "?"
            by_act[act][0] += label.rating == "ok"
            by_act[act][1] += 1
        table[name] = {
            "turns": n,
            "ok": round(ratings["ok"] / n, 3),
            "odd": round(ratings["odd"] / n, 3),
            "bad": round(ratings["bad"] / n, 3),
            "invented": sum(label.invented for label, _ in rows),
            "recitals": sum(label.recital for label, _ in rows),
            "model_words": round(sum(w.get("source") != "template" for _, w in rows) / n, 3),
            # wholly the model's: no template question after its first sentence ("<base>+template")
            "model_whole": round(sum(not str(w.get("source")).endswith("template") for _, w in rows) / n, 3),
            "first_word_p50_s": _quantile(first, 0.5),
            "first_word_p95_s": _quantile(first, 0.95),
            "turn_p50_s": _quantile(whole, 0.5),
            "turn_p95_s": _quantile(whole, 0.95),
            "turn_max_s": round(max(whole), 2) if whole else 0.0,
            "ok_by_act": {act: f"{ok}/{total}" for act, (ok, total) in sorted(by_act.items())},
        }
    return table


def _quantile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    if q == 0.5:
        return round(statistics.median(values), 2)
    return round(sorted(values)[int(q * (len(values) - 1))], 2)
