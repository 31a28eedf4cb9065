"""The interviewer answers the candidate's own questions from the posting, and says so when it cannot.

Invited to ask, a candidate asks what a posting usually says (pay, where the work is, the team, the
tools, what the days hold) or what it does not (next steps, the culture). An interviewer that only
thanks and defers ignores them; one that answers from its own knowledge invents. So each question
is matched to the posting's line that answers it, any line of it (the benefits, the company's text
and the conditions included: those are what candidates ask about), and the answer quotes it; a
question about a part of the posting rather than a line ("What would a typical day look like?") is
answered with that part's first lines (:data:`TOPICS`); a question nothing answers gets a plain "the
posting doesn't say". The words are the code's: quoted, they cannot claim what the posting does not say.

A line answers a question when it shares a meaningful word stem with it (a question's own words,
"salary", "remote", "report", not "role" or "like") and the encoder finds it near enough
(:data:`MIN_SIMILARITY`), or when it is very near without a shared word (:data:`SURE_SIMILARITY`).
On the fixture postings, the encoder's nearest line alone answered "What are the next steps?" with a
duty, sharing no word stem; on real postings, lines that shared only a word ("team", "hire", "full
time") and were no nearer than 0.42 did not answer (a blind judge's reading of 36 answers), hence
:data:`MIN_SIMILARITY` (chosen with that reading in view, so measured again on other postings). The
old reply named the line's kind ("the posting asks for this") from the classifier's verdict, which was
wrong often enough to mislead; the quote now speaks for itself.

Pure: no Django; the caller passes the posting's lines, their embeddings and the encoder.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interviewer.encoders import Encoder
from interviewer.text import FUNCTION_WORDS, spoken_sentences, stem, tokens
from interviewer.vocabulary import Section

MAX_QUESTIONS = 3  # answered in one turn; more are left to the next invitation
MIN_SIMILARITY = 0.43  # with a shared word stem
SURE_SIMILARITY = 0.60  # without one
TOPIC_SIMILARITY = 0.55  # to the nearest example question of a topic
TOPIC_LINES = 2  # lines quoted for a topic
MAX_QUOTED_WORDS = 40
LOCATION = "location"  # the kind of the line the caller makes of the posting's location
_QUESTION_START = re.compile(
    r"^(?:so,?\s+|and\s+|also,?\s+|yes,?\s+|sure,?\s+|ok(?:ay)?,?\s+)*(?:what|what's|how|is|are|do|does|did|can|could|"
    r"will|would|when|where|who|whom|which|why|should|may|i'd like to know|i was wondering|tell me)\b",
    re.I,
)
# "... in this role", "... at the company": where the question is asked, not what it asks about; left
# out when the question is held against the topics' examples ("What would I spend most of my time
# doing in this role?" was 0.53 from "What would I do day to day?", without its tail 0.73).
_WHERE = re.compile(r"\s+(?:in|for|at|on|with)\s+(?:this|the|your|our)\s+(?:role|job|position|team|company)\b", re.I)
# Words of a question that say it is a question about the job, not what it is about.
_GENERIC = frozenset(
    """role job position company like look looks typical day days tell know ask question questions work working
    would could much many kind sort thing things also please there here get got want wondering mean means""".split()
)


@dataclass(frozen=True)
class Line:
    """One line of the posting as the answer uses it: its text, its section and its kind."""

    text: str
    section: str = ""
    kind: str = ""
    fact_id: int = 0


@dataclass(frozen=True)
class Topic:
    """A question no single line answers but a part of the posting does ("What would a typical day
    look like?": its duties): told by the encoder from a few example questions, answered with the
    first :data:`TOPIC_LINES` lines of those ``kinds`` (or, lacking kinds, of those ``sections``)."""

    name: str
    examples: tuple[str, ...]
    kinds: frozenset[str]
    sections: frozenset[str]
    lead: str


TOPICS = (
    Topic(
        "duties",
        ("What would I do day to day?", "What does a typical day look like?", "What are the main responsibilities?",
         "What would I be working on?"),
        frozenset({"responsibility"}), frozenset({Section.RESPONSIBILITIES}), "Among the duties, the posting lists",
    ),
    Topic(
        "wanted",
        ("What experience are you looking for?", "What skills matter most for this job?",
         "What makes a strong candidate?", "What qualifications do I need?"),
        frozenset({"requirement", "skill"}), frozenset({Section.REQUIREMENTS}), "The posting asks first for",
    ),
    Topic(
        "place",
        ("Where is the job based?", "Where is the office?", "Which city would I work in?", "Where would I be located?"),
        frozenset({LOCATION}), frozenset(), "The posting gives the location as",
    ),
    # Answered only by a line that names it: the examples keep pay questions from the nearest other
    # topic (on real postings "How much does the position pay?" was nearest "place", and got the location).
    Topic(
        "pay",
        ("How much does the job pay?", "What is the salary?", "How much would I earn?", "Is there a bonus?"),
        frozenset(), frozenset(), "",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Reply:
    """One of the candidate's questions and the posting's lines that answer it (none: the posting
    does not say); ``lead`` says how they answer it ("" for a line that answers it itself)."""

    question: str
    lines: tuple[Line, ...] = ()
    similarity: float = 0.0
    lead: str = ""


# "..., and how is success measured?": a second question joined to the first.
_JOINED = re.compile(
    r",?\s+(?:and|or|also)\s+(?=(?:how|what|who|where|when|which|why|is|are|do|does|can|could|will|would)\b)", re.I
)


def questions(text: str) -> list[str]:
    """The questions in the candidate's words: each sentence that ends on "?" or opens as a
    question, and each question joined to another by "and" ("What does a week look like, and how is
    success measured?" asks two)."""
    out: list[str] = []
    for sentence in spoken_sentences(text):
        s = sentence.strip()
        if len(tokens(s)) >= 2 and (s.endswith("?") or _QUESTION_START.match(s)):
            parts = [p.strip() for p in _JOINED.split(s) if len(tokens(p)) >= 2]
            out.extend(p[0].upper() + p[1:] + ("" if p.endswith("?") else "?") for p in parts)
    return out


def _stems(text: str) -> set[str]:
    return {stem(w) for w in tokens(text) if w not in FUNCTION_WORDS and w not in _GENERIC and len(w) > 2}


def find(asked: Sequence[str], lines: Sequence[Line], vectors: np.ndarray, encoder: Encoder) -> list[Reply]:
    """Each question (at most :data:`MAX_QUESTIONS`) with what answers it: the nearest line that
    shares a word stem with it (or a very near one that shares none), else the first lines of the
    part of the posting its topic asks about (:data:`TOPICS`), else nothing."""
    asked = list(asked)[:MAX_QUESTIONS]
    if not asked:
        return []
    encoded = encoder.encode(asked)
    sims = encoded @ np.asarray(vectors, dtype=np.float32).T if lines else np.zeros((len(asked), 0))
    near = encoder.encode([_WHERE.sub("", q) for q in asked]) @ _examples(encoder).T
    out = []
    for row, question in enumerate(asked):
        col = _nearest_line(question, lines, sims[row])
        if col is not None:
            out.append(Reply(question, (lines[col],), float(sims[row, col])))
            continue
        best = int(np.argmax(near[row]))
        topic = _TOPIC_OF[best]
        quoted = _topic_lines(topic, lines) if near[row, best] >= TOPIC_SIMILARITY else ()
        out.append(Reply(question, quoted, float(near[row, best]), topic.lead) if quoted else Reply(question))
    return out


_TOPIC_OF = [t for t in TOPICS for _example in t.examples]  # the topic of each example, in order
# The examples' embeddings, by encoder object (the app keeps one encoder; a test's stand-ins differ).
_ENCODED: weakref.WeakKeyDictionary[Encoder, np.ndarray] = weakref.WeakKeyDictionary()


def _examples(encoder: Encoder) -> np.ndarray:
    """The topics' example questions embedded once per encoder (not at every reply)."""
    if encoder not in _ENCODED:
        _ENCODED[encoder] = encoder.encode([e for t in TOPICS for e in t.examples])
    return _ENCODED[encoder]


def _nearest_line(question: str, lines: Sequence[Line], sims: np.ndarray) -> int | None:
    own = _stems(question)
    best: tuple[float, int] | None = None
    for col, line in enumerate(lines):
        sim = float(sims[col])
        shared = bool(own & _stems(line.text))
        if (shared and sim >= MIN_SIMILARITY) or sim >= SURE_SIMILARITY:
            score = sim + (0.1 if shared else 0.0)
            if best is None or score > best[0]:
                best = (score, col)
    return best[1] if best else None


def _topic_lines(topic: Topic, lines: Sequence[Line]) -> tuple[Line, ...]:
    of_kind = [line for line in lines if line.kind in topic.kinds]
    if not of_kind and topic.sections:
        of_kind = [line for line in lines if line.section in topic.sections]
    return tuple(of_kind[:TOPIC_LINES])


def _quoted(text: str) -> str:
    words = text.strip().rstrip(".;:,").split()
    short = " ".join(words[:MAX_QUOTED_WORDS]) + ("…" if len(words) > MAX_QUOTED_WORDS else "")
    return f"“{short}”"


def _answer(reply: Reply) -> str:
    if not reply.lines:
        return "the posting doesn't say, so the hiring manager is the one to ask."
    quoted = "; ".join(_quoted(line.text) for line in reply.lines)
    lead = reply.lead or "The posting says"
    return f"{lead[0].lower()}{lead[1:]}: {quoted}."


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
