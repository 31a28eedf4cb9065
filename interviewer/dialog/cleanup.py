"""From a model's raw words to one interviewer utterance: role labels and meta-text removed, the
first question kept, assistant talk and repeats refused; and the template question that stands in
when nothing usable is left (:mod:`interviewer.dialog.templates`).
"""

from __future__ import annotations

import re

from interviewer.dialog import templates
from interviewer.dialog.inputs import PromptInputs
from interviewer.text import word_jaccard

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


def template_question(inputs: PromptInputs, asked: list[str] | None = None, redirect: bool = False) -> str:
    """The template for the turn (interviewer.dialog.templates): the last resort, and the stand-in model.
    ``redirect``: a follow-up on an off-topic answer, back to work."""
    last_answer = next((text for role, text in reversed(inputs.history) if role == "candidate"), "")
    facts = [f.text for f in inputs.facts]
    return templates.template_question(inputs.stage, facts, inputs.job_title, asked or [], last_answer, redirect)
