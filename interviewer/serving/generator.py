"""DialogGenerator: the interviewer's words from a chat LM grounded on selected facts.

The prompt is a system instruction (persona, stage, job), the facts to probe, and the
dialog so far cut to a token budget. ``stream`` yields text pieces as tokens are decoded
and stops when a cancel event is set; ``generate`` joins them. ``postprocess`` turns raw
model output into one concise interviewer utterance, or ``None`` when it cannot.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from interviewer.dialog import prompt, templates
from interviewer.serving.bases import PromptStyle
from interviewer.vocabulary import Act
from interviewer.words import word_jaccard

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

ROLE_USER = "user"
ROLE_ASSISTANT = "assistant"

# One prompt budget, in tokens, for training, serving and evaluation alike (the prompt, not the
# words generated after it), so a live turn sees exactly what the adapter was trained on.
PROMPT_TOKENS = 288

# What each act asks of the model, in plain words: no act names or labels it could recite.
STAGE_INSTRUCTIONS = {
    Act.OPENING: "Open the interview: greet the candidate in one short sentence and ask one warm-up question.",
    Act.RESUME_DEEP_DIVE: "Ask one specific question about this point from their resume:",
    Act.REQUIREMENT_PROBE: "Ask one question that checks this requirement of the job:",
    Act.GAP_PROBE: "Their resume does not show this requirement of the job. Ask one question about it:",
    Act.FOLLOW_UP: "Ask one follow-up question about their last answer: their own part, a number, or the result.",
    Act.BEHAVIORAL: "Ask one behavioral question (tell me about a time when...).",
    Act.CANDIDATE_QUESTIONS: "Invite the candidate's questions about the role or the team.",
    Act.CLOSING: "Thank the candidate and close the interview in one or two sentences. Ask nothing.",
}


@dataclass(frozen=True)
class GroundingFact:
    source: str  # "resume" or "job"
    text: str


@dataclass
class PromptInputs:
    """Everything a prompt is built from."""

    job_title: str
    stage: Act
    facts: list[GroundingFact] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)  # (role "interviewer"|"candidate", text)
    company: str = ""
    exemplars: list[str] = field(default_factory=list)  # interviewer turns of other dialogs, same act
    prefix: str = ""  # the start of the interviewer's words, written by the code; the model continues it

    def __post_init__(self) -> None:
        self.stage = Act(self.stage)  # an unknown act is an error, never a silent requirement probe

    @property
    def answers(self) -> list[str]:
        """The candidate's answers so far, oldest first."""
        return [text for role, text in self.history if role == "candidate"]

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-able data (for an engine in another process)."""
        return {
            "job_title": self.job_title,
            "stage": self.stage.value,
            "facts": [{"source": f.source, "text": f.text} for f in self.facts],
            "history": [[role, text] for role, text in self.history],
            "company": self.company,
            "exemplars": list(self.exemplars),
            "prefix": self.prefix,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PromptInputs:
        return cls(
            job_title=data["job_title"],
            stage=Act(data["stage"]),
            facts=[GroundingFact(f["source"], f["text"]) for f in data.get("facts", [])],
            history=[(role, text) for role, text in data.get("history", [])],
            company=data.get("company", ""),
            exemplars=list(data.get("exemplars", [])),
            prefix=str(data.get("prefix", "")),
        )


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


def system_prompt(inputs: PromptInputs) -> str:
    """The instruction, the facts to ask about and the exemplars (training and serving share it)."""
    where = f" at {inputs.company}" if inputs.company else ""
    lines = [f"You are interviewing a candidate for the {inputs.job_title} role{where}."]
    lines.append(STAGE_INSTRUCTIONS[inputs.stage])
    lines.extend(f"- ({'resume' if f.source == 'resume' else 'job'}) {f.text}" for f in inputs.facts)
    for example in inputs.exemplars:
        lines.append(f'A good question of this kind from another interview: "{example}"')
    return "\n".join(lines)


def history_messages(history: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Interviewer turns are the assistant's, candidate turns the user's; starts with a user turn."""
    messages = [
        {"role": ROLE_ASSISTANT if role == "interviewer" else ROLE_USER, "content": text} for role, text in history
    ]
    if not messages or messages[0]["role"] != ROLE_USER:
        messages.insert(0, {"role": ROLE_USER, "content": "Hello, I'm ready to start."})
    if messages[-1]["role"] != ROLE_USER:
        # Two interviewer turns in a row (e.g. a closing after a question): let the model continue.
        messages.append({"role": ROLE_USER, "content": "(the candidate is waiting)"})
    return messages


