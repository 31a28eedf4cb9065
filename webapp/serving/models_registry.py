"""The models this process serves: the active versions, the encoder and the generation engine.

One lookup (``generator_spec`` / the active selector) decides what should serve; ``encoder()``
and ``engine()`` rebuild their model when that changes (another version made active, or the
FAKE_MODELS / GENERATOR_* settings). With the CTranslate2 backend a version must be converted
first (``interviewer.serving.conversion``): when another adapter becomes active, a background thread
converts it in a child process and loads it while the previous engine keeps serving, then the
new engine takes over. Only a process with no engine at all converts in the foreground (the
first request waits for it); ``manage.py prepare_models`` does it ahead of time.

Every other model (the encoder, the exemplar bank, the critic, the coverage judge, the classifier
of posting pieces, the remote engine) is a ``webapp.serving.model_cache.Loaded``, held with the key it was
built for; only the local engine has its own holder (``_Engines``), as its successor is prepared
while it serves.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from django.conf import settings
from django.db import transaction

from interviewer import text
from interviewer.dialog import exemplars
from interviewer.dialog.critic import Critic
from interviewer.dialog.exemplars import Exemplar, ExemplarBank
from interviewer.dialog.inputs import PromptStyle
from interviewer.documents.fact_kinds import FactKinds
from interviewer.encoders import Encoder, HashingEncoder, SentenceTransformerEncoder
from interviewer.matching.coverage_model import CoverageJudge
from interviewer.serving import bases, conversion, weights
from interviewer.serving.engine import AnyGenerator, GenerationEngine
from interviewer.serving.weights import PACKAGED_ENCODER_ID, packaged_encoder
from interviewer.vocabulary import Source
from webapp.serving.model_cache import Loaded
from webapp.serving.models import ModelVersion
from webapp.serving.remote import RemoteEngine

log = logging.getLogger(__name__)
_encoder: Loaded[Encoder] = Loaded()

FAKE, TRANSFORMERS, CTRANSLATE2 = "fake", "transformers", "ctranslate2"


def activate(version: ModelVersion) -> None:
    """Make ``version`` the one active model of its kind.

    A serving process starts converting a newly active adapter in the background; the current
    one serves until it is ready.
    """
    with transaction.atomic():
        ModelVersion.objects.filter(kind=version.kind, is_active=True).exclude(pk=version.pk).update(is_active=False)
        ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
    reset_encoder()
    if version.kind == ModelVersion.Kind.GENERATOR:
        _engines.prepare(generator_spec())


def active(kind: str) -> ModelVersion | None:
    return ModelVersion.objects.filter(kind=kind, is_active=True).first()


def model_path(version: ModelVersion) -> Path:
    path = Path(version.path)
    return path if path.is_absolute() else Path(settings.MODEL_DIR) / path


def reset() -> None:
    """Forget every model (the next use rebuilds them)."""
    reset_encoder()
    reset_engine()
    _bank.reset()
    _critic.reset()
    _fact_kinds.reset()
    _coverage_judge.reset()


# ---------------------------------------------------------------------------
# The exemplar bank: the interviewer turns the prompts show, those the active adapter was
# trained with (its exemplars.jsonl), else the training split of the fixture dialogs.

_bank: Loaded[ExemplarBank] = Loaded()
EXEMPLARS_FILE = "exemplars.jsonl"


def exemplar_bank() -> ExemplarBank:
    """The bank for the active generator and encoder (built once, then cached)."""
    version = None if settings.FAKE_MODELS else active_adapter()
    source = model_path(version) / EXEMPLARS_FILE if version else None
    if source is None or not source.is_file():
        source = Path(settings.BASE_DIR) / "fixtures" / "dialogs.jsonl"
    enc = encoder()
    return _bank.get(f"{source}:{enc.model_id}", lambda: ExemplarBank(_load_exemplars(source), enc))


def _load_exemplars(source: Path) -> list[Exemplar]:
    if source.suffix == ".jsonl" and source.name == EXEMPLARS_FILE:
        return exemplars.load(source)
    from training.data import catalog, load_dialogs

    titles = {e["slug"]: e.get("title", "") for e in catalog(source.parent) if e["kind"] == Source.JOB}
    train = [d for d in load_dialogs(source) if d.split == "train"]
    return exemplars.from_dialogs(train, titles)


def reset_encoder() -> None:
    _encoder.reset()


def encoder() -> Encoder:
    """The encoder in use: the active fine-tuned selector, else the packaged all-MiniLM-L6-v2.

    ``FAKE_MODELS=1`` swaps in the deterministic hashing encoder (tests, quick demos).
    """
    if settings.FAKE_MODELS:
        return _encoder.get("fake", HashingEncoder)
    version = active(ModelVersion.Kind.SELECTOR)
    key = f"{version.pk}:{version.path}" if version else "packaged"
    return _encoder.get(key, lambda: _load_encoder(version))


def _load_encoder(version: ModelVersion | None) -> Encoder:
    """The selector ``version`` as an encoder; the packaged one when there is none or it cannot be loaded."""
    if version is None:
        return packaged_encoder()
    try:
        return selector_encoder(version)
    except (FileNotFoundError, OSError) as exc:
        log.error("Active selector %s cannot be loaded (%s); using the packaged encoder", version, exc)
        return packaged_encoder()


def selector_encoder(version: ModelVersion) -> SentenceTransformerEncoder:
    """The fine-tuned selector ``version`` as an encoder, loaded now (not cached).

    Raises:
        FileNotFoundError, OSError: its folder holds no loadable model.
    """
    return SentenceTransformerEncoder(model_path(version), model_id=f"selector:{version.name}")


# ---------------------------------------------------------------------------
# The generation engine


@dataclass(frozen=True)
class GeneratorSpec:
    """What the engine should serve, from the settings and the active adapter."""

    backend: str
    base: str = ""
    adapter: Path | None = None
    version_id: int | None = None
    device: str = "cpu"
    batch: int = 1
    lanes: int = 1
    threads: int = 0
    max_new_tokens: int = 60

    @property
    def key(self) -> str:
        if self.backend == FAKE:
            return FAKE
        return ":".join(
            str(v)
            for v in (
                self.backend,
                self.base,
                self.version_id,
                self.adapter,
                self.device,
                self.batch,
                self.threads,
                self.max_new_tokens,
            )
        )


def generator_spec() -> GeneratorSpec:
    """The one place that decides which generator serves."""
    if settings.FAKE_MODELS:
        return GeneratorSpec(FAKE)
    version = active_adapter()
    return GeneratorSpec(
        backend=settings.GENERATOR_BACKEND,
        base=settings.GENERATOR_BASE,
        adapter=model_path(version) if version else None,
        version_id=version.pk if version else None,
        device=settings.GENERATOR_DEVICE,
        batch=settings.GENERATOR_BATCH,
        lanes=settings.GENERATOR_LANES or _base_lanes(),
        threads=settings.GENERATOR_THREADS,
        max_new_tokens=settings.GENERATOR_MAX_NEW_TOKENS,
    )


def active_adapter() -> ModelVersion | None:
    """The active interviewer adapter, when it was trained on the base that serves: an adapter of
    another base (the 135M one's, after ``GENERATOR_BASE`` changed) would not fit, and the base
    serves alone until one trained on it is made active."""
    version = active(ModelVersion.Kind.GENERATOR)
    if version is None or not version.base:
        return version
    serving = weights.base_name(base_path())
    if version.base != serving:
        log.warning(
            "The active adapter %s was trained on %s, not %s: the base serves without it",
            version,
            version.base,
            serving,
        )
        return None
    return version


def base_path() -> Path:
    """The configured generator base (``GENERATOR_BASE``) as a path (interviewer.serving.weights.resolve_base)."""
    return weights.resolve_base(settings.GENERATOR_BASE, Path(settings.MODEL_DIR))


def prompt_style() -> PromptStyle:
    """How the serving base is prompted (the stand-in models of tests: the instruct style's turns)."""
    if settings.FAKE_MODELS:
        return PromptStyle.COMPACT
    return bases.prompt_of(base_path())[0]


def _base_lanes() -> int:
    spec = bases.for_path(base_path())
    return spec.lanes if spec is not None else bases.QWEN.lanes


def fallback_candidates() -> int:
    """Sampled candidates of a turn's fallback round: ``GENERATOR_CANDIDATES``, else the base's own."""
    if settings.GENERATOR_CANDIDATES is not None:
        return max(0, settings.GENERATOR_CANDIDATES)
    if settings.FAKE_MODELS:
        return 1
    spec = bases.for_path(base_path())
    return spec.candidates if spec is not None else bases.QWEN.candidates


_critic: Loaded[Critic | None] = Loaded()


def critic() -> Critic | None:
    """The critic of whole turns (``CRITIC_PATH``), when there is one fitted on the encoder in use."""
    return _fitted(_critic, settings.CRITIC_PATH, Critic.load, "critic of turns", "the gate's rules alone judge them")


class _Fitted(Protocol):
    encoder_id: str


_F = TypeVar("_F", bound=_Fitted)


def _fitted(holder: Loaded[_F | None], path: str, load: Callable[[Path], _F], what: str, instead: str) -> _F | None:
    """A model fitted on the encoder's vectors, read from ``path`` once per encoder; None when the
    setting is "off", the test models run, the file is missing or broken, or it was fitted on
    another encoder (what it reads would mean something else)."""
    if path == "off" or settings.FAKE_MODELS:
        return None
    encoder_id = encoder().model_id

    def build() -> _F | None:
        try:
            found = load(Path(path))
        except (OSError, ValueError, KeyError) as exc:
            log.info("No %s at %s (%s): %s", what, path, exc, instead)
            return None
        if found.encoder_id != encoder_id:
            log.warning("The %s was fitted on %s, not on %s: not used", what, found.encoder_id, encoder_id)
            return None
        return found

    return holder.get(f"{path}:{encoder_id}", build)


_fact_kinds: Loaded[tuple[FactKinds, Encoder] | None] = Loaded()


def fact_kinds() -> tuple[FactKinds, Encoder] | None:
    """The classifier of a posting's pieces (``FACT_KINDS_PATH``) and the encoder it was fitted on
    (the packaged one, also when a fine-tuned selector is active); None when there is none."""
    if settings.FACT_KINDS_PATH == "off" or settings.FAKE_MODELS:
        return None
    path = settings.FACT_KINDS_PATH
    return _fact_kinds.get(path, lambda: _load_fact_kinds(path))


def _load_fact_kinds(path: str) -> tuple[FactKinds, Encoder] | None:
    try:
        classifier = FactKinds.load(Path(path))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("No classifier of posting pieces at %s (%s): the parser's patterns alone", path, exc)
        return None
    current = encoder()
    if classifier.encoder_id == current.model_id:
        return (classifier, current)
    if classifier.encoder_id == PACKAGED_ENCODER_ID:
        return (classifier, packaged_encoder())
    log.warning("The classifier of posting pieces was fitted on %s: not used", classifier.encoder_id)
    return None


def warm() -> None:
    """Load this process's generator in the background, so the first turn does not wait for it
    (a no-op when turns are decoded remotely, or once it is loaded)."""
    if settings.GENERATOR_MODE == "remote":
        return
    current = local_engine()
    if current.loaded:
        return
    threading.Thread(target=_load_quietly, args=(current,), name="generator-warm-up", daemon=True).start()


def _load_quietly(current: GenerationEngine) -> None:
    try:
        text.warm()  # the gate's word list, read on every turn
        current.backend  # noqa: B018 - loads the model
    except Exception as exc:  # noqa: BLE001 - the first turn will load it again and report why
        log.error("The generator could not be loaded ahead of the first turn: %s", exc)


def engine() -> GenerationEngine | RemoteEngine:
    """The engine turns are decoded on: this process's (GENERATOR_MODE=local), or the
    generation workers' over the channel layer (GENERATOR_MODE=remote)."""
    if settings.GENERATOR_MODE == "remote":
        return _remote.get("remote", RemoteEngine)
    return local_engine()


def local_engine() -> GenerationEngine:
    """This process's engine for the active generator (rebuilt when it changes)."""
    return _engines.get(generator_spec())


_remote: Loaded[RemoteEngine] = Loaded()  # the workers' engine, one per process (reset leaves it)


def reset_engine() -> None:
    _engines.reset()


def is_ready(spec: GeneratorSpec) -> bool:
    """Whether ``spec`` can load without converting first."""
    if spec.backend != CTRANSLATE2:
        return True
    base = weights.resolve_base(spec.base, Path(settings.MODEL_DIR))
    return conversion.is_converted(Path(settings.MODEL_DIR), base, spec.adapter)


def convert(spec: GeneratorSpec) -> None:
    """Convert ``spec``'s model in a child process (its memory is returned when it ends).

    Raises:
        RuntimeError: the conversion failed (the message ends with the child's last output).
    """
    model_dir = Path(settings.MODEL_DIR).resolve()
    command = [sys.executable, "-m", "interviewer.serving.conversion", str(model_dir), "--base", spec.base]
    if spec.adapter is not None:
        command += ["--adapter", str(Path(spec.adapter).resolve())]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=settings.BASE_DIR)
    if done.returncode != 0:
        raise RuntimeError(f"converting {spec.adapter or spec.base or 'the base'} failed: {done.stderr[-500:]}")


def load(spec: GeneratorSpec) -> AnyGenerator:
    """The generator for ``spec`` (slow: reads the weights; converts first only if nothing did)."""
    from interviewer.serving.generator import GenerationConfig, TemplateGenerator, load_generator

    if spec.backend == FAKE:
        return TemplateGenerator(settings.FAKE_MODELS_DELAY_MS / 1000)
    config = GenerationConfig(max_new_tokens=spec.max_new_tokens)
    if spec.backend == TRANSFORMERS:
        if spec.threads:
            import torch

            torch.set_num_threads(spec.threads)
        return load_generator(settings.MODEL_DIR, spec.base, spec.adapter, config)
    from interviewer.serving.ct2_generator import load_ct2_generator

    if not is_ready(spec):
        convert(spec)
    base = weights.resolve_base(spec.base, Path(settings.MODEL_DIR))
    folder = conversion.target_dir(Path(settings.MODEL_DIR), base, spec.adapter)
    name = weights.base_name(base) + (f"+{spec.adapter.name}" if spec.adapter else "")
    style, budget = bases.prompt_of(base)
    return load_ct2_generator(
        folder,
        config,
        name,
        spec.device,
        spec.threads,
        spec.batch,
        spec.lanes,
        style=style,
        budget=budget,
        cache_static=settings.GENERATOR_PROMPT_CACHE,
    )


class _Engines:
    """The current engine and the one being prepared to replace it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.current: GenerationEngine | None = None
        self.current_key: str | None = None
        self.wanted_key: str | None = None  # the spec asked for last
        self.preparing: set[str] = set()
        self.failed: dict[str, str] = {}

    def get(self, spec: GeneratorSpec) -> GenerationEngine:
        with self.lock:
            self.wanted_key = spec.key
            if self.current is not None and self.current_key == spec.key:
                return self.current
            if self.current is not None and not is_ready(spec):
                self._prepare_locked(spec)
                return self.current  # the previous version serves until the new one is ready
            return self._swap_locked(GenerationEngine(lambda: load(spec)), spec.key)

    def prepare(self, spec: GeneratorSpec) -> None:
        """When this process serves and ``spec`` is not ready, convert and load it in the background
        (then it takes over). A process that serves nothing yet (a command) converts nothing here."""
        with self.lock:
            self.wanted_key = spec.key
            self.failed.pop(spec.key, None)
            if self.current is not None and spec.key != self.current_key and not is_ready(spec):
                self._prepare_locked(spec)

    def reset(self) -> None:
        with self.lock:
            if self.current is not None:
                self.current.stop()
            self.current = self.current_key = self.wanted_key = None

    def _swap_locked(self, new: GenerationEngine, key: str) -> GenerationEngine:
        old, self.current, self.current_key = self.current, new, key
        if old is not None:
            old.stop(timeout=0)  # it finishes what it was given, then its worker ends
        return new

    def _prepare_locked(self, spec: GeneratorSpec) -> None:
        if spec.key in self.preparing or spec.key in self.failed:
            return
        self.preparing.add(spec.key)
        threading.Thread(target=self._prepare, args=(spec,), name="generator-conversion", daemon=True).start()

    def _prepare(self, spec: GeneratorSpec) -> None:
        try:
            convert(spec)
            new = GenerationEngine(lambda: load(spec))
            new.generator  # load now, so the switch costs the next request nothing  # noqa: B018
        except Exception as exc:  # noqa: BLE001 - the previous version keeps serving; say why
            log.error("Generator %s cannot be prepared; the previous one keeps serving: %s", spec.key, exc)
            with self.lock:
                self.preparing.discard(spec.key)
                self.failed[spec.key] = str(exc)
            return
        with self.lock:
            self.preparing.discard(spec.key)
            if self.wanted_key == spec.key and self.current_key != spec.key:
                self._swap_locked(new, spec.key)
                log.info("Generator %s is serving", new.name)


_engines = _Engines()


_coverage_judge: Loaded[CoverageJudge | None] = Loaded()


def coverage_judge() -> CoverageJudge | None:
    """The learned judge of coverage (``COVERAGE_PATH``) when it was fitted on the selector's
    encoder (its similarities are what it reads); None: the rules alone."""
    return _fitted(_coverage_judge, settings.COVERAGE_PATH, CoverageJudge.load, "judge of coverage", "the rules alone")
