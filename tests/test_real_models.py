"""The packaged weights for real: GGUF -> safetensors cache, a few streamed tokens, a LoRA smoke run."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from interviewer import weights
from interviewer.generator import Cancelled, GenerationConfig, GroundingFact, PromptInputs, load_generator
from interviewer.vocabulary import Act

pytestmark = pytest.mark.real_models
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "test-models"  # converted once per checkout, reused by later runs


@pytest.fixture(scope="session")
def model_dir() -> Path:
    weights.prepare(CACHE, weights.packaged_gguf())
    return CACHE


INPUTS = PromptInputs(
    job_title="Backend Engineer",
    stage=Act.REQUIREMENT_PROBE,
    facts=[GroundingFact("job", "Production PostgreSQL experience")],
    history=[("interviewer", "Tell me about yourself."), ("candidate", "I build payment APIs in Python.")],
)


def test_it_converts_the_packaged_gguf_once(model_dir):
    folder = weights.cache_dir(model_dir, weights.packaged_gguf())
    marker = json.loads((folder / weights.CACHE_MARKER).read_text())
    assert marker["source"].endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    assert (folder / "model.safetensors").stat().st_size > 100_000_000
    stamp = (folder / "model.safetensors").stat().st_mtime
    assert weights.prepare(model_dir, weights.packaged_gguf()) == folder  # idempotent: no rebuild
    assert (folder / "model.safetensors").stat().st_mtime == stamp


def test_it_streams_a_few_tokens_and_can_be_cancelled(model_dir):
    generator = load_generator(model_dir, config=GenerationConfig(max_new_tokens=6))
    pieces = list(generator.stream(INPUTS))
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert len(generator.tokenizer("".join(pieces))["input_ids"]) <= 7
    cancel = threading.Event()
    stream = generator.stream(INPUTS, cancel)
    next(stream)
    cancel.set()
    with pytest.raises(Cancelled):
        list(stream)


def test_it_explains_how_to_fix_a_damaged_cache(tmp_path, model_dir):
    folder = weights.cache_dir(tmp_path, weights.packaged_gguf())
    folder.mkdir(parents=True)
    (folder / weights.CACHE_MARKER).write_text("{}")
    (folder / "config.json").write_text("{not json")
    with pytest.raises(weights.WeightsError, match="prepare_models --force"):
        weights.load_base(tmp_path, weights.packaged_gguf())


def test_it_names_a_bad_generator_base():
    with pytest.raises(weights.WeightsError, match="GENERATOR_BASE"):
        weights.resolve_base("/nowhere/model.bin")


def smoke_arguments(model_dir: Path, output: Path, steps: int):  # type: ignore[no-untyped-def]
    """3 training dialogs, batches of 2: seconds on a CPU."""
    from training.train_generator import GeneratorTrainingArguments

    return GeneratorTrainingArguments(
        dialogs=ROOT / "fixtures" / "dialogs.jsonl",
        output_dir=output,
        model_dir=model_dir,
        fixtures_dir=ROOT / "fixtures",
        max_steps=steps,
        max_dialogs=3,
        batch_size=2,
        checkpoint_every=1,
    )


def test_it_trains_a_lora_adapter_for_two_steps(model_dir, tmp_path):
    from training.train_generator import main

    args = smoke_arguments(model_dir, tmp_path / "adapter", steps=2)
    metrics = main(args, log=lambda m: None)
    assert metrics["steps"] == 2 and metrics["train_dialogs"] == 3
    assert metrics["validation_loss"] > 0
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()
    saved = json.loads((tmp_path / "adapter" / "metrics.json").read_text())
    assert saved["data_hash"] and saved["trainable_parameters"] > 100_000
    generator = load_generator(model_dir, adapter_dir=tmp_path / "adapter", config=GenerationConfig(max_new_tokens=3))
    assert generator.name.endswith("+adapter") and list(generator.stream(INPUTS))


def test_it_resumes_an_interrupted_lora_run(model_dir, tmp_path):
    from training.train_generator import _save_checkpoint, main

    args = smoke_arguments(model_dir, tmp_path / "adapter", steps=3)
    # Simulate a run killed after step 2: write the checkpoint such a run leaves behind.
    import torch
    from peft import LoraConfig, get_peft_model

    model, _tok = weights.load_base(model_dir, weights.packaged_gguf())
    peft_model = get_peft_model(
        model,
        LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], task_type="CAUSAL_LM"),
    )
    optimizer = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad])
    _save_checkpoint(peft_model, optimizer, 2, [], tmp_path / "adapter" / "checkpoint")
    logs: list[str] = []
    args.resume = True
    metrics = main(args, log=logs.append)
    assert any("resumed at step 2 of 3" in line for line in logs)
    assert metrics["steps"] == 3
    assert not (tmp_path / "adapter" / "checkpoint").exists()