def build_prompt_ids(
    tokenizer: PreTrainedTokenizerBase, inputs: PromptInputs, budget: int = PROMPT_TOKENS
) -> list[int]:
    """Token ids of the chat prompt, dropping the oldest history until it fits ``budget``.

    The instruction, the facts and the last message are always kept whole; exemplars go first,
    then facts (lowest ranked first), only when they alone would not fit.

    Raises:
        ValueError: when even the instruction and the last message exceed the budget.
    """
    trimmed = replace(inputs, history=[], facts=list(inputs.facts), exemplars=list(inputs.exemplars))
    history = history_messages(inputs.history)
    while True:
        for start in range(0, len(history)):
            kept = history[start:]
            if kept[0]["role"] != ROLE_USER:
                continue
            ids = _encode(tokenizer, trimmed, kept)
            if len(ids) <= budget:
                return ids
        if trimmed.exemplars:
            trimmed.exemplars.pop()
        elif trimmed.facts:
            trimmed.facts.pop()
        else:
            raise ValueError(f"the prompt needs more than {budget} tokens even without history and facts")


def _encode(tokenizer: PreTrainedTokenizerBase, inputs: PromptInputs, history: list[dict[str, str]]) -> list[int]:
    messages = [{"role": "system", "content": system_prompt(inputs)}] + history
    return _chat_ids(tokenizer, messages, True)


def _chat_ids(tokenizer: PreTrainedTokenizerBase, messages: list[dict[str, str]], generation: bool) -> list[int]:
    # tokenize=True: the ids, or (transformers 5's return_dict default) a BatchEncoding holding them
    ids = cast(
        "list[int] | Mapping[str, list[int]]",
        tokenizer.apply_chat_template(messages, add_generation_prompt=generation, tokenize=True),
    )
    if isinstance(ids, Mapping):
        ids = ids["input_ids"]
    return list(ids)


def build_prompt(
    tokenizer: PreTrainedTokenizerBase,
    inputs: PromptInputs,
    style: PromptStyle = PromptStyle.COMPACT,
    budget: int = PROMPT_TOKENS,
) -> list[int]:
    """The prompt's token ids for ``inputs`` in the base's style, ending with the code-written start
    of the interviewer's words (``inputs.prefix``) where there is one.

    The compact style is ``build_prompt_ids``. The instruct style (``interviewer.dialog.prompt``: the
    system message, a worked example of the act, the turn's task) keeps within ``budget`` by dropping
    facts after the first (the one the task is about), then the example.

    Raises:
        ValueError: when even the task with one fact and no example exceeds the budget.
    """
    return _fit(tokenizer, inputs, style, budget)[0]


def split_prompt(
    tokenizer: PreTrainedTokenizerBase,
    inputs: PromptInputs,
    style: PromptStyle = PromptStyle.COMPACT,
    budget: int = PROMPT_TOKENS,
) -> tuple[list[int], int]:
    """``build_prompt``'s ids and how many of them, from the start, are the static part (the
    instruct style's system message and worked example, ``prompt.static_messages``; 0 for the
    compact style): the same tokens for every turn of one act in one situation.

    Raises:
        ValueError: as ``build_prompt``.
    """
    ids, fitted, examples = _fit(tokenizer, inputs, style, budget)
    if style is PromptStyle.COMPACT:
        return ids, 0
    static = _chat_ids(tokenizer, prompt.static_messages(fitted, examples), False)
    return ids, len(static) if ids[: len(static)] == static and len(static) < len(ids) else 0


def _fit(
    tokenizer: PreTrainedTokenizerBase, inputs: PromptInputs, style: PromptStyle, budget: int
) -> tuple[list[int], PromptInputs, int]:
    """The prompt's ids, and the inputs and number of worked examples that fitted ``budget``."""
    start = _prefix_ids(tokenizer, inputs.prefix) if inputs.prefix else []
    if style is PromptStyle.COMPACT:
        return build_prompt_ids(tokenizer, inputs, budget) + start, inputs, 0
    facts, examples = list(inputs.facts), 1
    while True:
        fitted = replace(inputs, facts=facts)
        ids = _chat_ids(tokenizer, prompt.messages(fitted, examples), True) + start
        if len(ids) <= budget:
            return ids, fitted, examples
        if len(facts) > 1:
            facts.pop()
        elif examples > 0:
            examples -= 1
        else:
            raise ValueError(f"the prompt needs more than {budget} tokens even with one fact and no example")


