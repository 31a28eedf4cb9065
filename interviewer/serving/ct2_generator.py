"""The serving backend: the generator converted to CTranslate2 (int8), decoding many sequences at once.

Same prompt builder, post-processing and stop rules as the transformers loop (``DialogGenerator``):
the prompt comes from ``build_prompt_ids``, each sequence's text from a ``TextAssembler`` (one
utterance, ended at the first line break), decoding stops at ``<|im_end|>``/end of sequence or
the token cap, with the same repetition penalty on the tokens generated so far.

One ``generate_batch`` call decodes a batch; a callback receives every sequence's tokens as
they are decoded, streams them, and stops a sequence (returns True) when its request is
cancelled, its line ends or it reaches its own token cap. CTranslate2 runs the prompts through
the model together up to the shortest prompt's length and feeds the rest of longer prompts one
token per step, so a batch only mixes prompts of similar lengths (``max_spread``).
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.dialog.inputs import PROMPT_TOKENS, PromptInputs, PromptStyle, build_prompt, split_prompt
from interviewer.serving.generator import GenerationConfig, TextAssembler, stop_token_ids
from interviewer.serving.handles import GenerationRequest, Handle

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

log = logging.getLogger(__name__)

# Prompt tokens beyond the batch's shortest prompt cost one decoding step each, for the whole
# batch. Measured with 8 interviews on 2 cores and 2 lanes: a spread of 16 tokens gave a p95 time
# to first token of 0.8-0.9 s, 48 gave 1.2 s and 96 gave 1.3 s; 0 was no better than 16.
MAX_SPREAD = 16


def choose_device(setting: str) -> str:
    """``auto`` -> cuda when CTranslate2 sees a GPU, else cpu."""
    import ctranslate2

    from interviewer.serving.weights import WeightsError

    gpus = ctranslate2.get_cuda_device_count()
    if setting == "cuda" and gpus == 0:
        raise WeightsError("GENERATOR_DEVICE=cuda, but CTranslate2 sees no GPU here; use auto or cpu.")
    if setting == "auto":
        return "cuda" if gpus > 0 else "cpu"
    return setting


def compute_type(device: str) -> str:
    """int8 weights everywhere; float16 activations on a GPU."""
    return "int8_float16" if device == "cuda" else "int8"


class PromptTokens(list[str]):
    """A prompt's tokens, the first ``static`` of which are its static part (``split_prompt``)."""

    def __init__(self, tokens: Sequence[str], static: int = 0) -> None:
        super().__init__(tokens)
        self.static = static


def shared_static(prompts: Sequence[Sequence[str]]) -> list[str]:
    """The static part every prompt of a batch starts with ([] when they differ or have none)."""
    n = getattr(prompts[0], "static", 0)
    head = list(prompts[0][:n])
    if n and all(getattr(p, "static", 0) == n and list(p[:n]) == head for p in prompts[1:]):
        return head
    return []


@dataclass
class _Sequence:
    handle: Handle
    index: int  # the candidate's number within its request
    text: TextAssembler
    cap: int
    failed: str = ""
    stopped: bool = False  # a stop token came

    @property
    def done(self) -> bool:
        return bool(self.failed) or self.stopped or self.text.ended or len(self.text.ids) >= self.cap


