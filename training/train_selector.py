"""Contrastive fine-tuning of the knowledge selector's encoder on (resume fact, job requirement) pairs.

Steps: 1 model, 2 data, 3 loss (MultipleNegativesRankingLoss: in-batch negatives),
4 evaluator (InformationRetrievalEvaluator: Recall@k and MRR on the held-out requirements),
5 arguments, 6 trainer (SentenceTransformerTrainer, resumable), 7 evaluate, 8 save.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from transformers import PrinterCallback

from interviewer.matching.selector import retrieval_metrics
from interviewer.serving.weights import PACKAGED_ENCODER_ID, packaged_encoder_dir
from training.data import Pair, load_pairs, split_pairs
from training.progress import LossProgress
from training.tables import table

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer
    from sentence_transformers.base.modality_types import SingleInput
    from sentence_transformers.sentence_transformer.evaluation import InformationRetrievalEvaluator
    from sentence_transformers.sentence_transformer.training_args import SentenceTransformerTrainingArguments


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
    resume: bool = field(default=False, metadata={"help": "continue from the last checkpoint of this output"})


def evaluator(pairs: list[Pair], name: str = "held-out") -> InformationRetrievalEvaluator | None:
    """Requirement -> evidence retrieval over the evidence of ``pairs``.

    Each distinct requirement is a query; the corpus is every distinct resume fact in
    ``pairs``; a hit is any fact paired with that requirement. None when ``pairs`` is empty.
    """
    from sentence_transformers.sentence_transformer.evaluation import InformationRetrievalEvaluator

    corpus = {f"d{i}": text for i, text in enumerate(sorted({p.resume_fact for p in pairs}))}
    queries = {f"q{i}": text for i, text in enumerate(sorted({p.job_requirement for p in pairs}))}
    if not corpus or not queries:
        return None
    doc_id = {text: key for key, text in corpus.items()}
    query_id = {text: key for key, text in queries.items()}
    relevant: dict[str, set[str]] = {key: set() for key in queries}
    for p in pairs:
        relevant[query_id[p.job_requirement]].add(doc_id[p.resume_fact])
    return InformationRetrievalEvaluator(
        cast("dict[str, SingleInput]", queries),  # dict is invariant; texts are SingleInputs, only read
        cast("dict[str, SingleInput]", corpus),
        relevant,
        mrr_at_k=[len(corpus)],  # the full MRR: the first relevant fact wherever it ranks
        accuracy_at_k=[1, 5],
        precision_recall_at_k=[1],
        ndcg_at_k=[10],
        map_at_k=[10],
        name=name,
        write_csv=False,
    )


def evaluate(model: SentenceTransformer, pairs: list[Pair]) -> dict[str, float]:
    """Recall@1, Recall@5 (a paired fact in the top k) and MRR of ``model`` on ``pairs``."""
    found = evaluator(pairs)
    if found is None:
        return retrieval_metrics([])
    pick = {key.rsplit("_", 1)[-1]: value for key, value in found(model).items()}  # "held-out_cosine_mrr@9"
    return {
        "recall@1": float(pick["accuracy@1"]),
        "recall@5": float(pick["accuracy@5"]),
        "mrr": float(pick[f"mrr@{len(found.corpus)}"]),
        "queries": len(found.queries),
    }


def main(args: SelectorTrainingArguments, progress: Callable[[int, float], None] | None = None) -> dict[str, Any]:
    """Fine-tune, evaluate before and after, save; returns the metrics written to metadata.json."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer import losses

    # 1. Model
    base = Path(args.base) if args.base else packaged_encoder_dir()
    model = SentenceTransformer(str(base), device="cpu", local_files_only=True)

    # 2. Data: (requirement, evidence) pairs, split by requirement
    train, test, dataset = _data(args)

    # 3. Loss: in-batch negatives; 4. Evaluator: retrieval on the held-out requirements
    loss = losses.MultipleNegativesRankingLoss(model)
    held_out = evaluator(test)
    before = evaluate(model, test)

    # 5. Arguments: no duplicate texts in a batch (a negative must not be a positive in disguise)
    checkpoints = Path(args.output_dir).with_name(Path(args.output_dir).name + ".checkpoints")
    training_args = _training_arguments(args, checkpoints)

    # 6. Trainer (resumes from the last checkpoint of an interrupted run)
    trainer = _trainer(model, training_args, dataset, loss, held_out, progress)
    started = time.time()
    resume = args.resume and any(checkpoints.glob("checkpoint-*"))
    result = trainer.train(resume_from_checkpoint=True if resume else None)

    # 7. Evaluate after
    after = evaluate(model, test)

    # 8. Save the encoder with everything needed to rebuild and judge it
    metadata = {
        "base": PACKAGED_ENCODER_ID if args.base is None else str(base),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(args).items()},
        "train_pairs": len(train),
        "test_pairs": len(test),
        "steps": result.global_step,
        "final_loss": result.training_loss,
        "seconds": round(time.time() - started, 1),
        "before": before,
        "after": after,
    }
    _save(model, Path(args.output_dir), metadata)
    shutil.rmtree(checkpoints, ignore_errors=True)
    return metadata