def _prefix_ids(tokenizer: PreTrainedTokenizerBase, prefix: str) -> list[int]:
    return list(cast("list[int]", tokenizer.encode(prefix, add_special_tokens=False)))


# ---------------------------------------------------------------------------
# Post-processing

ROLE_LABEL = re.compile(
    r"^\s*(?:\*\*)?(?:interviewer|assistant|hiring manager|recruiter|me|q|question(?:\s*\d+)?)(?:\*\*)?\s*[:\-–]\s*(?:\*\*)?\s*",
    re.I,
)
_META = re.compile(
    r"^\s*(?:sure|certainly|of course|okay|ok|great question)[,!.]?\s*(?:here(?:'s| is) (?:a|my|the) "
    r"(?:follow[- ]up )?question[^:]*:\s*)?|^\s*here(?:'s| is) (?:a|my|the) (?:follow[- ]up )?question[^:]*:\s*",
    re.I,
)
AI_TALK = re.compile(r"\b(as an ai|language model|i'm an ai|i am an ai|how can i (?:help|assist))\b", re.I)
MAX_WORDS = 60


def is_repeat(text: str, asked: list[str], threshold: float = 0.75) -> bool:
    """True when ``text`` is (nearly) a question already asked in this interview (word Jaccard)."""
    return any(word_jaccard(text, previous) >= threshold for previous in asked)


def looks_english(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) >= 0.95


def postprocess(raw: str, asked: list[str] | None = None, want_question: bool = True) -> str | None:
    """One concise interviewer utterance from raw model output, or None if unusable.

    Removes role labels, meta-text and anything after the first line or the first question;
    refuses text that talks like an assistant, is not English, or repeats an earlier question.
    """
    text = raw.replace("<|im_end|>", "\n").strip().strip('"').strip()
    text = text.split("\n")[0].strip() if text else ""
    for _ in range(2):
        text = ROLE_LABEL.sub("", text)
        text = _META.sub("", text).strip()
    text = text.strip('"“” ').strip()
    if not text or AI_TALK.search(text) or not looks_english(text):
        return None
    if want_question and "?" in text:
        text = text[: text.index("?") + 1]
        sentences = re.split(r"(?<=[.!])\s+", text)
        text = " ".join(sentences[-2:])  # at most one sentence of lead-in before the question
    words = text.split()
    if len(words) > MAX_WORDS:
        text = " ".join(words[:MAX_WORDS]).rstrip(",;:") + ("?" if want_question else ".")
    if len(words) < 3:
        return None
    if want_question and "?" not in text:
        return None
    if asked and want_question and is_repeat(text, asked):
        return None
    return text[0].upper() + text[1:]


# ---------------------------------------------------------------------------
# Generation


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
        cancel: threading.Event | None = None,
        on_piece: Callable[[str], None] | None = None,
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


def template_question(inputs: PromptInputs, asked: list[str] | None = None, redirect: bool = False) -> str:
    """The template for the turn (interviewer.dialog.templates): the last resort, and the stand-in model.
    ``redirect``: a follow-up on an off-topic answer, back to work."""
    last_answer = next((text for role, text in reversed(inputs.history) if role == "candidate"), "")
    facts = [f.text for f in inputs.facts]
    return templates.template_question(inputs.stage, facts, inputs.job_title, asked or [], last_answer, redirect)


class TemplateGenerator:
    """Same interface as DialogGenerator, no model: streams a template question word by word
    (``delay`` seconds a word: a stand-in for a slow model in tests and demos)."""

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

    def candidate(
        self,
        inputs: PromptInputs,
        config: GenerationConfig | None = None,
        cancel: threading.Event | None = None,
        on_piece: Callable[[str], None] | None = None,
    ) -> Candidate:
        """The template question as a candidate (every candidate of a request is the same text)."""
        pieces = []
        for piece in self.stream(inputs, cancel):
            pieces.append(piece)
            if on_piece is not None:
                on_piece(piece)
        return Candidate("".join(pieces), 0.0, len(pieces))
