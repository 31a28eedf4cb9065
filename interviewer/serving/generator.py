"""DialogGenerator: the interviewer's words from a chat LM (transformers) grounded on selected facts.

The prompt comes from :mod:`interviewer.dialog.inputs` (a system instruction, the facts to probe,
the dialog so far cut to a token budget). ``stream`` yields text pieces as tokens are decoded and
stops when a cancel event is set; ``generate`` joins them; :func:`interviewer.dialog.cleanup.postprocess`
turns raw model output into one concise interviewer utterance. :class:`TemplateGenerator` is the
stand-in with the same interface, and :class:`Candidate` what every backend gives back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from interviewer.dialog.cleanup import template_question
from interviewer.dialog.inputs import PROMPT_TOKENS, PromptInputs, PromptStyle, build_prompt

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase


# How a decode is told to stop, and handed its pieces as they come.
Cancel: TypeAlias = threading.Event | None
OnPiece: TypeAlias = Callable[[str], None] | None


@dataclass(frozen=True)
class GenerationConfig:
    max_new_tokens: int = 60
    context_tokens: int = 384  # prompt + new tokens never exceed this (nor the model's own context)
    temperature: float = 0.0  # 0 = greedy
    top_p: float = 0.9
    # Sampling draws from the top_k likeliest tokens (then the top_p nucleus of those), as
    # transformers' own default does: sorting the whole 49k vocabulary for every sampled token
    # cost CTranslate2 a third of the time of a turn's 6 candidates on 2 cores (1.80 s -> 1.24 s).
    top_k: int = 50
    repetition_penalty: float = 1.15
    seed: int = 0


class Cancelled(Exception):
    """Raised inside a stream when its cancel event was set."""


@dataclass(frozen=True)
class Candidate:
    """One decoded interviewer utterance, as plain data.

    ``mean_logprob`` is the mean log-probability of its tokens under the model (after the
    repetition penalty, before temperature), the same measure on every backend; 0.0 when the
    generator has no model (templates). ``tokens`` counts the tokens decoded for it, end token
    excluded.
    """

    text: str
    mean_logprob: float = 0.0
    tokens: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "mean_logprob": self.mean_logprob, "tokens": self.tokens}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Candidate:
        return cls(str(data["text"]), float(data["mean_logprob"]), int(data["tokens"]))


def stop_token_ids(tokenizer: PreTrainedTokenizerBase) -> set[int]:
    """The tokens that end an utterance: end of sequence and ChatML's ``<|im_end|>``."""
    im_end = cast("int | None", tokenizer.convert_tokens_to_ids("<|im_end|>"))  # one token in, one id out
    ids = (tokenizer.eos_token_id, im_end)
    return {i for i in ids if i is not None}


class TextAssembler:
    """One sequence's decoded tokens -> its visible text, by the same rules on every backend.

    ``push`` takes each decoded token (stop tokens are never pushed) and returns the new visible
    piece, "" while an incomplete UTF-8 character is held back. The utterance ends at its first
    line break (``ended``); the caller also stops at a stop token or the token cap.
    """

    def __init__(self, tokenizer: PreTrainedTokenizerBase, prefix: str = "") -> None:
        self.tokenizer = tokenizer
        self.prefix = prefix  # the words the prompt already put in the interviewer's mouth
        self.ids: list[int] = []
        self.logprob_sum = 0.0
        self.text = ""
        self.ended = False

    def push(self, token_id: int, logprob: float = 0.0) -> str:
        self.ids.append(token_id)
        self.logprob_sum += logprob
        decoded = cast(str, self.tokenizer.decode(self.ids, skip_special_tokens=True))  # flat ids: one str
        visible = (self.prefix + decoded).lstrip()
        if "\n" in visible:
            visible = visible[: visible.index("\n")]  # one utterance: stop at the first line break
            self.ended = True
        if visible.endswith("\ufffd") or len(visible) <= len(self.text):
            return ""
        piece = visible[len(self.text) :]
        self.text = visible
        return piece

    def candidate(self) -> Candidate:
        count = len(self.ids)
        return Candidate(self.text, self.logprob_sum / count if count else 0.0, count)


def decode_config(
    base: GenerationConfig,
    sample: bool,
    temperature: float,
    top_p: float,
    max_new_tokens: int | None,
    seed: int,
) -> GenerationConfig:
    """The settings for one request: greedy unless ``sample``; the prompt budget stays ``base``'s."""
    return replace(
        base,
        temperature=temperature if sample else 0.0,
        top_p=top_p,
        max_new_tokens=max_new_tokens or base.max_new_tokens,
        seed=seed,
    )


