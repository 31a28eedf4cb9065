"""The packaged weights for real: GGUF -> safetensors cache -> CTranslate2 (base and the shipped adapter
merged), real tokens streamed through both backends and the engine, a LoRA smoke run. These run on
the small base (SmolLM2-135M); one test joins, checks, converts and decodes the default base
(Qwen2.5-Coder-1.5B-Instruct), as `make run` does."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from interviewer.dialog.inputs import GroundingFact, PromptInputs
from interviewer.serving import bases, conversion, weights
from interviewer.serving.ct2_generator import load_ct2_generator
from interviewer.serving.engine import GenerationEngine
from interviewer.serving.generator import Cancelled, GenerationConfig, load_generator
from interviewer.serving.handles import CANCELLED, DONE, TOKEN, GenerationRequest
from interviewer.vocabulary import Act

pytestmark = pytest.mark.real_models
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "test-models"  # converted once per checkout, reused by later runs
SMALL = bases.SMOLLM2.name


@pytest.fixture(scope="session")
def model_dir() -> Path:
    weights.prepare(CACHE, weights.packaged_gguf())
    return CACHE


SHIPPED_ADAPTER = ROOT / "models" / "interviewer-exemplars"
WAIT = 60  # seconds for one real decode on a busy 2-core machine


@pytest.fixture(scope="session")
def ct2_base(model_dir) -> Path:
    return conversion.convert(model_dir, weights.packaged_gguf())


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
    generator = load_generator(model_dir, SMALL, config=GenerationConfig(max_new_tokens=6))
    pieces = list(generator.stream(INPUTS))
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert len(generator.tokenizer("".join(pieces))["input_ids"]) <= 7
    cancel = threading.Event()
    stream = generator.stream(INPUTS, cancel)
    next(stream)
    cancel.set()
    with pytest.raises(Cancelled):
        list(stream)


def test_it_converts_the_base_to_ctranslate2_once(model_dir, ct2_base):
    marker = json.loads((ct2_base / conversion.MARKER).read_text())
    assert marker["source"]["quantization"] == "int8"
    assert (ct2_base / "model.bin").stat().st_size > 50_000_000
    assert (ct2_base / "tokenizer.json").is_file()
    stamp = (ct2_base / "model.bin").stat().st_mtime

    assert conversion.convert(model_dir, weights.packaged_gguf()) == ct2_base  # idempotent: no rebuild

    assert (ct2_base / "model.bin").stat().st_mtime == stamp
    assert not list(ct2_base.parent.glob(".*partial*"))  # nothing half-written is left behind


def engine_events(generator, request) -> list:  # type: ignore[no-untyped-def]
    engine = GenerationEngine(lambda: generator)
    try:
        return list(engine.submit(request).iter(timeout=WAIT))
    finally:
        engine.stop()


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_it_streams_real_tokens_through_the_engine(model_dir, ct2_base, backend):
    config = GenerationConfig(max_new_tokens=12)
    if backend == "ctranslate2":
        generator = load_ct2_generator(ct2_base, config, max_sequences=4)
    else:
        generator = load_generator(model_dir, SMALL, config=config)

    seen = engine_events(generator, GenerationRequest(INPUTS))

    pieces, last = [e.text for e in seen if e.kind == TOKEN], seen[-1]
    assert pieces and last.kind == DONE and last.text == "".join(pieces)
    assert "\n" not in last.text
    assert 0 < last.candidates[0].tokens <= 12 and last.candidates[0].mean_logprob < 0


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_it_samples_several_real_candidates(model_dir, ct2_base, backend):
    config = GenerationConfig(max_new_tokens=10)
    if backend == "ctranslate2":
        generator = load_ct2_generator(ct2_base, config, max_sequences=8)
    else:
        generator = load_generator(model_dir, SMALL, config=config)

    seen = engine_events(generator, GenerationRequest(INPUTS, n=3, sample=True, seed=7, stream=False))

    assert [e.kind for e in seen] == [DONE]
    candidates = seen[0].candidates
    assert len(candidates) == 3 and all(c.tokens <= 10 and c.mean_logprob < 0 for c in candidates)
    assert len({c.text for c in candidates}) > 1  # sampled, not three copies of the greedy answer


def test_candidates_split_across_two_lanes_are_sampled_apart(ct2_base, monkeypatch):
    generator = load_ct2_generator(ct2_base, GenerationConfig(max_new_tokens=16), lanes=2, threads=1)
    decoded: list[list[int]] = []
    decode = generator.decode

    def recording(handles):  # type: ignore[no-untyped-def]
        decoded.append([h.request.n for h in handles])
        decode(handles)

    monkeypatch.setattr(generator, "decode", recording)
    engine = GenerationEngine(lambda: generator)
    try:
        assert list(engine.submit(INPUTS).iter(timeout=WAIT))[-1].kind == DONE  # both lanes' workers run
        *_, last = engine.submit(GenerationRequest(INPUTS, n=6, sample=True, stream=False)).iter(timeout=WAIT)
    finally:
        engine.close()

    assert decoded[1:] == [[3], [3]]  # one part on each lane
    texts = [c.text for c in last.candidates]
    assert last.kind == DONE and len(texts) == 6
    assert texts[:3] != texts[3:]  # each lane draws its own random numbers (seed_lanes)


def test_it_cancels_one_real_sequence_and_finishes_the_other(ct2_base):
    import threading

    loaded = threading.Event()
    generator = load_ct2_generator(ct2_base, GenerationConfig(max_new_tokens=30), max_sequences=4)
    engine = GenerationEngine(lambda: (loaded.wait(WAIT), generator)[1])
    try:
        kept, dropped = engine.submit(INPUTS), engine.submit(INPUTS)
        loaded.set()  # both are waiting when the first decode starts: one batch
        events = dropped.iter(timeout=WAIT)
        assert next(events).kind == TOKEN
        dropped.cancel()
        assert [e.kind for e in events][-1] == CANCELLED
        assert list(kept.iter(timeout=WAIT))[-1].kind == DONE
    finally:
        engine.stop()


def test_it_merges_and_converts_the_shipped_adapter(model_dir, ct2_base):
    folder = conversion.convert(model_dir, weights.packaged_gguf(), SHIPPED_ADAPTER)

    assert folder.name == f"{ct2_base.name}+interviewer-exemplars"
    assert conversion.is_converted(model_dir, weights.packaged_gguf(), SHIPPED_ADAPTER)
    merged = load_ct2_generator(folder, GenerationConfig(max_new_tokens=12), name="merged")
    base = load_ct2_generator(ct2_base, GenerationConfig(max_new_tokens=12))
    request = GenerationRequest(INPUTS)
    merged_text = engine_events(merged, request)[-1].text
    base_text = engine_events(base, request)[-1].text
    assert merged_text and merged_text != base_text  # the adapter changes what the model says


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
        base=SMALL,
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
    assert saved["base"] == weights.base_name(weights.packaged_gguf()) and saved["prompt_style"] == "compact"
    generator = load_generator(
        model_dir, SMALL, adapter_dir=tmp_path / "adapter", config=GenerationConfig(max_new_tokens=3)
    )
    assert generator.name.endswith("+adapter") and list(generator.stream(INPUTS))


def test_it_resumes_an_interrupted_lora_run(model_dir, tmp_path):
    from transformers import TrainerCallback

    from training.train_generator import main

    class KilledAfterSecondCheckpoint(TrainerCallback):
        def on_save(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
            if state.global_step == 2:
                raise KeyboardInterrupt  # the process dies right after writing checkpoint-2

    args = smoke_arguments(model_dir, tmp_path / "adapter", steps=3)
    with pytest.raises(KeyboardInterrupt):
        main(args, log=lambda m: None, callbacks=[KilledAfterSecondCheckpoint()])
    assert not (tmp_path / "adapter" / "adapter_model.safetensors").exists()
    logs: list[str] = []
    args.resume = True
    metrics = main(args, log=logs.append)
    assert any("resumed at step 2" in line for line in logs)
    assert metrics["steps"] == 3
    assert (tmp_path / "adapter" / "exemplars.jsonl").is_file()  # serving rebuilds the same prompts


def test_it_joins_checks_converts_and_streams_the_default_base(tmp_path):
    """As `make run` prepares it: the 22 packaged parts joined and checked, the safetensors cache in
    float16, CTranslate2 int8, and a turn streamed from the instruct prompt with its code-written start."""
    from interviewer.dialog.inputs import PromptStyle

    base = weights.resolve_base("", CACHE)
    folder = conversion.convert(CACHE, base)
    cache = weights.cache_dir(CACHE, base)
    marker = json.loads((cache / weights.CACHE_MARKER).read_text())
    assert marker["sha256"] == bases.QWEN.sha256 and marker["dtype"] == "torch.float16"
    assert not base.exists()  # the joined GGUF is dropped once the cache holds it
    assert json.loads((cache / "config.json").read_text())["tie_word_embeddings"] is False

    generator = load_ct2_generator(
        folder, GenerationConfig(max_new_tokens=16), style=PromptStyle.INSTRUCT, budget=bases.QWEN.prompt_tokens
    )
    probe = PromptInputs(
        "Backend Engineer",
        Act.REQUIREMENT_PROBE,
        [GroundingFact("job", "Production PostgreSQL experience")],
        [("interviewer", "Tell me about yourself."), ("candidate", "I build payment APIs in Python.")],
        prefix="This role",
    )
    seen = engine_events(generator, GenerationRequest(probe))
    pieces, last = [e.text for e in seen if e.kind == TOKEN], seen[-1]
    assert last.kind == DONE and pieces[0].startswith("This role") and last.text == "".join(pieces)
    assert "PostgreSQL" in last.text or "Postgres" in last.text  # it speaks of the requirement
