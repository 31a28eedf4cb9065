"""Loaded models: one holder keeps each model with the key it was built for, and only the holders
(and the one function that builds the packaged encoder) construct models."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from interviewer.encoders import Encoder, HashingEncoder
from webapp.serving import models_registry
from webapp.serving.model_cache import Loaded
from webapp.serving.models import ModelVersion

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("interviewer", "training", "webapp")

# What builds a model: a constructor call, or a loader named (called or handed to a holder).
CONSTRUCTORS = {"SentenceTransformerEncoder", "WhisperTranscriber"}
LOADERS = {"Critic", "CoverageJudge", "FactKinds"}
# The functions allowed to build them: the holders' builders and the packaged encoder's one place.
BUILDERS = {
    ("interviewer/serving/weights.py", "packaged_encoder"),
    ("webapp/serving/models_registry.py", "selector_encoder"),
    ("webapp/serving/models_registry.py", "critic"),
    ("webapp/serving/models_registry.py", "coverage_judge"),
    ("webapp/serving/models_registry.py", "_load_fact_kinds"),
    ("webapp/interviews/voice.py", "_load_whisper"),
}


class Counted:
    """A build function that counts its calls and returns a new object each time."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return object()


def test_it_returns_the_same_model_while_the_key_is_the_same():
    holder: Loaded[object] = Loaded()
    build = Counted()

    first = holder.get("v1", build)

    assert holder.get("v1", build) is first
    assert build.calls == 1


def test_it_rebuilds_when_the_key_changes():
    holder: Loaded[object] = Loaded()
    build = Counted()
    first = holder.get("v1", build)

    second = holder.get("v2", build)

    assert second is not first
    assert holder.get("v2", build) is second
    assert holder.get("v1", build) is not first  # one key at a time: going back builds again
    assert build.calls == 3


def test_reset_drops_the_model():
    holder: Loaded[object] = Loaded()
    build = Counted()
    first = holder.get("v1", build)

    holder.reset()

    assert holder.peek() is None
    assert holder.get("v1", build) is not first


def test_a_failed_build_keeps_what_was_held():
    holder: Loaded[object] = Loaded()
    first = holder.get("v1", object)

    def broken() -> object:
        raise OSError("no such model")

    with pytest.raises(OSError):
        holder.get("v2", broken)
    assert holder.peek() is first


def selector(name: str) -> ModelVersion:
    return ModelVersion.objects.create(kind=ModelVersion.Kind.SELECTOR, name=name, path=f"selectors/{name}")


@pytest.mark.django_db
def test_the_encoder_is_rebuilt_when_another_selector_becomes_active(settings, monkeypatch):
    """Made active elsewhere (another process): this one notices on its next use, without a reset."""
    settings.FAKE_MODELS = False
    built: list[str] = []

    def load(version: ModelVersion | None) -> Encoder:
        built.append(version.name if version else "packaged")
        return HashingEncoder()

    monkeypatch.setattr(models_registry, "_load_encoder", load)
    first, second = selector("first"), selector("second")
    ModelVersion.objects.filter(pk=first.pk).update(is_active=True)
    before = models_registry.encoder()
    assert models_registry.encoder() is before

    ModelVersion.objects.filter(pk=first.pk).update(is_active=False)
    ModelVersion.objects.filter(pk=second.pk).update(is_active=True)
    after = models_registry.encoder()

    assert after is not before
    assert models_registry.encoder() is after
    assert built == ["first", "second"]


@pytest.mark.django_db
def test_the_encoder_is_rebuilt_after_a_reset(settings, monkeypatch):
    settings.FAKE_MODELS = False
    monkeypatch.setattr(models_registry, "_load_encoder", lambda version: HashingEncoder())
    before = models_registry.encoder()

    models_registry.reset_encoder()

    assert models_registry.encoder() is not before


def _sources() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and "tests" not in path.parts  # tests/ is not scanned; nor the apps'
    ]


def _builds(tree: ast.Module) -> list[tuple[str, int, str]]:
    """(enclosing function, line, what) for each place a model is built."""
    found: list[tuple[str, int, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Call):
            callee = node.func
            name = (
                callee.id if isinstance(callee, ast.Name) else callee.attr if isinstance(callee, ast.Attribute) else ""
            )
            if name in CONSTRUCTORS:
                found.append((function, node.lineno, name))
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "load"
            and isinstance(node.value, ast.Name)
            and node.value.id in LOADERS
        ):
            found.append((function, node.lineno, f"{node.value.id}.load"))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "")
    return found


def test_the_checker_sees_a_model_built():
    tree = ast.parse(
        "def f():\n    return voice.WhisperTranscriber(None)\n"
        "def g():\n    return _fitted(x, path, Critic.load)\n"
        "e = SentenceTransformerEncoder(path)\n"
    )
    assert _builds(tree) == [
        ("f", 2, "WhisperTranscriber"),
        ("g", 4, "Critic.load"),
        ("", 5, "SentenceTransformerEncoder"),
    ]


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_models_are_built_only_by_their_holders(path: Path) -> None:
    where = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    stray = [
        f"{what} in {function or 'the module'} (line {line})"
        for function, line, what in _builds(tree)
        if (where, function) not in BUILDERS
    ]
    assert not stray, (
        f"build these through webapp.serving.models_registry / webapp.interviews.voice or weights.packaged_encoder: {stray}"
    )


def test_every_builder_is_still_there() -> None:
    """A renamed builder would leave its entry here allowing nothing."""
    for where, function in BUILDERS:
        tree = ast.parse((ROOT / where).read_text(encoding="utf-8"))
        assert any(f == function for f, _, _ in _builds(tree)), (where, function)
