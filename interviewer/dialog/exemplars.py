"""Exemplars: interviewer turns from the training dialogs that guide the prompt.

For each turn the prompt carries one or two real interviewer turns with the same act whose
grounding is nearest to this turn's facts (or, for a follow-up, whose preceding answer is
nearest to the candidate's last answer). They show the model the register and the shape of a
good question; the adapter is trained to adapt an exemplar to new facts, not to copy it, so
training takes exemplars from *other* dialogs only. This is the retrieval baseline's
strength, inside the generator.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from interviewer.encoders import Encoder
from interviewer.vocabulary import Act

# Acts whose exemplar is found by the selected facts; the others by the last answer (follow-ups)
# or by the job title (openings, candidate questions, closings, behavioral without a fact).
_BY_FACTS = frozenset({Act.RESUME_DEEP_DIVE, Act.REQUIREMENT_PROBE, Act.GAP_PROBE, Act.BEHAVIORAL})


@dataclass(frozen=True)
class Exemplar:
    """One interviewer turn of a training dialog, with what it was grounded on."""

    dialog_id: str
    act: Act
    text: str
    facts: tuple[str, ...] = ()
    answer_before: str = ""  # the candidate's answer just before it ("" for an opening)
    job_title: str = ""

    def key(self) -> str:
        """The text an exemplar is retrieved by."""
        if self.act is Act.FOLLOW_UP:
            return self.answer_before or self.text
        if self.act in _BY_FACTS and self.facts:
            return " ".join(self.facts)
        return f"{self.job_title}. {self.text}"


class ExemplarBank:
    """Exemplars with their key embeddings; ``nearest`` picks the ones for a turn."""

    def __init__(self, exemplars: Sequence[Exemplar], encoder: Encoder) -> None:
        self.exemplars = list(exemplars)
        self.encoder = encoder
        self.vectors = encoder.encode([e.key() for e in self.exemplars]) if self.exemplars else np.zeros((0, 1))
        self._rows: dict[Act, list[int]] = {}
        for row, exemplar in enumerate(self.exemplars):
            self._rows.setdefault(exemplar.act, []).append(row)

    def nearest(
        self,
        act: Act,
        facts: Sequence[str] = (),
        last_answer: str = "",
        job_title: str = "",
        k: int = 2,
        exclude_dialog: str = "",
    ) -> list[Exemplar]:
        """Up to ``k`` exemplars of ``act``, nearest first (ties: bank order, so deterministic).

        Args:
            act: the act of the turn being written; only exemplars of the same act are used.
            facts: the turn's selected facts (probes and behavioral questions).
            last_answer: the candidate's last answer (follow-ups).
            job_title: the role (acts without facts).
            k: how many to return.
            exclude_dialog: a dialog id whose turns must not be used (training: no self-copy).
        """
        rows = [r for r in self._rows.get(act, []) if self.exemplars[r].dialog_id != exclude_dialog]
        if not rows or k <= 0:
            return []
        query = self._query(act, facts, last_answer, job_title)
        sims = self.vectors[rows] @ self.encoder.encode([query])[0]
        order = np.argsort(-sims, kind="stable")[:k]
        return [self.exemplars[rows[int(i)]] for i in order]

    @staticmethod
    def _query(act: Act, facts: Sequence[str], last_answer: str, job_title: str) -> str:
        if act is Act.FOLLOW_UP and last_answer:
            return last_answer
        if act in _BY_FACTS and facts:
            return " ".join(facts)
        return job_title or " ".join(facts) or last_answer


# Read-only members, so frozen dataclasses with narrower types (tuples) satisfy them.
class TurnLike(Protocol):
    @property
    def act(self) -> Act | None: ...  # None for a candidate turn
    @property
    def text(self) -> str: ...
    @property
    def grounding(self) -> Sequence[tuple[str, str]]: ...


class DialogLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def job(self) -> str: ...
    @property
    def turns(self) -> Sequence[TurnLike]: ...


def from_dialogs(dialogs: Sequence[DialogLike], titles: dict[str, str] | None = None) -> list[Exemplar]:
    """Every interviewer turn of ``dialogs`` (e.g. training.data.Dialog) as an exemplar."""
    out = []
    for dialog in dialogs:
        turns = dialog.turns
        title = (titles or {}).get(dialog.job, "")
        for i, turn in enumerate(turns):
            if turn.act is None:
                continue
            before = turns[i - 1].text if i > 0 and turns[i - 1].act is None else ""
            facts = tuple(text for _source, text in turn.grounding)
            out.append(Exemplar(dialog.id, turn.act, turn.text, facts, before, title))
    return out


def save(exemplars: Sequence[Exemplar], path: Path) -> None:
    """Write exemplars as JSON lines (shipped next to an adapter: the prompts it was trained with)."""
    lines = [json.dumps({**asdict(e), "act": e.act.value, "facts": list(e.facts)}) for e in exemplars]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def load(path: Path) -> list[Exemplar]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Exemplar(**{**row, "act": Act(row["act"]), "facts": tuple(row.get("facts", ()))}))
    return out
