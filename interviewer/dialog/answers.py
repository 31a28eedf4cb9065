"""The interviewer answers the candidate's own questions from the posting, and says so when it cannot.

Invited to ask, a candidate asks what a posting usually says (pay, where the work is, the team, the
tools, what the days hold) or what it does not (next steps, the culture). An interviewer that only
thanks and defers ignores them; one that answers from its own knowledge invents. So each question
is matched to the posting's line that answers it, any line of it (the benefits, the company's text
and the conditions included: those are what candidates ask about), and the answer quotes that line
and says which part of the posting it is; a question no line answers gets a plain "the posting
doesn't say". The words are the code's: quoted, they cannot claim what the posting does not say.

A line answers a question when it shares a meaningful word stem with it (a question's own words,
"salary", "remote", "report", not "role" or "like") and the encoder finds it near enough
(:data:`MIN_SIMILARITY`), or when it is very near without a shared word (:data:`SURE_SIMILARITY`).
On the fixture postings, the encoder's nearest line alone answered "How big is the team?" with a
line about remote team weeks and "What are the next steps?" with a duty; neither shares a word stem.

Pure: no Django; the caller passes the posting's lines, their embeddings and the encoder.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interviewer.encoders import Encoder
from interviewer.text import FUNCTION_WORDS, spoken_sentences, stem, tokens
from interviewer.vocabulary import Section

MAX_QUESTIONS = 3  # answered in one turn; more are left to the next invitation
MIN_SIMILARITY = 0.30  # with a shared word stem
SURE_SIMILARITY = 0.60  # without one
MAX_QUOTED_WORDS = 40
_QUESTION_START = re.compile(
    r"^(?:so,?\s+|and\s+|also,?\s+|yes,?\s+|sure,?\s+|ok(?:ay)?,?\s+)*(?:what|what's|how|is|are|do|does|did|can|could|"
    r"will|would|when|where|who|whom|which|why|should|may|i'd like to know|i was wondering|tell me)\b",
    re.I,
)
# Words of a question that say it is a question about the job, not what it is about.
_GENERIC = frozenset(
    """role job position company like look looks typical day days tell know ask question questions work working
    would could much many kind sort thing things also please there here get got want wondering mean means""".split()
)
# What kind of line of the posting answered: the way the answer names it.
_ASKS_FOR = frozenset({"requirement", "skill", "nice_to_have"})


@dataclass(frozen=True)
class Line:
    """One line of the posting as the answer uses it: its text, its section and its kind."""

    text: str
    section: str = ""
    kind: str = ""
    fact_id: int = 0


@dataclass(frozen=True)
class Reply:
    """One of the candidate's questions and the posting's line that answers it (None: none does)."""

    question: str
    line: Line | None = None
    similarity: float = 0.0


def questions(text: str) -> list[str]:
    """The sentences of the candidate's words that ask something: ending on "?" or opening as a question."""
    out = []
    for sentence in spoken_sentences(text):
        s = sentence.strip()
        if len(tokens(s)) >= 2 and (s.endswith("?") or _QUESTION_START.match(s)):
            out.append(s)
    return out


def _stems(text: str) -> set[str]:
    return {stem(w) for w in tokens(text) if w not in FUNCTION_WORDS and w not in _GENERIC and len(w) > 2}


def find(asked: Sequence[str], lines: Sequence[Line], vectors: np.ndarray, encoder: Encoder) -> list[Reply]:
    """Each question (at most :data:`MAX_QUESTIONS`) with the line that answers it, if one does:
    the nearest line that shares a word stem with it, or a very near one that shares none."""
    asked = list(asked)[:MAX_QUESTIONS]
    if not asked:
        return []
    if not lines:
        return [Reply(q) for q in asked]
    sims = encoder.encode(asked) @ np.asarray(vectors, dtype=np.float32).T
    out = []
    for row, question in enumerate(asked):
        own = _stems(question)
        best: tuple[float, int] | None = None
        for col, line in enumerate(lines):
            sim = float(sims[row, col])
            shared = bool(own & _stems(line.text))
            if (shared and sim >= MIN_SIMILARITY) or sim >= SURE_SIMILARITY:
                score = sim + (0.1 if shared else 0.0)
                if best is None or score > best[0]:
                    best = (score, col)
        out.append(Reply(question, lines[best[1]], float(sims[row, best[1]])) if best else Reply(question))
    return out


def _quoted(text: str) -> str:
    words = text.strip().rstrip(".;:,").split()
    short = " ".join(words[:MAX_QUOTED_WORDS]) + ("…" if len(words) > MAX_QUOTED_WORDS else "")
    return f"“{short}”"


def _answer(reply: Reply) -> str:
    line = reply.line
    if line is None:
        return "the posting doesn't say, so the hiring manager is the one to ask."
    if line.kind in _ASKS_FOR or (not line.kind and line.section in (Section.REQUIREMENTS, Section.NICE_TO_HAVE)):
        return f"the posting asks for this: {_quoted(line.text)}."
    if line.kind == "responsibility" or (not line.kind and line.section == Section.RESPONSIBILITIES):
        return f"the posting lists this among the duties: {_quoted(line.text)}."
    return f"the posting says: {_quoted(line.text)}."


def compose(replies: Sequence[Reply], closing: bool) -> str:
    """The interviewer's answer to the candidate's questions, then an invitation to ask more, or
    (``closing``) the end of the interview."""
    if len(replies) == 1:
        answer = _answer(replies[0])
        parts = ["Good question.", answer[0].upper() + answer[1:]]
    else:  # each question named, without its question mark: a closing asks nothing
        parts = [f"On your question “{r.question.rstrip('?. ')}”, {_answer(r)}" for r in replies]
    ending = "Thank you for your time today." if closing else "What else would you like to know?"
    return " ".join([*parts, ending])
