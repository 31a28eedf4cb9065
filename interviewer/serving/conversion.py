"""CTranslate2 copies of the generator: the base, and each adapter merged into it, converted once.

``MODEL_DIR/ct2/<key>`` holds an int8 CTranslate2 model and the HF tokenizer of the safetensors
cache; ``converted.json`` inside says what it was made from. A conversion is built in a
temporary sibling folder and renamed into place when complete, so a folder is either whole or
absent: a crash leaves only a ``.partial-*`` folder that nothing reads (the next conversion
removes it), and two processes converting the same model at once both end with the same folder.

Run as ``python -m interviewer.serving.conversion MODEL_DIR [--base B] [--adapter DIR]``: the web
process converts a newly activated adapter this way, in a child process, so the merge's memory
is returned when it ends.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.serving import weights

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

MARKER = "converted.json"
QUANTIZATION = "int8"
STEPS = 4  # progress messages a conversion sends: base cache, merge, convert, finish


def version_key(base: Path, adapter_dir: Path | None = None) -> str:
    """The folder name under ``ct2/``: the base's name, plus ``+<adapter folder name>``."""
    name = weights.base_name(base)
    return name if adapter_dir is None else f"{name}+{Path(adapter_dir).name}"


def target_dir(model_dir: Path, base: Path, adapter_dir: Path | None = None) -> Path:
    return Path(model_dir) / "ct2" / version_key(base, adapter_dir)


def fingerprint(model_dir: Path, base: Path, adapter_dir: Path | None = None) -> dict[str, object]:
    """What a conversion is made from: a different fingerprint means the folder is stale."""
    folder = weights.cache_dir(Path(model_dir), base)
    weights_files = sorted(folder.glob("*.safetensors"))
    found: dict[str, object] = {
        "base": weights.base_name(base),
        "base_weights": [[p.name, p.stat().st_size] for p in weights_files],
        "quantization": QUANTIZATION,
    }
    if adapter_dir is not None:
        adapter_file = Path(adapter_dir) / "adapter_model.safetensors"
        found["adapter"] = Path(adapter_dir).name
        found["adapter_sha256"] = (
            hashlib.sha256(adapter_file.read_bytes()).hexdigest() if adapter_file.is_file() else ""
        )
    return found


def is_converted(model_dir: Path, base: Path, adapter_dir: Path | None = None) -> bool:
    """True when the converted folder exists, is complete and matches its sources."""
    marker = target_dir(model_dir, base, adapter_dir) / MARKER
    if not marker.is_file():
        return False
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError):
        return False
    return bool(recorded == fingerprint(model_dir, base, adapter_dir))


def convert(
    model_dir: Path,
    base: Path,
    adapter_dir: Path | None = None,
    force: bool = False,
    progress: Callable[[str], object] | None = None,
) -> Path:
    """Convert the base (or the base with ``adapter_dir`` merged) once; returns the folder (idempotent).

    Raises:
        WeightsError: the base or the adapter cannot be read (says why).
    """
    if adapter_dir is not None and not (Path(adapter_dir) / "adapter_config.json").is_file():
        raise weights.WeightsError(f"{adapter_dir} holds no adapter (adapter_config.json is missing).")
    step = progress or (lambda message: None)
    model_dir = Path(model_dir)
    target = target_dir(model_dir, base, adapter_dir)
    step("preparing the safetensors cache")
    weights.prepare(model_dir, base)
    if not force and is_converted(model_dir, base, adapter_dir):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.partial-*"):
        if not _owner_alive(stale):
            shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-{os.getpid()}-", dir=target.parent))
    try:
        _convert_into(work, model_dir, base, adapter_dir, step)
        step("moving the converted model into place")
        return _publish(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _convert_into(
    work: Path, model_dir: Path, base: Path, adapter_dir: Path | None, step: Callable[[str], object]
) -> None:
    import ctranslate2

    source = weights.cache_dir(model_dir, base)
    model, tokenizer = weights.load_base(model_dir, base)
    step("merging the adapter" if adapter_dir is not None else "reading the base model")
    if adapter_dir is not None:
        source = work / "merged"
        _save_merged(model, tokenizer, Path(adapter_dir), source)
    limit = int(getattr(model.config, "max_position_embeddings", 2048) or 2048)
    del model
    step(f"converting to CTranslate2 ({QUANTIZATION})")
    output = work / "model"
    ctranslate2.converters.TransformersConverter(str(source)).convert(str(output), quantization=QUANTIZATION)
    tokenizer.save_pretrained(str(output))
    marker = {"source": fingerprint(model_dir, base, adapter_dir), "context_limit": limit}
    (output / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")


def _save_merged(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, adapter_dir: Path, folder: Path) -> None:
    """The base with the LoRA weights folded in, saved as a plain transformers model."""
    from peft import PeftModel

    merged = PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()
    merged.save_pretrained(str(folder), safe_serialization=True)
    tokenizer.save_pretrained(str(folder))


def _publish(work: Path, target: Path) -> Path:
    """Rename the finished conversion into place, replacing an older one (each rename is atomic)."""
    old = None
    if target.exists():
        old = work.parent / f".{target.name}.partial-{os.getpid()}-old"
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    try:
        (work / "model").rename(target)
    except OSError:  # another process published the same conversion first
        if not (target / MARKER).is_file():
            raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return target


def _owner_alive(partial: Path) -> bool:
    """Whether the process that is writing ``partial`` (named ``.<key>.partial-<pid>-...``) still runs."""
    try:
        pid = int(partial.name.split(".partial-", 1)[1].split("-", 1)[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("model_dir", type=Path)
    parser.add_argument(
        "--base",
        default="",
        help="GENERATOR_BASE: a registered base, a .gguf file or a model folder (default: qwen2.5-coder-1.5b)",
    )
    parser.add_argument("--adapter", type=Path, default=None, help="an adapter folder to merge first")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        base = weights.resolve_base(args.base, args.model_dir)
        folder = convert(args.model_dir, base, args.adapter, force=args.force, progress=lambda m: print(m, flush=True))
    except weights.WeightsError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(folder, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
