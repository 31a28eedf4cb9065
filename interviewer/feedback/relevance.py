"""Is an answer about the question asked? Encoder similarity and shared words, side by side.

A sentence encoder alone is a poor judge here: a behavioural question ("Tell me about a design you
got wrong") and a good story about an O-ring groove share few words and a modest cosine, while a
digression that repeats the question's keyword ("speaking of reviews, I reviewed a ramen place")
scores well. So the verdict weighs transparent signals, measured on the answer *without* the
words it shares with the question (a repeated keyword proves nothing about the rest):

- ``similarity``: the highest cosine to the question or its grounding facts;
- ``small_talk`` / ``work_talk``: the highest cosine to short descriptions of private life
  (hobbies, food, family, sport, travel...) and of work (projects, customers, tools...);
- ``overlap``: the share of the question's content words the answer repeats;
- ``private`` / ``work``: counts of words from general lists of private-life and work vocabulary.

Off-topic means the margin of a logistic model over these is above 0; its weights
(``Calibration``) are fitted on the train half of ``fixtures/answers.jsonl`` with
all-MiniLM-L6-v2 (``manage.py evaluate_feedback --fit``). "I don't know" and the candidate's own
questions are never off-topic: ``feedback.assess`` decides those first.
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass

import numpy as np

from interviewer.encoders import Encoder
from interviewer.text import SPOKEN, SPOKEN_STOPWORDS, stem

# Private life: general vocabulary, not phrases of the labelled set.
PRIVATE = re.compile(
    r"\b(?:(?:at|on|last|this|next|every) weekends?|holidays?|vacations?|hobby|hobbies|spare time|free time|days? off|"
    r"my (?:wife|husband|partner|girlfriend|boyfriend|fianc[ée]e?|kids|children|son|daughter|mum|mom|dad|father|mother|"
    r"brother|sister|grand\w+|family|dogs?|cats?|pets?|neighbours?|neighbors?|flat|apartment|house|garden|car|bike|"
    r"friends?)|cats|dogs|birthday|wedding|married|football|soccer|rugby|cricket|netball|basketball|tennis|golf|"
    r"cinema|films?|movies?|netflix|tv shows?|seasons? ticket|pub|restaurant|bakery|recipes?|cooking|baking|bread|"
    r"cake|pizza|pastr(?:y|ies)|dinner|gardening|swimming|hiking|climbing|bouldering|kayaking|camping|cycling|"
    r"marathon|gym|yoga|guitar|piano|cello|violin|pottery|knitting|concert|festival|beach|lake|mountains|"
    r"shopping|favou?rite|funny|hilarious|gorgeous|delicious|weather|raining|sunny|freezing|snow)\b",
    re.I,
)
WORK = re.compile(
    r"\b(?:team|project|customers?|clients?|patients?|students?|pupils?|learners?|manager|managers|stakeholders?|"
    r"deadline|budget|reports?|process|system|data|design|release|tickets?|campaigns?|deals?|sales|revenue|costs?|"
    r"policy|staff|ward|lessons?|audit|suppliers?|contracts?|tests?|testing|production|code|service|product|users?|"
    r"role|job|company|colleagues?|meetings?|training|targets?|metrics?|kpis?|analysis|model|dashboard|workflow|"
    r"rota|escalat\w+|incident|review|plan|planning|forecast|pipeline|prototype|drawing|engineer\w*|nurse|doctor|"
    r"teacher|class|curriculum|interview\w*|hiring|onboarding|invoice|accounts?|finance|operations|warehouse|"
    r"shift|site|quality|safety|compliance|tool|software|spreadsheet|excel|sql|python)\b",
    re.I,
)
# Private life, described broadly: what an answer that is not about work tends to be about.
SMALL_TALK = (
    "my hobbies and what I do at the weekend",
    "cooking, baking and food I like to eat",
    "watching or playing sport, football, running, the gym",
    "a holiday, travel and trips abroad",
    "my family, my children, my partner and my relatives",
    "my pets and animals",
    "the weather",
    "films, TV series, documentaries, music and books I enjoy",
    "my house, my flat, my garden, furniture and DIY",
    "my car, my bike, my phone and other things I bought",
    "outdoor activities like hiking, swimming, climbing and kayaking",
    "arts and crafts, pottery, painting, singing or playing an instrument",
    "a wedding, a birthday, a party, a night out with friends",
    "my childhood, where I grew up and my school days",
    "games, puzzles, video games and board games",
    "my neighbours, my street and things happening at home",
    "my sleep, my health and how I feel",
    "learning a language or a new skill for fun",
    "a funny story from my personal life",
)


# Work, described broadly across occupations: what an on-topic answer tends to be about.
WORK_TALK = (
    "what I did at work on a project",
    "my job, my team, my manager and colleagues",
    "customers, clients, patients or students I worked with",
    "results, metrics, targets, deadlines and budgets",
    "tools, software, systems and processes I used at work",
    "how I would approach this task in the role",
    "a problem at work and how I solved it",
    "my experience and skills for this job",
)


@dataclass(frozen=True)
class Calibration:
    """Weights of the off-topic margin, fitted by logistic regression on the train half of
    ``fixtures/answers.jsonl`` with all-MiniLM-L6-v2 (``training.evaluate_feedback.fit``).

    margin = bias + w_gap * (small_talk - similarity) + w_gap_work * (small_talk - max(similarity, work_talk))
             + w_private * private - w_work * work - w_overlap * overlap
    """

    bias: float = -0.25
    w_gap: float = 5.9
    w_gap_work: float = 4.86
    w_private: float = 4.13
    w_work: float = 2.03
    w_overlap: float = 2.47


DEFAULT = Calibration()
# The hashing encoder of the tests and FAKE_MODELS demos is a bag of words: its cosines mean
# something else, so it has its own weights (same fit, same train half).
HASHING = Calibration(bias=0.04, w_gap=0.39, w_gap_work=-0.85, w_private=5.64, w_work=3.01, w_overlap=3.44)


def calibration_for(encoder: Encoder) -> Calibration:
    return HASHING if encoder.model_id.startswith("hashing") else DEFAULT


@dataclass
class Relevance:
    """The signals, measured on the answer without the words it shares with the question (so that
    repeating the question's keyword before a digression does not make the digression relevant)."""

    similarity: float  # to the question and its facts
    small_talk: float  # to descriptions of private life
    work_talk: float  # to descriptions of work
    overlap: float  # share of the question's content words the answer repeats
    private: int  # private-life words
    work: int  # work words
    calibration: Calibration = DEFAULT

    @property
    def off_topic_margin(self) -> float:
        """Above 0: off-topic."""
        c = self.calibration
        return (
            c.bias
            + c.w_gap * (self.small_talk - self.similarity)
            + c.w_gap_work * (self.small_talk - max(self.similarity, self.work_talk))
            + c.w_private * min(self.private, 4)
            - c.w_work * min(self.work, 4)
            - c.w_overlap * self.overlap
        )

    @property
    def score(self) -> float:
        """0-1: how clearly the answer addresses the question; below 0.5 is off-topic."""
        return 1.0 / (1.0 + math.exp(max(-30.0, min(30.0, self.off_topic_margin))))

    @property
    def off_topic(self) -> bool:
        return self.off_topic_margin > 0

    def features(self) -> list[float]:
        """The margin's inputs, in the order of ``Calibration``'s weights (for fitting)."""
        return [
            self.small_talk - self.similarity,
            self.small_talk - max(self.similarity, self.work_talk),
            float(min(self.private, 4)),
            -float(min(self.work, 4)),
            -self.overlap,
        ]


def content_words(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stopwords, no short tokens, no bare numbers)."""
    tokens = (t.lower() for t in SPOKEN.findall(text))
    return {stem(t) for t in tokens if t not in SPOKEN_STOPWORDS and len(t) > 2 and not t.isdigit()}


def overlap(answer: str, anchors: list[str]) -> float:
    """Share of the anchors' content words that the answer repeats (0-1, capped at 8 words)."""
    wanted = set().union(*(content_words(a) for a in anchors)) if anchors else set()
    if not wanted:
        return 0.0
    return min(1.0, len(wanted & content_words(answer)) / min(len(wanted), 8))


def without_shared_words(answer: str, anchors: list[str]) -> str:
    """The answer with the anchors' content words taken out."""
    shared = set().union(*(content_words(a) for a in anchors)) if anchors else set()
    return SPOKEN.sub(lambda m: "" if stem(m.group(0)) in shared else m.group(0), answer)


_PROTOTYPES: weakref.WeakKeyDictionary[Encoder, tuple[np.ndarray, np.ndarray]] = weakref.WeakKeyDictionary()


def prototypes(encoder: Encoder) -> tuple[np.ndarray, np.ndarray]:
    """The encoded SMALL_TALK and WORK_TALK descriptions (once per encoder)."""
    if encoder not in _PROTOTYPES:
        vectors = encoder.encode(list(SMALL_TALK) + list(WORK_TALK))
        _PROTOTYPES[encoder] = (vectors[: len(SMALL_TALK)], vectors[len(SMALL_TALK) :])
    return _PROTOTYPES[encoder]


def judge(answer: str, anchors: list[str], encoder: Encoder, calibration: Calibration | None = None) -> Relevance:
    """How the answer relates to its anchors (the question, then its grounding facts)."""
    rest = without_shared_words(answer, anchors).strip(" ,.;:!?-") or answer
    vectors = encoder.encode([rest] + anchors)
    vector, targets = vectors[0], vectors[1:]
    small, work = prototypes(encoder)
    return Relevance(
        similarity=round(float((targets @ vector).max()) if len(targets) else 0.0, 4),
        small_talk=round(float((small @ vector).max()), 4),
        work_talk=round(float((work @ vector).max()), 4),
        overlap=round(overlap(answer, anchors), 4),
        private=len(PRIVATE.findall(answer)),
        work=len(WORK.findall(answer)),
        calibration=calibration or calibration_for(encoder),
    )
