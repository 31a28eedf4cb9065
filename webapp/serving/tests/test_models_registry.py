"""The model registry: one engine for the active generator, rebuilt when it changes, and a newly
activated adapter converted in the background while the previous one serves."""

from __future__ import annotations

import threading
import time

import pytest

from interviewer.dialog.inputs import PromptInputs
from interviewer.serving.generator import TemplateGenerator
from interviewer.serving.handles import DONE
from interviewer.vocabulary import Act
from webapp.serving import models_registry
from webapp.serving.models import ModelVersion

WAIT = 5
INPUTS = PromptInputs("Backend Engineer", Act.OPENING)


class Named(TemplateGenerator):
    """The template generator under the name of the adapter it stands for."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


@pytest.fixture
def real_settings(settings):  # type: ignore[no-untyped-def]
    """Models on (FAKE_MODELS off), with loading replaced by named templates."""
    settings.FAKE_MODELS = False
    settings.GENERATOR_BACKEND = models_registry.TRANSFORMERS
    return settings


@pytest.fixture
def loads(monkeypatch):  # type: ignore[no-untyped-def]
    """Records every load of a real generator; each returns a template generator named after its adapter."""
    made: list[str] = []

    def load(spec):  # type: ignore[no-untyped-def]
        if spec.backend == models_registry.FAKE:
            return TemplateGenerator()
        name = spec.adapter.name if spec.adapter else "base"
        made.append(name)
        return Named(name)

    monkeypatch.setattr(models_registry, "load", load)
    return made


def version(name: str) -> ModelVersion:
    return ModelVersion.objects.create(kind=ModelVersion.Kind.GENERATOR, name=name, path=f"adapters/{name}")


def served_by(engine) -> str:  # type: ignore[no-untyped-def]
    *_, last = engine.submit(INPUTS).iter(timeout=WAIT)
    assert last.kind == DONE
    return engine.name


def wait_for(condition, timeout: float = WAIT) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_it_keeps_one_engine_for_the_fake_models():
    engine = models_registry.engine()

    assert models_registry.engine() is engine
    assert served_by(engine) == "template"


@pytest.mark.django_db
def test_it_rebuilds_the_engine_when_another_version_becomes_active(real_settings, loads):
    first, second = version("first"), version("second")
    models_registry.activate(first)
    before = models_registry.engine()
    assert served_by(before) == "first"

    models_registry.activate(second)
    after = models_registry.engine()

    assert after is not before
    assert served_by(after) == "second"
    assert models_registry.engine() is after


@pytest.mark.django_db
def test_it_rebuilds_the_engine_when_a_setting_changes(real_settings, loads):
    real = models_registry.engine()

    real_settings.FAKE_MODELS = True
    fake = models_registry.engine()

    assert fake is not real
    assert served_by(fake) == "template"


@pytest.mark.django_db
def test_it_converts_a_new_adapter_in_the_background_while_the_previous_one_serves(real_settings, loads, monkeypatch):
    real_settings.GENERATOR_BACKEND = models_registry.CTRANSLATE2
    ready = {"first"}
    converting, release = threading.Event(), threading.Event()

    def convert(spec):  # type: ignore[no-untyped-def]
        converting.set()
        assert release.wait(WAIT)
        ready.add(spec.adapter.name)

    monkeypatch.setattr(models_registry, "is_ready", lambda spec: spec.adapter is None or spec.adapter.name in ready)
    monkeypatch.setattr(models_registry, "convert", convert)
    first, second = version("first"), version("second")
    models_registry.activate(first)
    old = models_registry.engine()
    assert served_by(old) == "first"

    models_registry.activate(second)
    assert converting.wait(WAIT)
    during = models_registry.engine()
    served_during = served_by(during)
    release.set()

    assert during is old and served_during == "first"
    assert wait_for(lambda: models_registry.engine() is not old)
    assert served_by(models_registry.engine()) == "second"
    assert loads == ["first", "second"]  # each loaded once; the new one before it took over


@pytest.mark.django_db
def test_it_keeps_the_previous_adapter_when_the_conversion_fails(real_settings, loads, monkeypatch, caplog):
    real_settings.GENERATOR_BACKEND = models_registry.CTRANSLATE2
    failed = threading.Event()

    def convert(spec):  # type: ignore[no-untyped-def]
        failed.set()
        raise RuntimeError("converting second failed: out of disk")

    monkeypatch.setattr(
        models_registry, "is_ready", lambda spec: spec.adapter is not None and spec.adapter.name == "first"
    )
    monkeypatch.setattr(models_registry, "convert", convert)
    first, second = version("first"), version("second")
    models_registry.activate(first)
    old = models_registry.engine()

    models_registry.activate(second)
    assert failed.wait(WAIT)

    assert wait_for(lambda: "out of disk" in caplog.text)
    assert models_registry.engine() is old
    assert served_by(old) == "first"


@pytest.mark.django_db
def test_it_converts_nothing_in_a_process_that_serves_nothing(real_settings, loads, monkeypatch):
    """A command that activates an adapter (prepare_models, finetune_interviewer) leaves the conversion
    to prepare_models or to the serving process."""
    real_settings.GENERATOR_BACKEND = models_registry.CTRANSLATE2
    conversions = []
    monkeypatch.setattr(models_registry, "is_ready", lambda spec: False)
    monkeypatch.setattr(models_registry, "convert", conversions.append)

    models_registry.activate(version("first"))

    assert conversions == []


@pytest.fixture
def shipped(tmp_path, settings, monkeypatch):  # type: ignore[no-untyped-def]
    """A models/ folder holding one adapter for the base ``base.gguf``; MODEL_DIR in tmp_path."""
    import json

    from webapp.serving.management.commands import prepare_models

    folder = tmp_path / "shipped" / "interviewer-new"
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text("{}")
    (folder / "adapter_model.safetensors").write_bytes(b"weights")
    (folder / "metrics.json").write_text(json.dumps({"base": "base", "data_hash": "abc"}))
    monkeypatch.setattr(prepare_models, "SHIPPED", tmp_path / "shipped")
    settings.MODEL_DIR = str(tmp_path / "models")
    return prepare_models.Command()


@pytest.mark.django_db
def test_it_installs_and_activates_the_shipped_adapter_on_a_fresh_install(shipped, tmp_path):
    from pathlib import Path

    shipped._install_shipped_adapters(Path("base.gguf"))

    active = models_registry.active(ModelVersion.Kind.GENERATOR)
    assert active is not None and active.path == "adapters/interviewer-new"
    assert (tmp_path / "models" / "adapters" / "interviewer-new" / "adapter_model.safetensors").is_file()


@pytest.mark.django_db
def test_the_shipped_adapter_replaces_a_retired_one_but_not_the_users_own(shipped):
    from pathlib import Path

    retired = version("interviewer-fixtures")
    models_registry.activate(retired)
    shipped._install_shipped_adapters(Path("base.gguf"))
    assert models_registry.active(ModelVersion.Kind.GENERATOR).path == "adapters/interviewer-new"

    own = version("interviewer-mine")  # trained by the recruiter: stays active
    models_registry.activate(own)
    shipped._install_shipped_adapters(Path("base.gguf"))
    assert models_registry.active(ModelVersion.Kind.GENERATOR).path == "adapters/interviewer-mine"
