"""Evaluation of interviewer turns on a split: the base model, base + adapter, the ranked system
as served, and a retrieval baseline; plus the low-resource curve (adapters trained on 1/8, 1/4,
1/2 and all training dialogs).

Every system runs the serving path: the same engine (whatever GENERATOR_BACKEND serves), the
same prompt builder with the same exemplars and budget, the same post-processing, the same
ranker. For every interviewer turn of the split, each system speaks from the same context
(act, the turn's grounding as the selected facts, the history) and is compared with the
reference turn.

A served turn's words are decided by the code the app decides them with
(:mod:`interviewer.dialog.turn`): each round's inputs, the context the gate and the ranker judge
them against, and the choice between the ranker's pick and the template. So the context knows
the words of the dialog's resume and posting, read from their fixture files as the app reads an
upload, with the posting's title and company (``Case.known_words``): the ranker's rule against
"a name nobody gave" applies here as it does live; evaluations before it ran without that rule.
One context serves the gate and the fallback round's ranker, as live: a probe must name its
first fact in both (the fallback round's ranker used to accept any fact shown).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.dialog import metrics, turn
from interviewer.dialog.cleanup import postprocess
from interviewer.dialog.critic import Critic
from interviewer.dialog.critic import Turn as CriticTurn
from interviewer.dialog.exemplars import ExemplarBank, from_dialogs
from interviewer.dialog.gate import Gate
from interviewer.dialog.inputs import GroundingFact, PromptInputs, PromptStyle
from interviewer.dialog.turn import TurnCase
from interviewer.documents.extract import ExtractionLimits
from interviewer.documents.reading import read_document
from interviewer.encoders import Encoder
from interviewer.serving.engine import GenerationEngine
from interviewer.serving.handles import DONE, GenerationRequest, candidate_requests
from interviewer.vocabulary import Source
from training.data import Dialog, Example, catalog, examples, load_dialogs
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
    known_words: frozenset[str] = frozenset()  # the words of its resume and posting (turn.known_words)

    @property
    def turn(self) -> TurnCase:
        """The case as a live turn is decided: the turn's place in its dialog, and the facts a probe
        must name (its first: the requirement a live probe is planned on, not the evidence beside it)."""
        targets = self.facts[:1] if self.example.stage.is_probe else self.facts
        return TurnCase(self.inputs, len(self.example.history), self.asked, self.last_answer, self.known_words, targets)


def cases(dialogs_path: Path, fixtures_dir: Path, split: str, bank: ExemplarBank, limit: int = 0) -> list[Case]:
    """Every interviewer turn of ``split`` with its serving prompt inputs (exemplars from ``bank``)."""
    dialogs = load_dialogs(dialogs_path)
    entries = {e["slug"]: e for e in catalog(fixtures_dir)}
    jobs = {slug: e for slug, e in entries.items() if e["kind"] == Source.JOB}
    known = _KnownWords(fixtures_dir, entries, {d.id: d for d in dialogs})
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
        out.append(Case(e, inputs, facts, [t for r, t in e.history if r == "interviewer"], last, known.of(e)))
    return out[:limit] if limit else out


@dataclass
class _KnownWords:
    """The words a live turn of each dialog knows (``webapp.interviews.interviews.plan_next``): its resume's
    and posting's text as the app stores them, the posting's title and company."""

    fixtures_dir: Path
    entries: dict[str, dict[str, Any]]
    dialogs: dict[str, Dialog]
    texts: dict[str, str] = field(default_factory=dict)
    words: dict[tuple[str, str, str], frozenset[str]] = field(default_factory=dict)

    def of(self, example: Example) -> frozenset[str]:
        key = (example.dialog_id, example.job_title, example.company)  # every turn of a dialog knows the same
        if key not in self.words:
            dialog = self.dialogs[example.dialog_id]
            self.words[key] = turn.known_words(
                self._text(dialog.resume), self._text(dialog.job), example.job_title, example.company
            )
        return self.words[key]

    def _text(self, slug: str) -> str:
        if slug not in self.texts:
            entry = self.entries.get(slug)
            self.texts[slug] = document_text(self.fixtures_dir, entry) if entry else ""
        return self.texts[slug]


def document_text(fixtures_dir: Path, entry: dict[str, Any]) -> str:
    """A fixture document's text as the app stores it: its file read as an upload is
    (``webapp.documents.fixtures_loader``; the default bounds are the app's)."""
    name = entry["file"]
    return read_document(entry["kind"], (fixtures_dir / name).read_bytes(), "", name, ExtractionLimits(), 0).text


def training_bank(dialogs_path: Path, fixtures_dir: Path, encoder: Encoder) -> ExemplarBank:
    """The exemplar bank serving uses with an adapter trained on this file's training split."""
    titles = {e["slug"]: e.get("title", "") for e in catalog(fixtures_dir) if e["kind"] == Source.JOB}
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


def first_request(case: Case, style: PromptStyle) -> GenerationRequest:
    """The served turn's first round: one greedy candidate, streamed, after the code-written start
    (the live turn's seed aside: greedy decoding needs none)."""
    return GenerationRequest(turn.first_inputs(case.turn, style))


def fallback_request(case: Case, style: PromptStyle, candidates: int, seed: int) -> GenerationRequest:
    """The served turn's fallback round: ``candidates`` sampled, without exemplars, after the other
    wording of the start."""
    return candidate_requests(turn.fallback_inputs(case.turn, style), candidates, 0, seed)[0]


def served(candidates: list[tuple[str, float]], case: Case, encoder: Encoder) -> tuple[str, bool]:
    """The words the app says for ``case`` (the ranker's pick, else the template); and whether the model's."""
    chosen = turn.choose(candidates, case.turn, encoder)
    return chosen.text, chosen.model


def gated(raw: str, case: Case, encoder: Encoder, critic: Critic | None = None) -> tuple[str, str]:
    """(the words a live turn shows for the streamed ``raw`` text, how): ``Gate.outcome``."""
    gate = Gate(turn.rank_context(case.turn), critic)
    return gate.outcome(gate.finish(raw, encoder))


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
    candidates: int  # sampled candidates of a fallback round
    progress: Callable[[str, int, int], None] | None = None
    style: PromptStyle = PromptStyle.INSTRUCT  # how the base is prompted (a code-written start or none)
    critic: Critic | None = None

    def greedy(self, name: str, adapter: Path | None) -> list[str]:
        raws = self._decode(name, adapter, [candidate_requests(c.inputs, 1, 0, i)[0] for i, c in enumerate(self.test)])
        return [clean(r[0][0] if r else "", c) for r, c in zip(raws, self.test, strict=True)]

    def served(self, adapter: Path | None) -> tuple[list[str], float]:
        """As a live turn is served: the streamed greedy turn with its code-written start, gated
        sentence by sentence (a template question after a first sentence shown and a refused rest);
        where the gate refused the first sentence, one fallback round of sampled candidates, ranked;
        else the template. Returns the texts and the share of turns with the model's words."""
        said, refused = self._first_round(adapter)
        if refused and self.candidates > 0:
            self._fallback_round(adapter, refused, said)
        else:
            for i in refused:
                said[i] = (turn.template(self.test[i].turn), False)
        return [text for text, _ in said], sum(model for _, model in said) / max(1, len(said))

    def _first_round(self, adapter: Path | None) -> tuple[list[tuple[str, bool]], list[int]]:
        """Every case's streamed turn as the gate lets it through: (words, whether the model's), and
        the cases whose first sentence it refused (nothing shown)."""
        requests = [first_request(c, self.style) for c in self.test]
        said: list[tuple[str, bool]] = []
        refused = []
        for i, (got, case) in enumerate(zip(self._decode("served", adapter, requests), self.test, strict=True)):
            text, how = gated(got[0][0] if got else "", case, self.encoder, self.critic)
            said.append((text, how != "refused"))
            if how == "refused":
                refused.append(i)
        return said, refused

    def _fallback_round(self, adapter: Path | None, refused: list[int], said: list[tuple[str, bool]]) -> None:
        """The fallback round of each ``refused`` case (seeded by its position), ranked into ``said``."""
        requests = [fallback_request(self.test[i], self.style, self.candidates, i) for i in refused]
        for i, got in zip(refused, self._decode("served (fallback)", adapter, requests), strict=True):
            said[i] = served(got, self.test[i], self.encoder)

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
    shares: dict[str, float] = {}
    outputs["base, as served"], shares["base, as served"] = run.served(None)
    if adapter_dir is not None:
        outputs["base + adapter"] = run.greedy("base + adapter", adapter_dir)
        outputs["base + adapter, as served"], shares["base + adapter, as served"] = run.served(adapter_dir)
    outputs["retrieval (nearest training question)"] = retrieval_baseline(run.train, run.test, run.encoder)
    systems = {name: score(out, run.test, run.encoder) for name, out in outputs.items()}
    for name, share in shares.items():
        systems[name]["model_share"] = round(share, 3)
    if run.critic is not None:
        for name, out in outputs.items():
            turns = [
                CriticTurn(c.example.stage, text, c.facts, c.last_answer) for text, c in zip(out, run.test, strict=True)
            ]
            refused = run.critic.not_ok(turns, run.encoder) >= run.critic.threshold
            systems[name]["critic_ok"] = round(1 - float(refused.mean()), 3)
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
    ("critic_ok", "critic ok"),
    ("model_share", "model words"),
]
CURVE_COLUMNS = [("bleu2", "BLEU-2"), ("rouge_l", "ROUGE-L"), ("embedding_similarity", "EmbSim"), ("grounding_rate", "Ground"), ("question_rate", "Q-rate")]  # fmt: skip


def markdown_table(result: dict[str, Any]) -> str:
    rows = [(name, *[m.get(k, "") for k, _ in COLUMNS]) for name, m in result["systems"].items()]
    text = table(rows, ("system", *[label for _, label in COLUMNS]), markdown=True)
    if result["curve"]:
        curve = [
            (r["train_dialogs"], r["fraction"], r["validation_loss"], *[r[k] for k, _ in CURVE_COLUMNS])
            for r in result["curve"]
        ]
        headers = ("training dialogs", "share", "val. loss", *[label for _, label in CURVE_COLUMNS])
        text += "\n\n" + table(curve, headers, markdown=True)
    return text
