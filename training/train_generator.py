"""LoRA fine-tuning of the dialog generator on interview dialogs (the only part trained on them).

Each example is the serving prompt (instruction + selected facts + an exemplar interviewer
turn from *another* dialog + the dialog so far, in the base's prompt style and budget) -> the next
interviewer turn. Logits and loss are computed on the target turn only (the prompt's positions
never reach the language-model head), batches group examples of similar length, and the
``transformers.Trainer`` runs the loop: progress, validation loss each epoch, resumable
checkpoints.

Steps: 1 model, 2 data, 3 LoRA, 4 arguments, 5 trainer, 6 train (or resume), 7 evaluate,
8 save adapter + exemplars + config + metrics + data hash.
"""

from __future__ import annotations

import json
import math
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from transformers import PrinterCallback, Trainer, TrainerCallback

from interviewer.dialog import exemplars
from interviewer.dialog.inputs import GroundingFact, PromptInputs, PromptStyle, build_prompt
from interviewer.serving import bases, weights
from interviewer.vocabulary import Source
from training.data import DataError, Dialog, Example, catalog, examples, file_hash, load_dialogs, subsample
from training.progress import LossProgress

if TYPE_CHECKING:
    import torch
    from peft import PeftModel
    from torch import nn

IGNORE = -100
LARGE_BASE = 500_000_000  # parameters above which training checkpoints the activations
EXEMPLARS_FILE = "exemplars.jsonl"


@dataclass
class GeneratorTrainingArguments:
    dialogs: Path = field(metadata={"help": "interview dialogs JSONL (schema in README)"})
    output_dir: Path = field(metadata={"help": "where the adapter, config and metrics are saved"})
    model_dir: Path = field(metadata={"help": "MODEL_DIR: the base model's safetensors cache lives here"})
    fixtures_dir: Path = field(metadata={"help": "folder with catalog/*.json for job titles"})
    base: str = field(
        default="",
        metadata={
            "help": "GENERATOR_BASE: a registered base, a .gguf file or a model folder; empty = the default base"
        },
    )
    data_fraction: float = field(default=1.0, metadata={"help": "share of training dialogs to use (nested subsets)"})
    epochs: float = field(default=2.0, metadata={"help": "passes over the training examples"})
    max_steps: int = field(default=0, metadata={"help": "stop after this many optimizer steps (0: no limit)"})
    batch_size: int = field(default=8, metadata={"help": "examples per optimizer step"})
    lr: float = field(default=4e-4, metadata={"help": "peak AdamW learning rate (cosine decay, 5% warm-up)"})
    rank: int = field(default=8, metadata={"help": "LoRA rank r (alpha = 2r)"})
    prompt_tokens: int = field(
        default=0, metadata={"help": "token budget of each prompt's turn part (0: the base's, as served)"}
    )
    max_dialogs: int = field(default=0, metadata={"help": "use only the first N training dialogs (smoke runs)"})
    validation_examples: int = field(default=48, metadata={"help": "validation examples scored each epoch"})
    checkpoint_every: int = field(default=20, metadata={"help": "save a resumable checkpoint every N steps"})
    resume: bool = field(default=False, metadata={"help": "continue from the last checkpoint in output_dir"})
    seed: int = field(default=7, metadata={"help": "shuffling and initialisation seed"})
    threads: int = field(default=0, metadata={"help": "torch CPU threads (0: default)"})


# ---------------------------------------------------------------------------
# Data


def prompt_inputs(example: Example, shown: Sequence[exemplars.Exemplar]) -> PromptInputs:
    """The serving prompt's inputs for a training example (the same builder serves live turns)."""
    return PromptInputs(
        job_title=example.job_title,
        company=example.company,
        stage=example.stage,
        facts=[GroundingFact(s, t) for s, t in example.facts],
        history=list(example.history),
        exemplars=[e.text for e in shown],
    )


def encode_example(
    tokenizer: Any, inputs: PromptInputs, target: str, prompt_tokens: int, style: PromptStyle = PromptStyle.COMPACT
) -> dict[str, list[int]]:
    """Input ids and labels: labels only on the interviewer turn and its end marker. The prompt is
    the base's as served (``build_prompt``)."""
    prompt = build_prompt(tokenizer, inputs, style, prompt_tokens)
    answer = tokenizer(target + "<|im_end|>", add_special_tokens=False)["input_ids"]
    return {"input_ids": prompt + answer, "labels": [IGNORE] * len(prompt) + answer}


def build_dataset(
    dialogs: Sequence[Dialog],
    bank: exemplars.ExemplarBank,
    jobs: dict[str, dict[str, str]],
    tokenizer: Any,
    budget: int,
    style: PromptStyle = PromptStyle.COMPACT,
) -> list[dict[str, list[int]]]:
    """Every interviewer turn of ``dialogs`` as an example, its exemplar from another dialog."""
    out = []
    for example in examples(list(dialogs), jobs):
        last_answer = next((t for r, t in reversed(example.history) if r == "candidate"), "")
        shown = bank.nearest(
            example.stage,
            facts=[t for _s, t in example.facts],
            last_answer=last_answer,
            job_title=example.job_title,
            k=1,
            exclude_dialog=example.dialog_id,
        )
        out.append(encode_example(tokenizer, prompt_inputs(example, shown), example.target, budget, style))
    return out


