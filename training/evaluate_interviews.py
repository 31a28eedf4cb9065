"""End-to-end evaluation: whole scripted interviews on real documents, per system.

Pure functions over finished interviews (no Django here): the command imports the documents
into a scratch database, runs the interviews through the serving path, and hands each
interview's turns to :func:`score_interviews`. Also the scripted candidate: answers built
from the candidate's own resume facts, some specific, some vague, one off the subject, so that
follow-ups have something to follow.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from interviewer.dialog.metrics import is_grounded
from interviewer.dialog.ranker import FOLLOW_UP_SIMILARITY, NEAR_REPEAT_JACCARD, closes, invites, recites
from interviewer.dialog.templates import topic
from interviewer.encoders import Encoder
from interviewer.serving.bases import BASES
from interviewer.text import content_words, word_jaccard
from interviewer.vocabulary import Act

TEMPLATE = "template"
SYSTEMS = (TEMPLATE, *BASES)  # templates only, or a registered base served as the app serves it
SYSTEM_HELP = {TEMPLATE: "template questions only (no model)"} | {
    name: f"{base.title}, served as the app serves it (its adapter, if one was trained on it)"
    for name, base in BASES.items()
}


@dataclass(frozen=True)
class EvalTurn:
    """One turn of a finished interview, as the evaluation needs it."""

    role: str
    text: str
    act: Act | None = None
    facts: tuple[str, ...] = ()
    source: str = ""
    latency_s: float = 0.0  # the first word: from the turn's start (the answer saved) to its first word shown
    turn_s: float = 0.0  # the whole turn: from its start to its last word
    grounding: tuple[tuple[str, str], ...] = ()  # (source, text) of every fact the turn was given, evidence too


@dataclass
class Scripted:
    """A candidate who answers from their resume: mostly specific, sometimes vague or off topic."""

    facts: Sequence[str]
    seed: int = 0
    count: int = 0
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def answer(self, question: str, encoder: Encoder) -> str:
        self.count += 1
        if self.count % 4 == 0:
            return "I'm not sure, it depends on the situation. I have done some of that, kind of."
        if self.count % 7 == 0:
            return "Outside work I bake sourdough bread every weekend and I like kayaking in summer."
        if "question" in question.lower() and ("ask" in question.lower() or "know" in question.lower()):
            return "What does a typical week look like for the team, and how is success measured?"
        fact = self._nearest(question, encoder)
        detail = self.rng.choice(
            [
                "It took about three months, I owned the plan, and we finished on time.",
                "I led it with two colleagues, and the result was a 20% improvement.",
                "My part was the analysis and the rollout; the team adopted it within a quarter.",
            ]
        )
        return f"In my last role I worked on {topic(fact) if fact else 'this'}. {detail}"

    def _nearest(self, question: str, encoder: Encoder) -> str:
        if not self.facts:
            return ""
        vectors = encoder.encode([question, *self.facts])
        return str(self.facts[int(np.argmax(vectors[1:] @ vectors[0]))])


def _refers_to(text: str, answer: str, encoder: Encoder) -> bool:
    if content_words(text) & content_words(answer):
        return True
    vectors = encoder.encode([text, answer])
    return float(vectors[0] @ vectors[1]) >= FOLLOW_UP_SIMILARITY


def score_interviews(interviews: Sequence[Sequence[EvalTurn]], encoder: Encoder) -> dict[str, float]:
    """The figures of issue 12 over finished interviews (interviewer turns only, where it says so)."""
    asked = [t for interview in interviews for t in interview if t.role == "interviewer"]
    probes = [t for t in asked if t.act is not None and t.act.is_probe and t.facts]
    questions = [t for t in asked if t.act is not None and t.act.asks_question]
    closings = [t for t in asked if t.act is Act.CLOSING]
    invitations = [t for t in asked if t.act is Act.CANDIDATE_QUESTIONS]
    exact = near = 0
    follow_ups = relevant = 0
    for interview in interviews:
        said: list[str] = []
        last_answer = ""
        for turn in interview:
            if turn.role != "interviewer":
                last_answer = turn.text
                continue
            exact += turn.text in said
            near += any(word_jaccard(turn.text, s) >= NEAR_REPEAT_JACCARD for s in said if s != turn.text)
            if turn.act is Act.FOLLOW_UP and last_answer:
                follow_ups += 1
                relevant += _refers_to(turn.text, last_answer, encoder)
            said.append(turn.text)
    latencies = [t.latency_s for t in asked if t.latency_s]
    whole = [t.turn_s for t in asked if t.turn_s]
    return {
        "interviews": len(interviews),
        "turns": len(asked),
        "model_share": share(sum(t.source != "template" for t in asked), len(asked)),
        "probe_grounding": share(sum(is_grounded(t.text, list(t.facts)) for t in probes), len(probes)),
        "question_rate": share(sum(t.text.rstrip().endswith("?") for t in questions), len(questions)),
        "exact_repeats": exact,
        "near_repeat_rate": share(near, len(asked)),
        "follow_up_relevance": share(relevant, follow_ups),
        "follow_ups": follow_ups,
        "instruction_restatements": sum(recites(t.text) for t in asked),
        "closings_that_close": share(sum(closes(t.text) for t in closings), len(closings)),
        "invitations_that_invite": share(sum(invites(t.text) for t in invitations), len(invitations)),
        "first_word_p50_s": round(statistics.median(latencies), 2) if latencies else 0.0,
        "first_word_p95_s": _p95(latencies),
        "turn_p50_s": round(statistics.median(whole), 2) if whole else 0.0,
        "turn_p95_s": _p95(whole),
        "turn_max_s": round(max(whole), 2) if whole else 0.0,
    }


def share(part: float, whole: float) -> float:
    """``part`` of ``whole`` to three places (0 of nothing)."""
    return round(part / whole, 3) if whole else 0.0


def _p95(values: Sequence[float]) -> float:
    return round(sorted(values)[int(0.95 * (len(values) - 1))], 2) if values else 0.0


COLUMNS = [
    ("model_share", "model words"),
    ("probe_grounding", "probes grounded"),
    ("question_rate", "questions"),
    ("exact_repeats", "exact repeats"),
    ("near_repeat_rate", "near repeats"),
    ("follow_up_relevance", "follow-ups on the answer"),
    ("instruction_restatements", "instruction recitals"),
    ("closings_that_close", "closings that close"),
    ("invitations_that_invite", "invitations that invite"),
    ("first_word_p50_s", "first word p50 s"),
    ("first_word_p95_s", "first word p95 s"),
    ("turn_p50_s", "whole turn p50 s"),
    ("turn_p95_s", "whole turn p95 s"),
    ("turn_max_s", "slowest turn s"),
]