class DialogGenerator:
    """A causal LM (optionally with a LoRA adapter) that writes interviewer turns, one sequence at a time.

    The transformers backend: training and the reference evaluation use it, and it serves when
    ``GENERATOR_BACKEND=transformers``.
    """

    def __init__(
        self,
        model: PreTrainedModel,
        tokenizer: PreTrainedTokenizerBase,
        config: GenerationConfig | None = None,
        name: str = "base",
        style: PromptStyle = PromptStyle.COMPACT,
        budget: int = PROMPT_TOKENS,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.config = config or GenerationConfig()
        self.name = name
        self.style = style
        self.budget = budget
        self.stop_ids = stop_token_ids(tokenizer)
        limit = getattr(model.config, "max_position_embeddings", 2048) or 2048
        self.context_tokens = min(self.config.context_tokens, limit)

    def prompt_ids(self, inputs: PromptInputs) -> list[int]:
        return build_prompt(self.tokenizer, inputs, self.style, self.budget)

    def stream(
        self,
        inputs: PromptInputs,
        cancel: threading.Event | None = None,
        config: GenerationConfig | None = None,
        text: TextAssembler | None = None,
    ) -> Iterator[str]:
        """Yield text pieces as they are decoded; stops at end of turn, a newline, or the token cap.

        ``config`` overrides the sampling settings (default: the generator's); ``text`` receives
        every token and its log-probability.

        Raises:
            Cancelled: when ``cancel`` is set (checked before every token).
        """
        import torch

        config = config or self.config
        text = text if text is not None else TextAssembler(self.tokenizer, inputs.prefix)
        generator = torch.Generator().manual_seed(config.seed)
        input_ids = torch.tensor([self.prompt_ids(inputs)])
        past = None
        with torch.inference_mode():
            for _ in range(config.max_new_tokens):
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                out = self.model(input_ids=input_ids, past_key_values=past, use_cache=True)
                past = out.past_key_values
                token, logprob = self._choose(out.logits[0, -1].float(), text.ids, generator, config)
                if token in self.stop_ids:
                    break
                piece = text.push(token, logprob)
                if piece:
                    yield piece
                if text.ended:
                    break
                input_ids = torch.tensor([[token]])

    def generate(self, inputs: PromptInputs, cancel: threading.Event | None = None) -> str:
        return "".join(self.stream(inputs, cancel))

    def candidate(
        self,
        inputs: PromptInputs,
        config: GenerationConfig | None = None,
        cancel: Cancel = None,
        on_piece: OnPiece = None,
    ) -> Candidate:
        """Decode one candidate, handing each piece to ``on_piece``.

        Raises:
            Cancelled: when ``cancel`` is set.
        """
        text = TextAssembler(self.tokenizer, inputs.prefix)
        for piece in self.stream(inputs, cancel, config, text):
            if on_piece is not None:
                on_piece(piece)
        return text.candidate()

    def _choose(
        self,
        logits: torch.Tensor,
        produced: list[int],
        generator: torch.Generator,
        config: GenerationConfig | None = None,
    ) -> tuple[int, float]:
        """(token, log-probability): greedy, or nucleus sampling within the top_k over repetition-penalised logits."""
        import torch

        config = config or self.config
        if config.repetition_penalty != 1.0 and produced:
            seen = torch.tensor(sorted(set(produced)))
            values = logits[seen]
            logits[seen] = torch.where(
                values > 0, values / config.repetition_penalty, values * config.repetition_penalty
            )
        logprobs = torch.log_softmax(logits, dim=-1)
        if config.temperature <= 0:
            token = int(torch.argmax(logits))
            return token, float(logprobs[token])
        probs = torch.softmax(logits / config.temperature, dim=-1)
        ordered, index = torch.sort(probs, descending=True)
        if config.top_k > 0:
            ordered, index = ordered[: config.top_k], index[: config.top_k]
        keep = torch.cumsum(ordered, dim=-1) - ordered < config.top_p
        ordered = ordered * keep
        choice = torch.multinomial(ordered / ordered.sum(), 1, generator=generator)
        token = int(index[choice])
        return token, float(logprobs[token])


def load_generator(
    model_dir: str | Path,
    base_setting: str = "",
    adapter_dir: str | Path | None = None,
    config: GenerationConfig | None = None,
) -> DialogGenerator:
    """A DialogGenerator over the base model (from the safetensors cache) and an optional adapter."""
    from interviewer.serving import bases, weights

    base = weights.resolve_base(base_setting, Path(model_dir))
    model, tokenizer = weights.load_base(Path(model_dir), base)
    name = weights.base_name(base)
    style, budget = bases.prompt_of(base)
    if adapter_dir is not None:
        from peft import PeftModel

        adapted = PeftModel.from_pretrained(model, str(adapter_dir))
        model = adapted.merge_and_unload()  # same speed as the base at inference
        model.eval()
        name = f"{name}+{Path(adapter_dir).name}"
    return DialogGenerator(model, tokenizer, config, name=name, style=style, budget=budget)


# ---------------------------------------------------------------------------
# Template questions: the fallback when the model's output is unusable, and the fake in tests


class TemplateGenerator:
    """A stand-in for DialogGenerator, no model: streams a template question word by word (``delay``
    seconds a word: a slow model in tests and demos); the engine makes its candidates of the stream."""

    name = "template"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay

    def stream(self, inputs: PromptInputs, cancel: threading.Event | None = None) -> Iterator[str]:
        text = template_question(inputs, [t for r, t in inputs.history if r == "interviewer"])
        for i, word in enumerate(text.split(" ")):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            if self.delay:
                time.sleep(self.delay)
            yield word if i == 0 else " " + word

    def generate(self, inputs: PromptInputs, cancel: threading.Event | None = None) -> str:
        return "".join(self.stream(inputs, cancel))