def _data(args: SelectorTrainingArguments) -> tuple[list[Pair], list[Pair], Any]:
    """The training and held-out pairs (split by requirement), and the training pairs as the
    trainer reads them: (anchor: the requirement, positive: its evidence)."""
    from datasets import Dataset

    train, test = split_pairs(load_pairs(args.pairs), args.test_fraction)
    if len(train) < 2:
        raise ValueError(f"{args.pairs}: need at least 2 training pairs, found {len(train)}")
    dataset = Dataset.from_dict(
        {"anchor": [p.job_requirement for p in train], "positive": [p.resume_fact for p in train]}
    )
    return train, test, dataset


def _trainer(
    model: SentenceTransformer,
    training_args: SentenceTransformerTrainingArguments,
    dataset: Any,
    loss: Any,
    held_out: InformationRetrievalEvaluator | None,
    progress: Callable[[int, float], None] | None,
) -> SentenceTransformerTrainer:
    """The trainer, reporting its progress to the command's bar rather than as raw dicts."""
    from sentence_transformers import SentenceTransformerTrainer

    trainer = SentenceTransformerTrainer(
        model=model,
        args=training_args,
        train_dataset=dataset,
        loss=loss,
        evaluator=held_out,
        callbacks=[LossProgress(lambda step, _steps, loss: progress(step, loss))] if progress else [],
    )
    trainer.remove_callback(PrinterCallback)
    return trainer


def _training_arguments(args: SelectorTrainingArguments, checkpoints: Path) -> SentenceTransformerTrainingArguments:
    """The Trainer's arguments: constant rate, no duplicate texts in a batch, one checkpoint an epoch."""
    from sentence_transformers.sentence_transformer.training_args import BatchSamplers
    from sentence_transformers.sentence_transformer.training_args import (
        SentenceTransformerTrainingArguments as Arguments,
    )

    return Arguments(
        output_dir=str(checkpoints),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps or -1,
        per_device_train_batch_size=args.batch_size,
        learning_rate=args.lr,
        lr_scheduler_type="constant",  # few steps on a small set: a decaying rate stops learning early
        batch_sampler=BatchSamplers.NO_DUPLICATES,
        seed=args.seed,
        save_strategy="epoch",
        save_total_limit=1,
        logging_steps=1,
        report_to="none",
        use_cpu=True,
        disable_tqdm=True,
    )


def _save(model: SentenceTransformer, output: Path, metadata: dict[str, Any]) -> None:
    """The encoder folder, replaced whole, with metadata.json beside the weights."""
    if output.exists():
        shutil.rmtree(output)
    model.save(str(output))
    (output / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")


def format_table(rows: dict[str, dict[str, float]]) -> str:
    """Rows of retrieval metrics as a plain-text table."""
    return table(
        [(name, m["recall@1"], m["recall@5"], m["mrr"], int(m["queries"])) for name, m in rows.items()],
        ("encoder", "R@1", "R@5", "MRR", "queries"),
    )