def collate(pad_id: int) -> Callable[[list[dict[str, list[int]]]], dict[str, Any]]:
    """Right-padded tensors; padding is ignored by the loss and the attention."""

    def collate_batch(batch: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        width = max(len(item["input_ids"]) for item in batch)
        input_ids = torch.full((len(batch), width), pad_id)
        labels = torch.full((len(batch), width), IGNORE)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, item in enumerate(batch):
            n = len(item["input_ids"])
            input_ids[row, :n] = torch.tensor(item["input_ids"])
            labels[row, :n] = torch.tensor(item["labels"])
            mask[row, :n] = 1
        return {"input_ids": input_ids, "attention_mask": mask, "labels": labels}

    return collate_batch


class TargetOnlyTrainer(Trainer):
    """The language-model head runs on the target turn's positions only: the prompt's logits
    (most of every sequence, over a 49k vocabulary) are never computed."""

    def compute_loss(
        self,
        model: nn.Module,
        inputs: dict[str, Any],
        return_outputs: bool = False,
        num_items_in_batch: torch.Tensor | int | None = None,
    ) -> torch.Tensor | tuple[torch.Tensor, Any]:
        import torch.nn.functional as F

        labels = inputs["labels"]
        # The trainer's model is the PeftModel from main(); its base's .model (the decoder) and
        # .lm_head are named by the architecture, not by a type.
        causal_lm: Any = cast("PeftModel", model).get_base_model()
        hidden = causal_lm.model(
            input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"]
        ).last_hidden_state
        targets = labels[:, 1:]
        keep = targets != IGNORE
        logits = causal_lm.lm_head(hidden[:, :-1][keep]).float()
        total = F.cross_entropy(logits, targets[keep], reduction="sum")
        count = num_items_in_batch if num_items_in_batch is not None else keep.sum()
        loss = total / count
        return (loss, {"loss": loss}) if return_outputs else loss


# ---------------------------------------------------------------------------
# The run


def main(
    args: GeneratorTrainingArguments,
    progress: Callable[[int, int, float], None] | None = None,
    log: Callable[[str], None] = print,
    callbacks: Sequence[TrainerCallback] = (),
) -> dict[str, Any]:
    """Train (or resume), save, and return the metrics also written to metrics.json."""
    from peft import get_peft_model

    _seed_torch(args)
    output = Path(args.output_dir)
    checkpoints = output.with_name(output.name + ".checkpoints")

    # 1. Model: the frozen base from the safetensors cache
    base = weights.resolve_base(args.base, Path(args.model_dir))
    model, tokenizer = weights.load_base(Path(args.model_dir), base)

    # 2. Data: fixed split by dialog; exemplars from the training dialogs, never a turn's own dialog;
    # the prompt in the base's style and budget, as served
    style, budget = bases.prompt_of(base)
    args.prompt_tokens = args.prompt_tokens or budget
    train_dialogs, bank, train, valid = _data(args, tokenizer, style)

    # 3. LoRA on the attention projections; the base stays frozen
    model = get_peft_model(_checkpointed(model), lora_config(args.rank))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log(f"trainable parameters: {trainable:,}; {len(train)} training and {len(valid)} validation examples")

    # 4-5. Arguments and trainer
    trainer = _trainer(args, model, tokenizer, (train, valid), checkpoints, [LossProgress(progress, log), *callbacks])
    base_loss = None if args.resume else trainer.evaluate()["eval_loss"]  # the base model, before training

    # 6. Train, or continue the interrupted run
    started = time.time()
    result = trainer.train(resume_from_checkpoint=_resume_point(args, checkpoints, log))

    # 7. Evaluate
    validation = trainer.evaluate()["eval_loss"]

    # 8. Save the adapter with what serving needs to rebuild its prompts
    counts = {
        "train_dialogs": len(train_dialogs),
        "train_examples": len(train),
        "validation_examples": len(valid),
        "trainable_parameters": trainable,
    }
    metrics = _metrics(args, base, trainer, result, counts, validation, base_loss, started)
    _save(model, bank, metrics, output, checkpoints)
    return metrics


def _seed_torch(args: GeneratorTrainingArguments) -> None:
    """torch's CPU threads (when set) and its seed, before anything draws from it."""
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)


def _trainer(
    args: GeneratorTrainingArguments,
    model: Any,
    tokenizer: Any,
    datasets: tuple[list[dict[str, list[int]]], list[dict[str, list[int]]]],
    checkpoints: Path,
    callbacks: list[TrainerCallback],
) -> TargetOnlyTrainer:
    """The trainer over the (train, validation) examples; progress goes to ``callbacks``, not raw dicts."""
    train, valid = datasets
    trainer = TargetOnlyTrainer(
        model=model,
        args=_training_arguments(args, checkpoints, len(train)),
        train_dataset=train,  # a list of dicts is a map-style dataset
        eval_dataset=valid,
        data_collator=collate(tokenizer.pad_token_id or 0),
        callbacks=callbacks,
    )
    trainer.remove_callback(PrinterCallback)
    return trainer