class CT2Generator:
    """A CTranslate2 ``Generator`` with the HF tokenizer it was converted with (a Backend)."""

    max_spread = MAX_SPREAD

    def __init__(
        self,
        model: Any,  # a ctranslate2.Generator: CTranslate2 ships no type hints
        tokenizer: PreTrainedTokenizerBase,
        config: GenerationConfig | None = None,
        name: str = "base",
        max_sequences: int = 16,
        context_limit: int = 2048,
        lanes: int = 1,
        style: PromptStyle = PromptStyle.COMPACT,
        budget: int = PROMPT_TOKENS,
        cache_static: bool = False,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.config = config or GenerationConfig()
        self.name = name
        self.max_sequences = max_sequences
        self.lanes = lanes  # the model's inter_threads: batches decoded at the same time
        self.style = style
        self.budget = budget
        self.stop_ids = stop_token_ids(tokenizer)
        self.context_tokens = min(self.config.context_tokens, context_limit)
        # Keep the model's state after each static prompt (GENERATOR_PROMPT_CACHE): a turn then reads
        # only its own task, but every cached state stays in memory for the life of the process.
        self.cache_static = cache_static

    def close(self) -> None:
        """Release the model now (its threads end); decoding afterwards fails."""
        self.model = None

    def prompt_ids(self, request_inputs: PromptInputs) -> list[int]:
        return build_prompt(self.tokenizer, request_inputs, self.style, self.budget)

    def prepare(self, request: GenerationRequest) -> Sequence[Any]:
        """The prompt's tokens; with ``cache_static``, marked with where their static part ends."""
        if not self.cache_static:
            return self.tokenizer.convert_ids_to_tokens(self.prompt_ids(request.inputs))
        ids, static = split_prompt(self.tokenizer, request.inputs, self.style, self.budget)
        return PromptTokens(self.tokenizer.convert_ids_to_tokens(ids), static)

    def decode(self, handles: list[Handle]) -> None:
        sequences = [
            _Sequence(
                h, i, TextAssembler(self.tokenizer, h.inputs.prefix), h.request.config(self.config).max_new_tokens
            )
            for h in handles
            for i in range(h.request.n)
        ]
        # Each lane samples from its own random stream, seeded once at load (``seed_lanes``): a
        # request's seed does not fix its samples here (it does on the transformers backend), and
        # a run is repeatable only up to which lane decodes what.
        first = handles[0].request.config(self.config)
        # Sampled candidates of the same requests share their prompt: one batch entry each, its
        # prompt read once, N hypotheses sampled from it (not N copies of the prompt to read).
        n = handles[0].request.n
        shared = first.temperature > 0 and n > 1 and all(h.request.n == n for h in handles)
        hypotheses = n if shared else 1
        whole = [h.prompt for h in handles] if shared else [s.handle.prompt for s in sequences]
        # The system message and worked example are the same for every turn of one act: with
        # ``cache_static`` CTranslate2 keeps the model's state after them (one per distinct static
        # prompt and lane), so only the turn's own task is read. Measured on 2 cores
        # (bench/generator.py, the 1.5B base): whole turn p50 3.1-3.3 -> 2.5-2.8 s, but 30-60 MB a
        # cached state, 0.55-0.67 GB after 20 turns (2.74-2.83 -> 3.38-3.41 GB), hence off by default.
        static = shared_static(whole) if self.cache_static else []
        self.model.generate_batch(
            [list(p[len(static) :]) for p in whole],
            static_prompt=static or None,
            num_hypotheses=hypotheses,
            max_length=max(s.cap for s in sequences),
            include_prompt_in_result=False,
            end_token=sorted(self.stop_ids),
            return_scores=True,  # the callback's log_prob
            repetition_penalty=first.repetition_penalty,
            sampling_topk=first.top_k if first.temperature > 0 else 1,
            sampling_topp=first.top_p if first.temperature > 0 else 1.0,
            sampling_temperature=first.temperature if first.temperature > 0 else 1.0,
            # Not a bound method: CTranslate2 may drop the callback last, in its own worker thread,
            # and a Generator destroyed there aborts the process (it would join that thread).
            callback=functools.partial(_on_step, sequences, frozenset(self.stop_ids), hypotheses),
        )
        self._finish(handles, sequences)

    @staticmethod
    def _finish(handles: list[Handle], sequences: list[_Sequence]) -> None:
        for handle in handles:
            mine = [s for s in sequences if s.handle is handle]
            failed = next((s.failed for s in mine if s.failed), "")
            if handle.cancelled:
                handle.finish_cancelled()
            elif failed:
                handle.fail(failed)
            else:
                handle.finish([s.text.candidate() for s in mine])


# step: a ctranslate2.GenerationStepResult (CTranslate2 ships no type hints)
def _on_step(sequences: list[_Sequence], stop_ids: frozenset[int], hypotheses: int, step: Any) -> bool:
    """Stream one decoded token of one sequence; True stops its batch entry.

    With ``hypotheses`` > 1 a batch entry holds every candidate of one request: it stops when the
    request is cancelled or all its candidates are done; a finished candidate ignores the rest.
    """
    first = step.batch_id * hypotheses
    sequence = sequences[first + (step.hypothesis_id if hypotheses > 1 else 0)]
    if sequence.handle.cancelled:
        return True
    if not sequence.done:
        _push(sequence, stop_ids, step)
    return all(s.done for s in sequences[first : first + hypotheses])


def _push(sequence: _Sequence, stop_ids: frozenset[int], step: Any) -> None:
    if step.token_id in stop_ids:
        sequence.stopped = True
        return
    try:
        sequence.handle.push(sequence.index, sequence.text.push(step.token_id, step.log_prob or 0.0))
    except Exception as exc:  # noqa: BLE001 - only this sequence fails; an exception must not cross into C++
        log.exception("decoding a token failed")
        sequence.failed = f"{type(exc).__name__}: {exc}"


SEED_WAIT_S = 30.0


def seed_lanes(model: Any, start: list[str], lanes: int, seed: int) -> None:
    """Seed each lane's random generator apart: ``seed`` for the first, ``seed + 1`` for the next...

    CTranslate2 seeds a lane thread's generator once, from its global seed, at the lane's first
    sampled token, and never again. Lanes that first sampled at the same moment got the same seed,
    and from then on drew the same numbers: the two halves of a request split across two lanes
    came back as the same 3 candidates twice. So each lane samples one token here, in turn, with
    its own global seed, and holds its lane (in the callback) until every lane is seeded: the next
    call can only run on a lane not yet seeded.
    """
    import ctranslate2

    release = threading.Event()

    def sample_once(seeded: threading.Event) -> None:
        def hold(step: Any) -> bool:
            seeded.set()
            release.wait(SEED_WAIT_S)
            return True

        try:
            model.generate_batch([start], max_length=1, sampling_topk=2, include_prompt_in_result=False, callback=hold)
        except Exception:  # noqa: BLE001 - unseeded lanes still decode, only their samples may coincide
            log.exception("seeding a lane's random generator failed")
        finally:
            seeded.set()

    workers = []
    try:
        for lane in range(lanes):
            ctranslate2.set_random_seed(seed + lane)
            seeded = threading.Event()
            worker = threading.Thread(target=sample_once, args=(seeded,), name=f"seed-lane-{lane}", daemon=True)
            worker.start()
            workers.append(worker)
            seeded.wait(SEED_WAIT_S)
    finally:
        release.set()
        for worker in workers:
            worker.join(SEED_WAIT_S)


def load_ct2_generator(
    folder: Path,
    config: GenerationConfig | None = None,
    name: str = "base",
    device: str = "auto",
    threads: int = 0,
    max_sequences: int = 16,
    lanes: int = 1,
    style: PromptStyle = PromptStyle.COMPACT,
    budget: int = PROMPT_TOKENS,
    cache_static: bool = False,
) -> CT2Generator:
    """A CT2Generator from a converted folder (``interviewer.serving.conversion``): model and tokenizer.

    ``lanes`` batches decode at the same time, each on ``threads`` cores (0: the cores shared out
    among the lanes, at least one each). Decoding a handful of sequences is too small a job to
    split across threads: on 2 cores with top-k sampling, 2 lanes of 1 thread decoded one turn's 6
    candidates in 1.3-1.4 s where 2 lanes of 2 threads took 2.0-2.1 s and 1 lane of 2 threads
    1.7 s, and served 8 interviews with a p95 first token of 1.2 s against 1.6 s
    (bench/generator.py; with full-vocabulary sampling on a slower machine 2 threads a lane won).

    Raises:
        WeightsError: the folder is missing or damaged (says how to rebuild it).
    """
    from interviewer.serving.conversion import MARKER
    from interviewer.serving.weights import WeightsError

    marker = folder / MARKER
    if not marker.is_file():
        raise WeightsError(f"{folder} is not a converted model; run `.venv/bin/python manage.py prepare_models`.")
    device = choose_device(device)
    if threads == 0:
        threads = max(1, (os.cpu_count() or 1) // lanes)
    try:
        model, tokenizer, limit = _open_converted(folder, marker, device, lanes, threads)
        seed_lanes(model, [tokenizer.eos_token], lanes, (config or GenerationConfig()).seed)
    except Exception as exc:  # noqa: BLE001 - any failure here means a damaged conversion
        raise WeightsError(
            f"The converted model at {folder} cannot be loaded ({type(exc).__name__}: {str(exc)[:200]}). "
            "Rebuild it with `.venv/bin/python manage.py prepare_models --force`."
        ) from None
    return CT2Generator(model, tokenizer, config, name, max_sequences, limit, lanes, style, budget, cache_static)


def _open_converted(
    folder: Path, marker: Path, device: str, lanes: int, threads: int
) -> tuple[Any, PreTrainedTokenizerBase, int]:
    """The converted folder's CTranslate2 model, its tokenizer and its context limit (from ``marker``)."""
    import json

    import ctranslate2
    from transformers import AutoTokenizer

    model = ctranslate2.Generator(
        str(folder), device=device, compute_type=compute_type(device), inter_threads=lanes, intra_threads=threads
    )
    # CTranslate2's config.json names no transformers version, which transformers takes for an old
    # Mistral tokenizer and warns about; these tokenizers need no regex fix (checked on Qwen2.5's).
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True, fix_mistral_regex=False)
    limit = int(json.loads(marker.read_text(encoding="utf-8")).get("context_limit", 2048))
    return model, tokenizer, limit
