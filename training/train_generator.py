"""LoRA fine-tuning of the dialog generator on interview dialogs (the only part trained on them).

Each example is system + selected facts + history -> the next interviewer turn; the loss
covers the interviewer turn only. Steps: 1 model, 2 data, 3 LoRA, 4 training loop with
validation loss each epoch and checkpoints, 5 save adapter + config + metrics + data hash.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from interviewer import weights
from interviewer.generator import GroundingFact, PromptInputs, build_prompt_ids
from training.data import DataError, catalog, examples, file_hash, load_dialogs, subsample

IGNORE = -100


@dataclass
class GeneratorTrainingArguments:
    dialogs: Path = field(metadata={"help": "interview dialogs JSONL (schema in README)"})
    output_dir: Path = field(metadata={"help": "where the adapter, config and metrics are saved"})
    model_dir: Path = field(metadata={"help": "MODEL_DIR: the base model's safetensors cache lives here"})
    fixtures_dir: Path = field(metadata={"help": "folder with catalog/*.json for job titles"})
    base: str = field(default="", metadata={"help": "GENERATOR_BASE (.gguf or model folder); empty = packaged"})
    data_fraction: float = field(default=1.0, metadata={"help": "share of training dialogs to use (nested subsets)"})
    epochs: int = field(default=1, metadata={"help": "passes over the training examples"})
    max_steps: int = field(default=0, metadata={"help": "stop after this many optimizer steps (0: no limit)"})
    batch_size: int = field(default=8, metadata={"help": "examples per optimizer step"})
    lr: float = field(default=3e-4, metadata={"help": "AdamW learning rate"})
    rank: int = field(default=8, metadata={"help": "LoRA rank r (alpha = 2r)"})
    prompt_tokens: int = field(default=256, metadata={"help": "token budget of each training prompt"})
    max_dialogs: int = field(default=0, metadata={"help": "use only the first N training dialogs (smoke runs)"})
    validation_examples: int = field(default=48, metadata={"help": "validation examples scored each epoch"})
    checkpoint_every: int = field(default=20, metadata={"help": "save a resumable checkpoint every N steps"})
    resume: bool = field(default=False, metadata={"help": "continue from the checkpoint in output_dir"})
    seed: int = field(default=7, metadata={"help": "shuffling and initialisation seed"})
    threads: int = field(default=0, metadata={"help": "torch CPU threads (0: default)"})


def encode_example(tokenizer, example, prompt_tokens: int) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    """(input ids, labels) with labels only on the interviewer turn and its end marker."""
    inputs = PromptInputs(
        job_title=example.job_title,
        company=example.company,
        stage=example.stage,
        facts=[GroundingFact(s, t) for s, t in example.facts],
        history=list(example.history),
    )
    prompt = build_prompt_ids(tokenizer, inputs, prompt_tokens)
    target = tokenizer(example.target + "<|im_end|>", add_special_tokens=False)["input_ids"]
    return prompt + target, [IGNORE] * len(prompt) + target


def main(
    args: GeneratorTrainingArguments,
    progress: Callable[[int, int, float], None] | None = None,
    log: Callable[[str], None] = print,
) -> dict:  # type: ignore[type-arg]
    """Train (or resume), save, and return the metrics also written to metrics.json."""
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model

    if args.threads:
        torch.set_num_threads(args.threads)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    output = Path(args.output_dir)
    checkpoint = output / "checkpoint"

    # 1. Model: the frozen base from the safetensors cache
    base = weights.resolve_base(args.base)
    model, tokenizer = weights.load_base(Path(args.model_dir), base)

    # 2. Data: fixed split by dialog; nested subsets for the low-resource curve
    dialogs = load_dialogs(Path(args.dialogs))
    jobs = {e["slug"]: e for e in catalog(Path(args.fixtures_dir)) if e["kind"] == "job"}
    train_dialogs = subsample([d for d in dialogs if d.split == "train"], args.data_fraction)
    if args.max_dialogs:
        train_dialogs = train_dialogs[: args.max_dialogs]
    valid_dialogs = [d for d in dialogs if d.split == "validation"]
    if not train_dialogs:
        raise DataError(f"{args.dialogs}: no dialogs in the train split")
    train = [encode_example(tokenizer, e, args.prompt_tokens) for e in examples(train_dialogs, jobs)]
    valid = [encode_example(tokenizer, e, args.prompt_tokens) for e in examples(valid_dialogs, jobs)]
    # A fixed sample keeps the per-epoch validation affordable on a CPU.
    valid = random.Random(args.seed).sample(valid, min(len(valid), 4 * args.max_dialogs or args.validation_examples))

    # 3. LoRA on the attention projections; the base stays frozen
    if args.resume and (checkpoint / "adapter_config.json").is_file():
        model = PeftModel.from_pretrained(model, str(checkpoint), is_trainable=True)
        state = torch.load(checkpoint / "trainer.pt", weights_only=False)
    else:
        if args.resume:
            log(f"no checkpoint in {output}; starting from scratch")
        config = LoraConfig(
            r=args.rank,
            lora_alpha=2 * args.rank,
            lora_dropout=0.05,
            target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
            task_type="CAUSAL_LM",
        )
        model = get_peft_model(model, config)
        state = None
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log(f"trainable parameters: {trainable:,}; {len(train)} training and {len(valid)} validation examples")

    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.0)
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total_steps = args.max_steps or steps_per_epoch * args.epochs
    step, history = 0, []
    if state is not None:
        optimizer.load_state_dict(state["optimizer"])
        step, history = state["step"], state["history"]
        log(f"resumed at step {step} of {total_steps}")

    # 4. Training loop: length-bucketed batches in a seeded order, so a resumed run sees the same batches
    started = time.time()
    model.train()
    last_loss = float("nan")
    while step < total_steps:
        epoch = step // steps_per_epoch
        batches = _batches(train, args.batch_size, args.seed + epoch)
        for index in range(step % steps_per_epoch, len(batches)):
            loss = _loss(model, batches[index], tokenizer.pad_token_id or 0)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            optimizer.step()
            step += 1
            last_loss = float(loss.detach())
            if progress:
                progress(step, total_steps, last_loss)
            if args.checkpoint_every and step % args.checkpoint_every == 0 and step < total_steps:
                _save_checkpoint(model, optimizer, step, history, checkpoint)
            if step >= total_steps:
                break
        if step % steps_per_epoch == 0 or step >= total_steps:
            history.append(
                {"step": step, "train_loss": last_loss, "validation_loss": validation_loss(model, valid, tokenizer)}
            )
            log(
                f"epoch {len(history)}: train loss {last_loss:.4f}, validation loss {history[-1]['validation_loss']:.4f}"
            )
            model.train()

    # 5. Save adapter, config, metrics and the data hash
    model.eval()
    output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(output))
    metrics = {
        "base": weights.base_name(base),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(args).items()},
        "data_hash": file_hash(Path(args.dialogs)),
        "train_dialogs": len(train_dialogs),
        "train_examples": len(train),
        "validation_examples": len(valid),
        "trainable_parameters": trainable,
        "steps": step,
        "seconds": round(time.time() - started, 1),
        "history": history,
        "validation_loss": history[-1]["validation_loss"] if history else None,
    }
    (output / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    shutil.rmtree(checkpoint, ignore_errors=True)
    return metrics


def _batches(items: list, size: int, seed: int) -> list[list]:  # type: ignore[type-arg]
    """Shuffle, then sort within windows of 8 batches by length so padding stays small."""
    rng = random.Random(seed)
    order = list(range(len(items)))
    rng.shuffle(order)
    window = size * 8
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: len(items[i][0]))
        batches.extend([items[i] for i in chunk[j : j + size]] for j in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches


def _loss(model, batch, pad_id: int):  # type: ignore[no-untyped-def]
    import torch

    width = max(len(ids) for ids, _ in batch)
    input_ids = torch.full((len(batch), width), pad_id)
    labels = torch.full((len(batch), width), IGNORE)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (ids, lab) in enumerate(batch):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        labels[row, : len(lab)] = torch.tensor(lab)
        mask[row, : len(ids)] = 1
    return model(input_ids=input_ids, attention_mask=mask, labels=labels).loss


def validation_loss(model, items: list, tokenizer, batch_size: int = 8) -> float:  # type: ignore[no-untyped-def,type-arg]
    """Mean token loss over ``items`` (interviewer tokens only)."""
    import torch

    if not items:
        return float("nan")
    model.eval()
    total, count = 0.0, 0
    with torch.inference_mode():
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            tokens = sum(sum(1 for x in lab if x != IGNORE) for _, lab in batch)
            total += float(_loss(model, batch, tokenizer.pad_token_id or 0)) * tokens
            count += tokens
    return total / count


def _save_checkpoint(model, optimizer, step: int, history: list, folder: Path) -> None:  # type: ignore[no-untyped-def,type-arg]
    import torch

    tmp = folder.with_name("checkpoint.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    torch.save({"optimizer": optimizer.state_dict(), "step": step, "history": history}, tmp / "trainer.pt")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
