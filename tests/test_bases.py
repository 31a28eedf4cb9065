"""interviewer.serving.bases: registered generator bases, joined from their packaged parts only when the
bytes are the pinned model's."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import pytest

from interviewer.dialog.inputs import PromptStyle
from interviewer.serving import bases, weights
from interviewer.serving.bases import Base, Part, WeightsError

ROOT = Path(__file__).resolve().parent.parent


def fake_parts(tmp_path: Path, monkeypatch, chunks: list[bytes]) -> Base:  # type: ignore[no-untyped-def]
    """A base of ``chunks`` shipped as packages fakepartN/data/partNN.bin on sys.path."""
    packages = tmp_path / "site"
    parts = []
    for i, chunk in enumerate(chunks, start=1):
        folder = packages / f"fakepart{i}" / "data"
        folder.mkdir(parents=True)
        (folder.parent / "__init__.py").write_text("raise ImportError('never imported')\n")
        (folder / f"part{i:02d}.bin").write_bytes(chunk)
        parts.append(Part(f"fakepart{i}", f"data/part{i:02d}.bin", f"fake-part{i}"))
    monkeypatch.syspath_prepend(str(packages))
    joined = b"".join(chunks)
    return replace(
        bases.QWEN, name="fake-base", parts=tuple(parts), size=len(joined), sha256=hashlib.sha256(joined).hexdigest()
    )


def test_it_joins_the_parts_in_order_once_and_checks_the_checksum(tmp_path, monkeypatch):
    base = fake_parts(tmp_path, monkeypatch, [b"GGUF" + b"a" * 100, b"b" * 50, b"c" * 7])
    path = bases.materialize(base, tmp_path / "models")
    assert path == tmp_path / "models" / "gguf" / "fake-base.gguf"
    assert path.read_bytes() == b"GGUF" + b"a" * 100 + b"b" * 50 + b"c" * 7
    stamp = path.stat().st_mtime_ns
    assert bases.materialize(base, tmp_path / "models") == path  # already joined and checked: kept
    assert path.stat().st_mtime_ns == stamp


def test_it_refuses_parts_that_are_not_the_pinned_model_and_leaves_nothing(tmp_path, monkeypatch):
    base = fake_parts(tmp_path, monkeypatch, [b"GGUF1234", b"5678"])
    tampered = replace(base, sha256="0" * 64)
    with pytest.raises(WeightsError, match="not the pinned ones"):
        bases.materialize(tampered, tmp_path / "models")
    assert list((tmp_path / "models" / "gguf").iterdir()) == []


def test_it_names_the_package_to_install_when_a_part_is_missing(tmp_path, monkeypatch):
    base = fake_parts(tmp_path, monkeypatch, [b"GGUF", b"x"])
    missing = replace(base, parts=(*base.parts, Part("nosuchpart99", "data/part99.bin", "no-such-part99")))
    with pytest.raises(WeightsError, match="no-such-part99 is not installed"):
        bases.materialize(missing, tmp_path / "models")


def test_it_resolves_names_paths_and_the_default(tmp_path):
    assert bases.registered("") is bases.QWEN and bases.DEFAULT == "qwen2.5-coder-1.5b"
    assert bases.registered("SmolLM2-135M") is bases.SMOLLM2
    assert bases.registered(str(tmp_path)) is None
    joined = weights.resolve_base("qwen2.5-coder-1.5b", tmp_path)
    assert joined == tmp_path / "gguf" / "qwen2.5-coder-1.5b.gguf"
    assert bases.prompt_of(joined) == (PromptStyle.INSTRUCT, bases.QWEN.prompt_tokens)
    with pytest.raises(WeightsError, match="qwen2.5-coder-1.5b, smollm2-135m"):
        weights.resolve_base("gpt-9", tmp_path)


def test_a_users_own_model_folder_is_prompted_as_an_instruct_model(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert weights.resolve_base(str(tmp_path)) == tmp_path
    assert bases.prompt_of(tmp_path)[0] is PromptStyle.INSTRUCT


def test_every_part_of_every_base_is_pinned_by_hash():
    lines = (ROOT / "requirements-models.txt").read_text().splitlines()
    pinned = {
        m.group(1).replace("-", "_"): m.group(2)
        for line in lines
        if (m := re.match(r"^([a-z0-9-]+)==(\S+) --hash=sha256:[0-9a-f]{64}$", line))
    }
    requirements = [line for line in lines if line.strip() and not line.startswith("#")]
    assert len(pinned) == len(requirements)  # every requirement has its hash
    for base in bases.BASES.values():
        for part in base.parts:
            assert part.module in pinned, part.pip
    assert "--require-hashes -r requirements-models.txt" in (ROOT / "Makefile").read_text()
