"""Contrastive fine-tuning of the knowledge selector's encoder on (resume fact, job requirement) pairs.

Steps: 1 model, 2 data, 3 loss (MultipleNegativesRankingLoss: in-batch negatives),
4 evaluator (Recall@k and MRR on the held-out split), 5 arguments, 6 training loop, 7 evaluate, 8 save.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from interviewer.encoders import Encoder, SentenceTransformerEncoder
from interviewer.selector import retrieval_metrics, semantic_rank
from interviewer.weights import PACKAGED_ENCODER_ID, packaged_encoder_dir
from training.data import Pair, load_pairs, split_pairs


@dataclass
class SelectorTrainingArguments:
    pairs: Path = field(metadata={"help": "JSONL of positive (resume_fact, job_requirement) pairs"})
    output_dir: Path = field(metadata={"help": "where the fine-tuned encoder is saved"})
    base: Path | None = field(default=None, metadata={"help": "encoder to start from (default: packaged MiniLM)"})
    epochs: int = field(default=2, metadata={"help": "passes over the training split"})
    max_steps: int = field(default=0, metadata={"help": "stop after this many optimizer steps (0: no limit)"})
    batch_size: int = field(default=32, metadata={"help": "pairs per batch; the other pairs are the negatives"})
    lr: float = field(default=2e-5, metadata={"help": "AdamW learning rate"})
    test_fraction: float = field(default=0.2, metadata={"help": "share of requirements held out"})
    seed: int = field(default=13, metadata={"help": "shuffling seed"})


def evaluate(encoder: Encoder, pairs: list[Pair]) -> dict[str, float]:
    """Requirement -> evidence retrieval over the evidence of ``pairs``.

    Each distinct requirement is a query; the corpus is every distinct resume fact in
    ``pairs``; a hit is any fact paired with that requirement.
    """
    corpus = sorted({p.resume_fact for p in pairs})
    queries = sorted({p.job_requirement for p in pairs})
    if not corpus or not queries:
        return retrieval_metrics([])
    relevant: dict[str, set[int]] = {q: set() for q in queries}
    index = {text: i for i, text in enumerate(corpus)}
    for p in pairs:
        relevant[p.job_requirement].add(index[p.resume_fact])
    order = semantic_rank(encoder.encode(queries), encoder.encode(corpus))
    ranks = []
    for qi, query in enumerate(queries):
        positions = [pos for pos, doc in enumerate(order[qi]) if doc in relevant[query]]
        ranks.append(positions[0] + 1)
    return retrieval_metrics(ranks)


def main(args: SelectorTrainingArguments, progress: Callable[[int, float], None] | None = None) -> dict:  # type: ignore[type-arg]
    """Fine-tune, evaluate before and after, save; returns the metrics written to metadata.json."""
    import torch
    from sentence_transformers import losses

    random.seed(args.seed)
    torch.manual_seed(args.seed)

    # 1. Model
    base = Path(args.base) if args.base else packaged_encoder_dir()
    base_id = PACKAGED_ENCODER_ID if args.base is None else str(base)
    encoder = SentenceTransformerEncoder(base, model_id=base_id)
    model = encoder.model

    # 2. Data
    pairs = load_pairs(args.pairs)
    train, test = split_pairs(pairs, args.test_fraction)
    if len(train) < 2:
        raise ValueError(f"{args.pairs}: need at least 2 training pairs, found {len(train)}")

    # 3. Loss: in-batch negatives
    loss = losses.MultipleNegativesRankingLoss(model)

    # 4. Evaluator, before training
    before = evaluate(encoder, test)

    # 5-6. Training loop
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    model.train()
    step = 0
    started = time.time()
    rng = random.Random(args.seed)
    last_loss = float("nan")
    for _epoch in range(args.epochs):
        order = list(train)
        rng.shuffle(order)
        for start in range(0, len(order), args.batch_size):
            batch = _without_duplicates(order[start : start + args.batch_size])
            if len(batch) < 2:
                continue
            features = [
                model.tokenize([p.job_requirement for p in batch]),
                model.tokenize([p.resume_fact for p in batch]),
            ]
            value = loss(features, labels=None)
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            step += 1
            last_loss = float(value.detach())
            if progress:
                progress(step, last_loss)
            if args.max_steps and step >= args.max_steps:
                break
        if args.max_steps and step >= args.max_steps:
            break
    model.eval()

    # 7. Evaluate after
    after = evaluate(encoder, test)

    # 8. Save the encoder with everything needed to rebuild and judge it
    output = Path(args.output_dir)
    if output.exists():
        shutil.rmtree(output)
    model.save(str(output))
    metadata = {
        "base": base_id,
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(args).items()},
        "train_pairs": len(train),
        "test_pairs": len(test),
        "steps": step,
        "final_loss": last_loss,
        "seconds": round(time.time() - started, 1),
        "before": before,
        "after": after,
    }
    (output / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return metadata


def _without_duplicates(batch: list[Pair]) -> list[Pair]:
    """In-batch negatives must not be positives in disguise: one pair per requirement and per fact."""
    seen_req: set[str] = set()
    seen_fact: set[str] = set()
    out = []
    for p in batch:
        if p.job_requirement in seen_req or p.resume_fact in seen_fact:
            continue
        seen_req.add(p.job_requirement)
        seen_fact.add(p.resume_fact)
        out.append(p)
    return out


def format_table(rows: dict[str, dict[str, float]]) -> str:
    """Rows of metrics as a plain-text table."""
    header = f"{'encoder':<24} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'queries':>8}"
    lines = [header, "-" * len(header)]
    for name, m in rows.items():
        lines.append(f"{name:<24} {m['recall@1']:>6.3f} {m['recall@5']:>6.3f} {m['mrr']:>6.3f} {int(m['queries']):>8d}")
    return "\n".join(lines)
