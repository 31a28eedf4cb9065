"""Evaluation of interviewer turns on a split: the base model, base + adapter, the ranked system
as served, and a retrieval baseline; plus the low-resource curve (adapters trained on 1/8, 1/4,
1/2 and all training dialogs).

Every system runs the serving path: the same engine (whatever GENERATOR_BACKEND serves), the
same prompt builder with the same exemplars and budget, the same post-processing, the same
ranker. For every interviewer turn of the split, each system speaks from the same context
(act, the turn's grounding as the selected facts, the history) and is compared with the
reference turn.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from interviewer import metrics, ranker
from interviewer.encoders import Encoder
from interviewer.engine import DONE, GenerationEngine, GenerationRequest, candidate_requests
from interviewer.exemplars import ExemplarBank, from_dialogs
from interviewer.generator import GroundingFact, PromptInputs, postprocess, template_question
from interviewer.ranker import RankContext
from training.data import Example, catalog, examples, load_dialogs
from training.tables import table

CURVE = (0.125, 0.25, 0.5, 1.0)
_ROLE = ("interviewer:", "assistant:")
Loader = Callable[[Path | None], GenerationEngine]  # adapter folder (None: the base) -> a serving engine


@dataclass
class Case:
    example: Example
    inputs: PromptInputs
    facts: list[str]
    asked: list[str]
    last_answer: str


def cases(dialogs_path: Path, fixtures_dir: Path, split: str, bank: ExemplarBank, limit: int = 0) -> list[Case]:
    """Every interviewer turn of ``split`` with its serving prompt inputs (exemplars from ``bank``)."""
    dialogs = load_dialogs(dialogs_path)
    jobs = {e["slug"]: e for e in catalog(fixtures_dir) if e["kind"] == "job"}
    out = []
    for e in examples([d for d in dialogs if d.split == split], jobs):
        facts = [t for _s, t in e.facts]
        last = next((t for r, t in reversed(e.history) if r == "candidate"), "")
        shown = bank.nearest(e.stage, facts, last, e.job_title, k=1, exclude_dialog=e.dialog_id)
        inputs = PromptInputs(
            e.job_title,
            e.stage,
            [GroundingFact(s, t) for s, t in e.facts],
            list(e.history),
            e.company,
            [x.text for x in shown],
        )
        out.append(Case(e, inputs, facts, [t for r, t in e.history if r == "interviewer"], last))
    return out[:limit] if limit else out


def training_bank(dialogs_path: Path, fixtures_dir: Path, encoder: Encoder) -> ExemplarBank:
    """The exemplar bank serving uses with an adapter trained on this file's training split."""
    titles = {e["slug"]: e.get("title", "") for e in catalog(fixtures_dir) if e["kind"] == "job"}
    return ExemplarBank(from_dialogs([d for d in load_dialogs(dialogs_path) if d.split == "train"], titles), encoder)


def decode(
    engine: GenerationEngine, requests: Sequence[GenerationRequest], progress: Callable[[int], None] | None
) -> list[list[tuple[str, float]]]:
    """Every request's candidates, all submitted at once so the engine batches them as it batches
    live interviews."""
    handles = [engine.submit(r) for r in requests]
    out = []
    for handle in handles:
        candidates: list[tuple[str, float]] = []
        for event in handle:
            if event.kind == DONE:
                candidates = [(c.text, c.mean_logprob) for c in event.candidates]
        out.append(candidates)
        if progress:
            progress(1)
    return out


def clean(raw: str, case: Case) -> str:
    """What one greedy decode says, as the app would show it before any fallback."""
    cleaned = postprocess(raw, case.asked, want_question=case.example.stage.asks_question)
    if cleaned is not None:
        return cleaned
    first = raw.strip().split("\n")[0].strip()
    return first[len(_ROLE[0]) :].strip() if first.lower().startswith(_ROLE) else first


def served(candidates: list[tuple[str, float]], case: Case, encoder: Encoder) -> tuple[str, bool]:
    """The words the app says for ``case`` (the ranker's pick, else the template); and whether the model's."""
    context = RankContext(
        case.example.stage,
        case.facts,
        case.last_answer,
        case.asked,
        exemplars=case.inputs.exemplars,
        answers=case.inputs.answers,
    )
    chosen, _ = ranker.best(candidates, context, encoder)
    if chosen is not None and chosen.text is not None:
        return chosen.text, True
    return template_question(case.inputs, case.asked), False


def retrieval_baseline(train: list[Case], test: list[Case], encoder: Encoder) -> list[str]:
    """The training question whose context (act, facts, last answer) is nearest to the test context."""

    def key(c: Case) -> str:
        return f"{c.example.stage}. {' '.join(c.facts)} {c.last_answer}"

    train_vectors = encoder.encode([key(c) for c in train])
    test_vectors = encoder.encode([key(c) for c in test])
    best = np.argmax(test_vectors @ train_vectors.T, axis=1)
    return [train[int(i)].example.target for i in best]


def score(outputs: list[str], test: list[Case], encoder: Encoder) -> dict[str, float]:
    return metrics.all_metrics(
        outputs, [c.example.target for c in test], [c.facts for c in test], [c.asked for c in test], encoder
    )


