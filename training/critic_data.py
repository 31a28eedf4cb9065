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

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from interviewer.dialog import prompt
from interviewer.dialog.gate import Gate
from interviewer.dialog.inputs import GroundingFact, PromptInputs
from interviewer.dialog.ranker import RankContext
from interviewer.encoders import Encoder
from interviewer.serving.engine import GenerationEngine
from interviewer.serving.handles import DONE, GenerationRequest, Handle
from interviewer.vocabulary import Source
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
    jobs = {e["slug"]: e for e in catalog(fixtures_dir) if e["kind"] == Source.JOB}
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
    out: Path | None = None,
    chunk: int = 32,
    base: str = "",
) -> list[dict[str, object]]:
    """Two items per context: the served turn (when the gate lets one through) and a raw sample.

    Contexts go to the engine ``chunk`` at a time (in the order given), each chunk sorted by prompt
    length and greedy apart from sampled, so the engine's batches fill up (a batch holds one sampling setting and prompts of similar
    length); each chunk's items are appended to ``out`` as soon as they are decoded, so a long run
    can be stopped and continued (contexts already in ``out`` are skipped). ``base`` names the
    generator in each item's id and ``base`` field, so turns of several bases can be labelled and
    fitted together.
    """
    done = _done(out)
    todo = [c for c in chosen if _key(base, c.id) not in done]
    length = getattr(engine.backend, "prompt_ids", None)
    items: list[dict[str, object]] = []
    for start in range(0, len(todo), chunk):
        part = todo[start : start + chunk]
        if length is not None:
            part.sort(key=lambda c: len(length(c.inputs())))
        served = [_request(c, sample=False) for c in part]
        sampled = [_request(c, sample=True) for c in part]
        handles = [engine.submit(r) for r in served + sampled]
        texts = [_text(h) for h in handles]
        found = []
        for context, text in zip(part, texts[: len(part)], strict=True):
            shown, how = served_text(text, context, encoder)
            if shown.strip():
                found.append(item(context, shown, how, base))
        for context, text in zip(part, texts[len(part) :], strict=True):
            if text.strip():
                found.append(item(context, text, "sampled", base))
        items += found
        if out is not None:
            with Path(out).open("a", encoding="utf-8") as file:
                file.write("".join(json.dumps(row) + "\n" for row in found))
        if progress is not None:
            progress(len(part))
    return items


def _done(out: Path | None) -> set[str]:
    """Contexts already written to ``out`` (an item's id is its context's id and how it was made)."""
    if out is None or not Path(out).is_file():
        return set()
    lines = Path(out).read_text(encoding="utf-8").splitlines()
    return {str(json.loads(line)["id"]).rsplit(":", 1)[0] for line in lines if line.strip()}


def _key(base: str, context_id: str) -> str:
    return f"{base}:{context_id}" if base else context_id


def _request(context: Context, sample: bool) -> GenerationRequest:
    if sample:
        seed = int(hashlib.sha256(context.id.encode()).hexdigest()[:8], 16)
        return GenerationRequest(context.inputs(), sample=True, temperature=1.0, seed=seed, stream=False)
    start = prompt.prefix(context.example.stage, context.index, context.last_answer)
    return GenerationRequest(context.inputs(start), sample=False, stream=False)


def _text(handle: Handle) -> str:
    for event in handle:
        if event.kind == DONE and event.candidates:
            return event.candidates[0].text
    return ""


def item(context: Context, text: str, how: str, base: str = "") -> dict[str, object]:
    e = context.example
    question = next((t for r, t in reversed(e.history) if r == "interviewer"), "")
    return {
        "id": f"{_key(base, context.id)}:{how}",
        "split": context.split,
        "act": str(e.stage),
        "job_title": e.job_title,
        "facts": [{"source": s, "text": t} for s, t in e.facts],
        "previous_question": question,
        "previous_answer": context.last_answer,
        "text": text,
        "how": how,
        "base": base,
    }
