"""Evaluation of interviewer turns on a split: base zero-shot, base + adapter, retrieval baseline,
and the low-resource curve (adapters trained on 1/8, 1/4, 1/2 and all training dialogs).

For every interviewer turn of the split, each system generates from the same context
(stage, selected facts = the turn's grounding, history) and is compared with the reference.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interviewer import metrics
from interviewer.encoders import Encoder
from interviewer.generator import (
    DialogGenerator,
    GenerationConfig,
    GroundingFact,
    PromptInputs,
    load_generator,
    postprocess,
)
from training.data import Example, catalog, examples, load_dialogs

CURVE = (0.125, 0.25, 0.5, 1.0)
_ROLE = ("interviewer:", "assistant:")


@dataclass
class Case:
    example: Example
    inputs: PromptInputs
    facts: list[str]
    asked: list[str]


def cases(dialogs_path: Path, fixtures_dir: Path, split: str, limit: int = 0) -> list[Case]:
    dialogs = load_dialogs(dialogs_path)
    jobs = {e["slug"]: e for e in catalog(fixtures_dir) if e["kind"] == "job"}
    out = []
    for e in examples([d for d in dialogs if d.split == split], jobs):
        inputs = PromptInputs(
            e.job_title, e.stage, [GroundingFact(s, t) for s, t in e.facts], list(e.history), e.company
        )
        asked = [t for r, t in e.history if r == "interviewer"]
        out.append(Case(e, inputs, [t for _s, t in e.facts], asked))
    return out[:limit] if limit else out


def clean(raw: str, case: Case) -> str:
    """What the system said, as the app would show it before any fallback."""
    cleaned = postprocess(raw, case.asked, want_question=case.example.stage.asks_question)
    if cleaned is not None:
        return cleaned
    first = raw.strip().split("\n")[0].strip()
    return first[len(_ROLE[0]) :].strip() if first.lower().startswith(_ROLE) else first


def generate_batch(generator: DialogGenerator, batch: list[Case]) -> list[str]:
    """Greedy decoding of several prompts at once (left padding); returns raw texts."""
    import torch

    tokenizer, model = generator.tokenizer, generator.model
    prompts = [generator.prompt_ids(c.inputs) for c in batch]
    width = max(len(p) for p in prompts)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    input_ids = torch.full((len(batch), width), pad)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, ids in enumerate(prompts):
        input_ids[row, width - len(ids) :] = torch.tensor(ids)
        mask[row, width - len(ids) :] = 1
    with torch.inference_mode():
        out = model.generate(
            input_ids=input_ids,
            attention_mask=mask,
            max_new_tokens=generator.config.max_new_tokens,
            do_sample=False,
            repetition_penalty=generator.config.repetition_penalty,
            eos_token_id=sorted(generator.stop_ids),
            pad_token_id=pad,
        )
    texts = []
    for row in range(len(batch)):
        text = tokenizer.decode(out[row, width:], skip_special_tokens=True).lstrip()
        texts.append(text.split("\n")[0])
    return texts


def run_generator(
    generator: DialogGenerator,
    all_cases: list[Case],
    batch_size: int = 16,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    outputs: list[str] = []
    for start in range(0, len(all_cases), batch_size):
        batch = all_cases[start : start + batch_size]
        outputs.extend(clean(raw, c) for raw, c in zip(generate_batch(generator, batch), batch, strict=True))
        if progress:
            progress(len(batch))
    return outputs


def retrieval_baseline(train: list[Case], test: list[Case], encoder: Encoder) -> list[str]:
    """The training question whose context (stage, facts, last answer) is nearest to the test context."""

    def key(c: Case) -> str:
        last = next((t for r, t in reversed(c.example.history) if r == "candidate"), "")
        return f"{c.example.stage}. {' '.join(c.facts)} {last}"

    train_vectors = encoder.encode([key(c) for c in train])
    test_vectors = encoder.encode([key(c) for c in test])
    best = np.argmax(test_vectors @ train_vectors.T, axis=1)
    return [train[int(i)].example.target for i in best]


def score(outputs: list[str], test: list[Case], encoder: Encoder) -> dict[str, float]:
    return metrics.all_metrics(
        outputs, [c.example.target for c in test], [c.facts for c in test], [c.asked for c in test], encoder
    )


def evaluate(
    dialogs_path: Path,
    fixtures_dir: Path,
    model_dir: Path,
    encoder: Encoder,
    adapter_dir: Path | None,
    curve_dirs: dict[float, Path] | None = None,
    base: str = "",
    split: str = "test",
    limit: int = 0,
    max_new_tokens: int = 48,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:  # type: ignore[type-arg]
    """All systems on one split; returns {"systems": {...}, "curve": [...], "examples": [...]}."""
    test = cases(dialogs_path, fixtures_dir, split, limit)
    train = cases(dialogs_path, fixtures_dir, "train")
    config = GenerationConfig(max_new_tokens=max_new_tokens)
    systems: dict[str, dict[str, float]] = {}
    outputs: dict[str, list[str]] = {}

    def generated(name: str, adapter: Path | None) -> list[str]:
        generator = load_generator(model_dir, base, adapter, config)
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            if progress:
                progress(name, done[0], len(test))

        return run_generator(generator, test, progress=tick)

    outputs["base (zero-shot)"] = generated("base (zero-shot)", None)
    if adapter_dir is not None:
        outputs["base + adapter"] = generated("base + adapter", adapter_dir)
    outputs["retrieval (nearest training question)"] = retrieval_baseline(train, test, encoder)
    for name, out in outputs.items():
        systems[name] = score(out, test, encoder)

    curve = []
    for fraction, folder in sorted((curve_dirs or {}).items()):
        if adapter_dir is not None and fraction == 1.0 and folder == adapter_dir:
            out = outputs["base + adapter"]
        else:
            out = generated(f"adapter {fraction:g}", folder)
        trained = json.loads((folder / "metrics.json").read_text()) if (folder / "metrics.json").is_file() else {}
        curve.append(
            {
                "fraction": fraction,
                "train_dialogs": trained.get("train_dialogs"),
                "validation_loss": trained.get("validation_loss"),
                **score(out, test, encoder),
            }
        )
    samples = [
        {
            "context": c.example.history[-1][1] if c.example.history else "",
            "stage": c.example.stage,
            "facts": c.facts,
            "reference": c.example.target,
            **{k: v[i] for k, v in outputs.items()},
        }
        for i, c in enumerate(test[:12])
    ]
    return {"split": split, "turns": len(test), "systems": systems, "curve": curve, "examples": samples}


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


def markdown_table(result: dict) -> str:  # type: ignore[type-arg]
    head = "| system | " + " | ".join(label for _k, label in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 1)]
    for name, m in result["systems"].items():
        lines.append(f"| {name} | " + " | ".join(f"{m[k]:.3f}" for k, _l in COLUMNS) + " |")
    if result["curve"]:
        lines += [
            "",
            "| training dialogs | share | val. loss | BLEU-2 | ROUGE-L | EmbSim | Ground | Q-rate |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in result["curve"]:
            loss = f"{row['validation_loss']:.3f}" if row.get("validation_loss") is not None else "-"
            lines.append(
                f"| {row['train_dialogs']} | {row['fraction']:g} | {loss} | {row['bleu2']:.3f} | {row['rouge_l']:.3f} | "
                f"{row['embedding_similarity']:.3f} | {row['grounding_rate']:.3f} | {row['question_rate']:.3f} |"
            )
    return "\n".join(lines)
