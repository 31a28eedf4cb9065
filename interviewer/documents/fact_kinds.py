"""What each piece of a job posting is: something to ask about, or text an interviewer leaves alone.

A posting mixes what the job needs (requirements, duties) with what no interview should probe:
the company describing itself, pay and benefits, legal text, how to apply, and screening
conditions (citizenship, residence, age, licences, clearance, travel, shifts, physical demands).
No resume ever covers a condition, so a gap probe that may pick one picks it first; the parser's
section and patterns alone get a third of them wrong on real postings.

:class:`FactKinds` is a multinomial logistic regression on the selector's encoder (the
embeddings every fact gets anyway) plus what the parser knows (its section, its verdict, the
boilerplate pattern that fired, the piece's length and where it stands in the posting). It is
fitted by ``training/train_fact_kinds.py`` on labelled pieces of postings this project wrote;
its weights are plain numbers in a JSON file read with numpy. Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from interviewer import softmax
from interviewer.documents import facts as quality
from interviewer.documents.sections import JOB_ASKABLE
from interviewer.vocabulary import Section

KINDS = ("requirement", "responsibility", "company", "benefits", "legal", "apply", "condition", "other")
NOT_ASKABLE = frozenset(("company", "benefits", "legal", "apply", "condition", "other"))
SECTIONS = (
    Section.REQUIREMENTS,
    Section.RESPONSIBILITIES,
    Section.NICE_TO_HAVE,
    Section.ABOUT,
    Section.BENEFITS,
    Section.APPLY,
    Section.LEGAL,
)
PATTERNS = ("legal", "apply", "disclaimer", "contact", "benefits", "schedule", "company")
# Where an askable piece goes when the parser put it outside the askable sections.
SECTION_OF: dict[str, str] = {"requirement": Section.REQUIREMENTS, "responsibility": Section.RESPONSIBILITIES}


@dataclass(frozen=True)
class Piece:
    """A piece of a posting as the parser left it: its text, section, verdict and place (0-1)."""

    text: str
    section: str = ""
    askable: bool = True
    where: float = 0.5


# Who speaks and how: a company writes of itself as "we" and names itself ("Acme is one of ..."),
# sells with "!" and questions; a piece that starts in lower case was cut from the sentence before.
_WE = re.compile(r"\b(?:we|we're|we've|we'll|our|ours|us)\b", re.I)
_NAMES_ITSELF = re.compile(r"^(?:[A-Z][\w&.'’-]*\s+){1,5}(?:is|are|has been)\s+(?:a|an|one|the|proud|committed)\b")


def _voice(text: str) -> list[float]:
    stripped = text.strip()
    return [
        float(bool(_WE.search(stripped))),
        float(bool(_NAMES_ITSELF.match(stripped))),
        float("!" in stripped or stripped.endswith("?")),
        float(stripped[:1].islower()),
    ]


def features(pieces: Sequence[Piece], vectors: np.ndarray) -> np.ndarray:
    """One row per piece: [embedding, section one-hot, parser's verdict, pattern one-hot,
    words / 40, at most three words, place in the posting, the voice (:func:`_voice`)]."""
    rows = []
    for piece in pieces:
        words = len(piece.text.split())
        pattern = quality.boilerplate_kind(piece.text, weak=False) or ""
        rows.append(
            [float(piece.section == s) for s in SECTIONS]
            + [float(piece.askable)]
            + [float(pattern == p) for p in PATTERNS]
            + [min(words, 40) / 40, float(words <= 3), piece.where]
            + _voice(piece.text)
        )
    extra = np.asarray(rows, dtype=np.float32).reshape(len(pieces), -1)
    return np.hstack([np.asarray(vectors, dtype=np.float32).reshape(len(pieces), -1), extra])


@dataclass
class FactKinds:
    """A fitted classifier: ``weights`` (features x kinds) and ``bias`` of a softmax regression; a
    piece is not askable when P(not askable) >= ``threshold``."""

    encoder_id: str
    kinds: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    threshold: float = 0.5
    metrics: dict[str, object] = field(default_factory=dict)

    def probabilities(self, pieces: Sequence[Piece], vectors: np.ndarray) -> np.ndarray:
        """(pieces, kinds) probabilities."""
        if not pieces:
            return np.zeros((0, len(self.kinds)), dtype=np.float64)
        return softmax.probabilities(features(pieces, vectors), self.weights, self.bias)

    def kinds_of(self, pieces: Sequence[Piece], vectors: np.ndarray) -> list[str]:
        """Each piece's kind: the likeliest askable kind, or the likeliest not-askable one when
        P(not askable) reaches the threshold."""
        probs = self.probabilities(pieces, vectors)
        not_askable = np.array([k in NOT_ASKABLE for k in self.kinds])
        out = []
        for row in probs:
            refused = float(row[not_askable].sum()) >= self.threshold
            pool = np.where(not_askable == refused)[0]
            out.append(self.kinds[int(pool[np.argmax(row[pool])])])
        return out

    def save(self, path: Path) -> None:
        softmax.save(
            path, "kinds", self.kinds, self.weights, self.bias, encoder_id=self.encoder_id,
            threshold=self.threshold, metrics=self.metrics,
        )  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> FactKinds:
        """Raises OSError, ValueError or KeyError when the file is missing or not a classifier."""
        data, kinds, weights, bias = softmax.load(path, "kinds")
        if set(kinds) - set(KINDS):
            raise ValueError(f"{path}: unknown kinds {sorted(set(kinds) - set(KINDS))}")
        return cls(
            str(data["encoder_id"]), kinds, weights, bias, float(data["threshold"]), dict(data.get("metrics", {}))
        )


def pieces_of(sections: Sequence[str], texts: Sequence[str], askable: Sequence[bool]) -> list[Piece]:
    """The pieces of one posting, in reading order, with their place in it."""
    n = max(1, len(texts) - 1)
    return [Piece(t, s, a, i / n) for i, (s, t, a) in enumerate(zip(sections, texts, askable, strict=True))]


def decide(section: str, askable: bool, kind: str, text: str = "") -> tuple[str, bool, str]:
    """(section, askable, kind) of a piece once its kind is known: a not-askable kind is never
    asked about; an askable one the parser left outside the askable sections moves into the
    section its kind names; the parser's "nice to have" stays. A name the parser found in a list
    of what the job asks for ("Go", "IPv4", "GitHub") is asked about whatever the classifier
    says: a sentence encoder reads a word alone poorly."""
    if askable and section in JOB_ASKABLE and is_named_skill(text, strict=kind == "condition"):
        return section, True, "requirement" if kind in NOT_ASKABLE else kind
    if kind in NOT_ASKABLE:
        return section, False, kind
    if section not in JOB_ASKABLE:
        section = SECTION_OF.get(kind, Section.REQUIREMENTS)
    return section, True, kind


def is_named_skill(text: str, strict: bool = False) -> bool:
    """A piece that is a name alone: one word written as a name ("Go", "Apache", "IPv4"), or up to
    three that each are plainly one (a capital inside, all capitals, a digit or a sign: "GitHub",
    "AWS SDK"); not a phrase ("Sit or stand", "U.S. Citizen"). ``strict``: plainly a name, one
    word too (what reads as a condition, "Weekends", may be one)."""
    words = [w for w in text.strip(" .;:").split() if w.lower() not in ("and", "or", "&", "/")]
    if len(words) == 1 and not strict:
        word = words[0]
        return word[:1].isupper() or any(c.isdigit() or c in "#+" for c in word)
    return 0 < len(words) <= 3 and all(_plainly_a_name(w) for w in words)


def _plainly_a_name(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return (
        any(c.isdigit() or c in "#+" for c in word)
        or any(c.isupper() for c in word[1:])
        or (len(letters) >= 2 and all(c.isupper() for c in letters))
    ) and "." not in word.strip(".")


_PATTERN_KINDS = {"disclaimer": "legal", "contact": "apply", "schedule": "benefits"}
_SECTION_KINDS: dict[str, str] = {
    Section.BENEFITS: "benefits",
    Section.APPLY: "apply",
    Section.LEGAL: "legal",
    Section.ABOUT: "company",
}


def pattern_kind(text: str, section: str, askable: bool) -> str:
    """The kind the parser's own verdict implies, for when no classifier applies (the test
    encoder, ``FACT_KINDS_PATH=off``)."""
    if askable:
        return "responsibility" if section == Section.RESPONSIBILITIES else "requirement"
    pattern = quality.boilerplate_kind(text, weak=True) or ""
    if pattern:
        return _PATTERN_KINDS.get(pattern, pattern)
    return _SECTION_KINDS.get(section, "other")
