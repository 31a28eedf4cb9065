"""What one interviewer turn is asked from: the facts it is grounded on, the dialog so far, the act,
and the prompt built from them for a chat model within one token budget (``compact`` for the small
base's adapter, ``instruct`` for instruction-following bases, :mod:`interviewer.dialog.prompt`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from interviewer.dialog import prompt
from interviewer.vocabulary import Act, Source

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase


class PromptStyle(StrEnum):
    """How the prompt is written (:func:`build_prompt`): ``compact`` is the one the shipped
    SmolLM2 adapter was trained on; ``instruct`` is written for instruction-following bases."""

    COMPACT = "compact"
    INSTRUCT = "instruct"


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
    source: str  # a Source: "resume" or "job"
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


def system_prompt(inputs: PromptInputs) -> str:
    """The instruction, the facts to ask about and the exemplars (training and serving share it)."""
    where = f" at {inputs.company}" if inputs.company else ""
    lines = [f"You are interviewing a candidate for the {inputs.job_title} role{where}."]
    lines.append(STAGE_INSTRUCTIONS[inputs.stage])
    lines.extend(f"- ({Source.RESUME if f.source == Source.RESUME else Source.JOB}) {f.text}" for f in inputs.facts)
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