def _checkpointed(model: Any) -> Any:
    """A large base recomputes its activations in the backward pass (gradient checkpointing) rather
    than holding them: the 1.5B base's, in float32, would not fit beside its weights in a few GB."""
    if sum(p.numel() for p in model.parameters()) > LARGE_BASE:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    return model


def lora_config(rank: int) -> Any:
    """LoRA on the attention projections (q, k, v, o), alpha = 2r."""
    from peft import LoraConfig

    return LoraConfig(
        r=rank,
        lora_alpha=2 * rank,
        lora_dropout=0.05,
        target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
        task_type="CAUSAL_LM",
    )


def _metrics(  # noqa: PLR0913 - one record of one run
    args: GeneratorTrainingArguments,
    base: Path,
    trainer: Trainer,
    result: Any,
    counts: dict[str, int],
    validation: float,
    base_loss: float | None,
    started: float,
) -> dict[str, Any]:
    return {
        "base": weights.base_name(base),
        "prompt_style": str(bases.prompt_of(base)[0]),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(args).items()},
        "data_hash": file_hash(Path(args.dialogs)),
        **counts,
        "steps": result.global_step,
        "train_loss": result.training_loss,
        "seconds": round(time.time() - started, 1),
        "base_validation_loss": base_loss,
        "validation_loss": validation,
        "history": [
            {"epoch": e.get("epoch"), "step": e.get("step"), "validation_loss": e["eval_loss"]}
            for e in trainer.state.log_history
            if "eval_loss" in e
        ],
    }


def _data(
    args: GeneratorTrainingArguments, tokenizer: Any, style: PromptStyle = PromptStyle.COMPACT
) -> tuple[list[Dialog], exemplars.ExemplarBank, list[dict[str, list[int]]], list[dict[str, list[int]]]]:
    """Training dialogs, the exemplar bank built from them, and the encoded train and validation examples."""
    dialogs = load_dialogs(Path(args.dialogs))
    jobs = {e["slug"]: e for e in catalog(Path(args.fixtures_dir)) if e["kind"] == Source.JOB}
    train_dialogs = subsample([d for d in dialogs if d.split == "train"], args.data_fraction)
    if args.max_dialogs:
        train_dialogs = train_dialogs[: args.max_dialogs]
    if not train_dialogs:
        raise DataError(f"{args.dialogs}: no dialogs in the train split")
    bank = exemplars.ExemplarBank(
        exemplars.from_dialogs(train_dialogs, {k: v.get("title", "") for k, v in jobs.items()}),
        weights.packaged_encoder(),
    )
    train = build_dataset(train_dialogs, bank, jobs, tokenizer, args.prompt_tokens, style)
    valid = build_dataset(
        [d for d in dialogs if d.split == "validation"], bank, jobs, tokenizer, args.prompt_tokens, style
    )
    wanted = 4 * args.max_dialogs or args.validation_examples
    return train_dialogs, bank, train, valid[:: max(1, len(valid) // max(1, wanted))][:wanted]


def _resume_point(args: GeneratorTrainingArguments, checkpoints: Path, log: Callable[[str], None]) -> str | None:
    """The last checkpoint of an interrupted run, when asked to resume and there is one."""
    if not args.resume:
        return None
    found = sorted(checkpoints.glob("checkpoint-*"), key=lambda p: int(p.name.rsplit("-", 1)[1]))
    if not found:
        log(f"no checkpoint in {checkpoints}; starting from scratch")
        return None
    log(f"resumed at step {found[-1].name.rsplit('-', 1)[1]}")
    return str(found[-1])


def _training_arguments(args: GeneratorTrainingArguments, checkpoints: Path, examples_count: int) -> Any:
    import torch
    from transformers import TrainingArguments

    steps_per_epoch = math.ceil(examples_count / args.batch_size)
    return TrainingArguments(
        output_dir=str(checkpoints),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps or -1,
        per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=args.batch_size,
        learning_rate=args.lr,
        lr_scheduler_type="cosine",
        warmup_steps=max(1, round(0.05 * steps_per_epoch * args.epochs)),
        weight_decay=0.0,
        train_sampling_strategy="group_by_length",  # batches of similar length: little padding
        logging_steps=1,
        eval_strategy="epoch",
        save_strategy="steps",
        save_steps=args.checkpoint_every,
        save_total_limit=1,
        prediction_loss_only=True,
        remove_unused_columns=False,
        report_to="none",
        use_cpu=not torch.cuda.is_available(),
        seed=args.seed,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )


def _save(model: Any, bank: exemplars.ExemplarBank, metrics: dict[str, Any], output: Path, checkpoints: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(output))
    exemplars.save(bank.exemplars, output / EXEMPLARS_FILE)
    (output / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    shutil.rmtree(checkpoints, ignore_errors=True)
