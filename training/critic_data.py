"""Candidate interviewer turns to label for the critic: every interviewer turn of the fixture dialogs
(written for this project; never the held-out documents) as a context, and turns decoded for it by
the serving engine, the way a live turn is decoded.

For each context the engine decodes the streamed turn as served (greedy, the code-written start,
the gate; a template question where the gate shows a first sentence and refuses the rest) and one
sampled candidate with no code-written start (temperature 1.0: the failures the gate and the
critic must catch). Each item keeps its dialog's split, so the critic's train, dev and test sets
never share a dialog.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from interviewer import prompt
from interviewer.encoders import Encoder
from interviewer.engine import DONE, GenerationEngine, GenerationRequest
from interviewer.gate import Gate
from interviewer.generator import GroundingFact, PromptInputs
from interviewer.ranker import RankContext
from training.data import Example, catalog, examples, load_dialogs

SPLIT_OF = {"train": "train", "validation": "dev", "test": "test"}  # the dialog split -> the critic's


@dataclass(frozen=True)
class Context:
    """One interviewer turn's context from a fixture dialog."""

    id: str
    split: str  # train | dev | test (by dialog)
    example: Example
    index: int  # the turn's index in its dialog

    @property
    def last_answer(self) -> str:
        history = self.example.history
        return history[-1][1] if history and history[-1][0] == "candidate" else ""

    def inputs(self, prefix: str = "") -> PromptInputs:
        e = self.example
        facts = [GroundingFact(s, t) for s, t in e.facts]
        return PromptInputs(e.job_title, e.stage, facts, list(e.history), e.company, prefix=prefix)

    def rank_context(self) -> RankContext:
        e = self.example
        asked = [t for r, t in e.history if r == "interviewer"]
        answers = [t for r, t in e.history if r == "candidate"]
        targets = [t for s, t in e.facts[:1]] if e.stage.is_probe else None
        return RankContext(e.stage, [t for _, t in e.facts], self.last_answer, asked, targets=targets, answers=answers)


def contexts(dialogs_path: Path, fixtures_dir: Path) -> list[Context]:
    """Every interviewer turn of every fixture dialog, in file order."""
    jobs = {e["slug"]: e for e in catalog(fixtures_dir) if e["kind"] == "job"}
    out = []
    for dialog in load_dialogs(dialogs_path):
        for number, example in enumerate(examples([dialog], jobs)):
            index = 2 * number  # interviewer turns alternate with answers
            out.append(Context(f"{dialog.id}:{index}", SPLIT_OF[dialog.split], example, index))
    return out


def served_text(raw: str, context: Context, encoder: Encoder) -> tuple[str, str]:
    """(what a live turn would show for the decoded ``raw`` text, how): the gate's words, those plus
    the act's template question, or "" when the gate refused the first sentence."""
    gate = Gate(context.rank_context())
    return gate.outcome(gate.finish(raw, encoder))


def generate(
    chosen: Sequence[Context],
    engine: GenerationEngine,
    encoder: Encoder,
    progress: Callable[[int], object] | None = None,
) -> list[dict[str, object]]:
    """Two items per context: the served turn (when the gate lets one through) and a raw sample."""
    requests = []
    for context in chosen:
        start = prompt.prefix(context.example.stage, context.index, context.last_answer)
        requests.append(GenerationRequest(context.inputs(start), n=1, sample=False, stream=False))
        requests.append(
            GenerationRequest(
                context.inputs(), n=1, sample=True, temperature=1.0, seed=hash(context.id) % 2**31, stream=False
            )
        )
    handles = [engine.submit(r) for r in requests]
    items: list[dict[str, object]] = []
    for number, handle in enumerate(handles):
        context = chosen[number // 2]
        text = ""
        for event in handle:
            if event.kind == DONE and event.candidates:
                text = event.candidates[0].text
        how = "sampled"
        if number % 2 == 0:
            text, how = served_text(text, context, encoder)
        if text.strip():
            items.append(item(context, text, how))
        if progress is not None and number % 2 == 1:
            progress(1)
    return items


def item(context: Context, text: str, how: str) -> dict[str, object]:
    e = context.example
    question = next((t for r, t in reversed(e.history) if r == "interviewer"), "")
    return {
        "id": f"{context.id}:{how}",
        "split": context.split,
        "act": str(e.stage),
        "job_title": e.job_title,
        "facts": [{"source": s, "text": t} for s, t in e.facts],
        "previous_question": question,
        "previous_answer": context.last_answer,
        "text": text,
        "how": how,
    }


def write_jsonl(rows: Sequence[dict[str, object]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