@dataclass
class Evaluation:
    """The inputs shared by every system of one evaluation."""

    test: list[Case]
    train: list[Case]
    encoder: Encoder
    load: Loader
    candidates: int
    progress: Callable[[str, int, int], None] | None = None
    retries: int = 0  # GENERATOR_RETRIES: later batches for the turns where no candidate passed

    def greedy(self, name: str, adapter: Path | None) -> list[str]:
        raws = self._decode(name, adapter, [candidate_requests(c.inputs, 1, 0, i)[0] for i, c in enumerate(self.test)])
        return [clean(r[0][0] if r else "", c) for r, c in zip(raws, self.test, strict=True)]

    def ranked(self, adapter: Path | None) -> tuple[list[str], float]:
        """As served: the candidates of every turn, then the later batches of the turns where none
        passed (``retries``), ranked together."""
        rounds = [candidate_requests(c.inputs, self.candidates, self.retries, i) for i, c in enumerate(self.test)]
        raws: list[list[tuple[str, float]]] = [[] for _ in self.test]
        said: list[tuple[str, bool]] = [("", False)] * len(self.test)
        for attempt in range(max(map(len, rounds), default=0)):
            due = [i for i, r in enumerate(rounds) if attempt < len(r) and not said[i][1]]
            for i, got in zip(due, self._decode("ranked", adapter, [rounds[i][attempt] for i in due]), strict=True):
                raws[i] += got
                said[i] = served(raws[i], self.test[i], self.encoder)
        return [text for text, _ in said], sum(model for _, model in said) / max(1, len(said))

    def _decode(
        self, name: str, adapter: Path | None, requests: list[GenerationRequest]
    ) -> list[list[tuple[str, float]]]:
        engine = self.load(adapter)
        done = [0]

        def tick(k: int) -> None:
            done[0] += k
            if self.progress:
                self.progress(name, done[0], len(requests))

        try:
            return decode(engine, requests, tick)
        finally:
            engine.stop()


def evaluate(run: Evaluation, adapter_dir: Path | None, curve_dirs: dict[float, Path] | None = None) -> dict[str, Any]:
    """All systems on one split; returns {"systems": {...}, "curve": [...], "examples": [...]}."""
    outputs: dict[str, list[str]] = {"base (zero-shot)": run.greedy("base (zero-shot)", None)}
    model_share = None
    if adapter_dir is not None:
        outputs["base + adapter"] = run.greedy("base + adapter", adapter_dir)
        outputs["ranked (as served)"], model_share = run.ranked(adapter_dir)
    outputs["retrieval (nearest training question)"] = retrieval_baseline(run.train, run.test, run.encoder)
    systems = {name: score(out, run.test, run.encoder) for name, out in outputs.items()}
    if model_share is not None:
        systems["ranked (as served)"]["model_share"] = model_share
    curve = []
    for fraction, folder in sorted((curve_dirs or {}).items()):
        out = outputs["base + adapter"] if folder == adapter_dir else run.greedy(f"adapter {fraction:g}", folder)
        trained = json.loads((folder / "metrics.json").read_text()) if (folder / "metrics.json").is_file() else {}
        curve.append(
            {
                "fraction": fraction,
                "train_dialogs": trained.get("train_dialogs"),
                "validation_loss": trained.get("validation_loss"),
                **score(out, run.test, run.encoder),
            }
        )
    samples = [
        {
            "context": c.example.history[-1][1] if c.example.history else "",
            "stage": c.example.stage.value,
            "facts": c.facts,
            "reference": c.example.target,
            **{k: v[i] for k, v in outputs.items()},
        }
        for i, c in enumerate(run.test[:12])
    ]
    return {"turns": len(run.test), "systems": systems, "curve": curve, "examples": samples}


COLUMNS = [
    ("bleu1", "BLEU-1"),
    ("bleu2", "BLEU-2"),
    ("rouge_l", "ROUGE-L"),
    ("distinct1", "Dist-1"),
    ("distinct2", "Dist-2"),
    ("embedding_similarity", "EmbSim"),
    ("grounding_rate", "Ground"),
    ("question_rate", "Q-rate"),
    ("repetition_rate", "Repeat"),
]
CURVE_COLUMNS = [("bleu2", "BLEU-2"), ("rouge_l", "ROUGE-L"), ("embedding_similarity", "EmbSim"), ("grounding_rate", "Ground"), ("question_rate", "Q-rate")]  # fmt: skip


def markdown_table(result: dict[str, Any]) -> str:
    rows = [(name, *[m[k] for k, _ in COLUMNS]) for name, m in result["systems"].items()]
    text = table(rows, ("system", *[label for _, label in COLUMNS]), markdown=True)
    if result["curve"]:
        curve = [
            (r["train_dialogs"], r["fraction"], r["validation_loss"], *[r[k] for k, _ in CURVE_COLUMNS])
            for r in result["curve"]
        ]
        headers = ("training dialogs", "share", "val. loss", *[label for _, label in CURVE_COLUMNS])
        text += "\n\n" + table(curve, headers, markdown=True)
    return text
