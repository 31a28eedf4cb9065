"""Converting the generator for CTranslate2: once, atomically, again only when its sources change.

The conversion itself is faked (tests/test_real_models.py converts the real weights)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.serving import conversion, weights


@pytest.fixture
def base(tmp_path: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """A GGUF base whose safetensors cache already exists."""
    gguf = tmp_path / "Tiny.gguf"
    gguf.write_bytes(b"gguf")
    cache = weights.cache_dir(tmp_path / "models", gguf)
    cache.mkdir(parents=True)
    (cache / "model.safetensors").write_bytes(b"weights")
    monkeypatch.setattr(weights, "prepare", lambda model_dir, base, force=False, progress=None: cache)
    return gguf


@pytest.fixture
def conversions(monkeypatch) -> list[Path | None]:  # type: ignore[no-untyped-def]
    """Fakes the slow part; records the adapter of every conversion it ran."""
    made: list[Path | None] = []

    def convert_into(work, model_dir, base, adapter_dir, step):  # type: ignore[no-untyped-def]
        made.append(adapter_dir)
        output = work / "model"
        output.mkdir()
        (output / "model.bin").write_text(f"conversion {len(made)}")
        marker = {"source": conversion.fingerprint(model_dir, base, adapter_dir), "context_limit": 2048}
        (output / conversion.MARKER).write_text(json.dumps(marker))

    monkeypatch.setattr(conversion, "_convert_into", convert_into)
    return made


def adapter(tmp_path: Path, content: bytes = b"lora") -> Path:
    folder = tmp_path / "adapters" / "try1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "adapter_config.json").write_text("{}")
    (folder / "adapter_model.safetensors").write_bytes(content)
    return folder


def test_it_converts_once(tmp_path, base, conversions):
    models = tmp_path / "models"

    first = conversion.convert(models, base)
    second = conversion.convert(models, base)

    assert first == second == models / "ct2" / "Tiny"
    assert conversions == [None]
    assert (first / "model.bin").read_text() == "conversion 1"
    assert conversion.is_converted(models, base)
    assert [p.name for p in (models / "ct2").iterdir()] == ["Tiny"]  # no partial folder left


def test_it_names_a_merged_adapter_after_the_base_and_the_adapter(tmp_path, base, conversions):
    folder = conversion.convert(tmp_path / "models", base, adapter(tmp_path))

    assert folder.name == "Tiny+try1"
    assert conversions == [adapter(tmp_path)]


def test_it_converts_again_when_the_adapter_changes(tmp_path, base, conversions):
    models = tmp_path / "models"
    conversion.convert(models, base, adapter(tmp_path, b"lora v1"))

    adapter(tmp_path, b"lora v2")  # retrained under the same name

    assert not conversion.is_converted(models, base, adapter(tmp_path, b"lora v2"))
    folder = conversion.convert(models, base, adapter(tmp_path, b"lora v2"))
    assert (folder / "model.bin").read_text() == "conversion 2"
    assert conversion.is_converted(models, base, adapter(tmp_path, b"lora v2"))


def test_it_never_leaves_a_half_converted_folder(tmp_path, base, monkeypatch):
    models = tmp_path / "models"

    def crash(work, *args):  # type: ignore[no-untyped-def]
        (work / "model").mkdir()
        (work / "model" / "model.bin").write_text("half")
        raise MemoryError("killed mid-way")

    monkeypatch.setattr(conversion, "_convert_into", crash)
    with pytest.raises(MemoryError):
        conversion.convert(models, base)

    assert not conversion.target_dir(models, base).exists()
    assert not conversion.is_converted(models, base)
    assert list((models / "ct2").iterdir()) == []


def test_it_removes_what_a_dead_conversion_left_behind(tmp_path, base, conversions):
    models = tmp_path / "models"
    leftover = models / "ct2" / ".Tiny.partial-999999999-abc"  # no such process
    (leftover / "model").mkdir(parents=True)

    conversion.convert(models, base)

    assert not leftover.exists()


def test_it_names_a_folder_that_holds_no_adapter(tmp_path, base, conversions):
    with pytest.raises(weights.WeightsError, match="holds no adapter"):
        conversion.convert(tmp_path / "models", base, tmp_path / "not-an-adapter")
    assert conversions == []


@pytest.mark.parametrize(
    ("lanes", "threads", "expected"), [(2, 0, 2), (1, 0, 4), (3, 0, 1), (5, 0, 1), (2, 1, 1), (2, 4, 4)]
)
def test_the_lanes_share_the_cores_unless_told_otherwise(tmp_path, monkeypatch, lanes, threads, expected):
    import ctranslate2
    import transformers

    from interviewer.serving import ct2_generator

    made: dict[str, object] = {}

    class Tokenizer:
        eos_token, eos_token_id = "</s>", 2

        def convert_tokens_to_ids(self, token: str) -> int:
            return 3

    class Model:
        def __init__(self, folder: str, **kwargs: object) -> None:
            made.update(kwargs)

        def generate_batch(self, prompts: list[list[str]], callback, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
            callback(None)  # one sampled token per lane (seed_lanes)

    monkeypatch.setattr(ctranslate2, "Generator", Model)
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 0)
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", lambda *a, **k: Tokenizer())
    monkeypatch.setattr(ct2_generator.os, "cpu_count", lambda: 4)
    (tmp_path / conversion.MARKER).write_text("{}", encoding="utf-8")

    generator = ct2_generator.load_ct2_generator(tmp_path, lanes=lanes, threads=threads)

    assert (made["inter_threads"], made["intra_threads"]) == (lanes, expected) and generator.lanes == lanes
