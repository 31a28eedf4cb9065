"""A learned judge of whether a resume covers a requirement: covered, partly, or not.

The rules of :mod:`interviewer.matching.coverage` decide what they can read for certain (a list's items, the
years a resume's dates add up to, a degree), but most requirements are neither: "Keep our services
healthy by finding and fixing their bugs" is covered by a resume that resolved production incidents
in other words, and "SQL" by one that names MySQL. Neither the encoder's nearest neighbour alone
(a topic neighbour is no evidence) nor named terms alone (other words are) decides those.

:class:`CoverageJudge` is a multinomial logistic regression over what the selector knows of one
requirement against one resume: the encoder's similarities to the resume's facts (the nearest, the
next, the mean), whether a fact supports or plainly backs it, the share of its terms and names the
resume names (exactly, inside a longer name, or by a name of their kind: :mod:`interviewer.matching.skills`),
a list's items found, years and degrees asked and shown, the rules' verdict, and the requirement's
own embedding (what kind of ability it asks for). It is fitted by ``training/train_coverage.py`` on
(requirement, resume, label) judgements of resumes this project wrote; its weights are plain numbers in a JSON file read with numpy. Pure: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from interviewer import softmax
from interviewer.matching import coverage, skills

LABELS = ("covered", "partly", "not")
STATUSES = ("covered", "partly", "gap")
FEATURES = (
    "nearest",
    "second",
    "top3",
    "mean",
    "supported",
    "supported_similarity",
    "backed",
    "terms_named",
    "terms_inside",
    "no_terms",
    "names",
    "names_named",
    "broad_shown",
    "list",
    "items_found",
    "years_asked",
    "years_met",
    "degree_asked",
    "degree_met",
    "short",
    "words",
    *(f"rule_{s}" for s in STATUSES),
)


@dataclass(frozen=True)
class Evidence:
    """What one requirement is judged on: its text and embedding, the resume facts' texts and their
    similarities to it, the resume's terms, the years its dates add up to, and the rules' verdict."""

    requirement: str
    vector: np.ndarray
    texts: Sequence[str]
    similarities: np.ndarray
    resume_terms: frozenset[str]
    years: float
    rule_status: str
    supported: float = 0.0  # the similarity of the fact that supports it (selector.supports), 0 for none
    items_found: float = 0.0  # a list requirement's share of items the resume names


_SUFFIXES = re.compile(r"(?:\d+(?:\.\d+)*|ful|js|\.js|db)")


def _inside(term: str, resume_terms: frozenset[str]) -> bool:
    """Whether a longer name on the resume ends with ``term`` ("SQL" in "MySQL", "PostgreSQL") or is
    it with a version or a suffix ("HTML" in "HTML5"), or ``term`` is a resume name with a suffix
    ("RESTful" for "REST"); for names of three letters or more. "Java" is not in "JavaScript", nor
    "SQL" in "NoSQL"."""
    if len(term) < 3:
        return False
    for other in resume_terms:
        for part in {other, *re.split(r"[-/.]", other)}:
            if len(part) < 3 or part == term:
                continue
            if (part.endswith(term) and part != "no" + term) or (
                part.startswith(term) and _SUFFIXES.fullmatch(part[len(term) :])
            ):
                return True
            if len(part) >= 4 and term.startswith(part) and _SUFFIXES.fullmatch(term[len(part) :]):
                return True
    return False


def named_loosely(term: str, resume_terms: frozenset[str]) -> bool:
    """Whether the resume names ``term``, as :func:`interviewer.matching.coverage.named` or inside a longer name."""
    return coverage.named(term, resume_terms) or _inside(term, resume_terms)


def settled(evidence: Evidence) -> str:
    """The status the rules settle on their own, "" where they leave it to the judge: a name of a
    word or three ("Kafka", "REST APIs") is covered when the resume names it (inside a longer name
    too) and a gap when it does not, however near a neighbour ("Java" is not covered by Python); a
    list of names is judged item by item; a degree met by level and field stands."""
    text = evidence.requirement
    if coverage.is_degree(text) and evidence.rule_status != "gap":
        return evidence.rule_status  # a degree not met may be met by a related field: the judge's
    items = coverage.items_of(text)
    if items and all(coverage.is_name(item) for item in items):
        if evidence.items_found:
            return evidence.rule_status
        if not coverage.lists_examples(text):
            return "gap"  # another of the kind may meet a list of examples: the judge's
    own = list(dict.fromkeys(coverage.terms(text)))
    if own and len(text.split()) <= 3:
        broad = skills.accounted(text, evidence.resume_terms)
        if all(t in broad or named_loosely(t, evidence.resume_terms) for t in own):
            return "covered"
        if coverage.name_terms(text) or len(text.split()) == 1:
            return "gap"  # a name, or a word alone ("tcpdump"): what the resume does not name
    return ""


def features(evidence: Evidence) -> np.ndarray:
    """One row: :data:`FEATURES` followed by the requirement's embedding."""
    text = evidence.requirement
    sims = np.sort(np.asarray(evidence.similarities, dtype=np.float64))[::-1]
    nearest = float(sims[0]) if len(sims) else 0.0
    second = float(sims[1]) if len(sims) > 1 else nearest
    top3 = float(sims[:3].mean()) if len(sims) else 0.0
    mean = float(sims.mean()) if len(sims) else 0.0
    own = list(dict.fromkeys(coverage.terms(text)))
    broad = skills.accounted(text, evidence.resume_terms)
    named = [t in broad or coverage.named(t, evidence.resume_terms) for t in own]
    inside = [n or _inside(t, evidence.resume_terms) for t, n in zip(own, named, strict=True)]
    names = [t for t in own if t in coverage.name_terms(text)]
    order = [int(i) for i in np.argsort(-np.asarray(evidence.similarities))[:5]]
    backed = any(coverage.backs(text, evidence.texts[i]) for i in order)
    asked = coverage.years_asked(text)
    degree = coverage.is_degree(text)
    words = len(text.split())
    row = [
        nearest,
        second,
        top3,
        mean,
        float(evidence.supported > 0),
        evidence.supported,
        float(backed),
        sum(named) / len(own) if own else 0.0,
        sum(inside) / len(own) if own else 0.0,
        float(not own),
        float(bool(names)),
        sum(coverage.named(t, evidence.resume_terms) or _inside(t, evidence.resume_terms) for t in names) / len(names)
        if names
        else 0.0,
        float(bool(broad)),
        float(bool(coverage.items_of(text))),
        evidence.items_found,
        float(asked > 0),
        float(asked > 0 and evidence.years >= asked),
        float(degree),
        float(degree and evidence.rule_status != "gap"),
        float(words <= 3),
        min(words, 40) / 40,
        *(float(evidence.rule_status == s) for s in STATUSES),
    ]
    return np.concatenate([np.asarray(row, dtype=np.float64), np.asarray(evidence.vector, dtype=np.float64)])


@dataclass
class CoverageJudge:
    """A fitted judge: ``weights`` (features x labels) and ``bias`` of a softmax regression. A
    requirement is shown as covered or partly when P(covered) + P(partly) >= ``threshold``."""

    encoder_id: str
    labels: tuple[str, ...]
    weights: np.ndarray
    bias: np.ndarray
    threshold: float = 0.5
    metrics: dict[str, object] = field(default_factory=dict)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """(rows, labels) probabilities of feature rows."""
        if not len(rows):
            return np.zeros((0, len(self.labels)), dtype=np.float64)
        return softmax.probabilities(rows, self.weights, self.bias)

    def judge(self, evidence: Evidence) -> tuple[str, float]:
        """("covered" | "partly" | "gap", P(covered or partly)) of one requirement; what the rules
        settle (:func:`settled`) stands."""
        rule = settled(evidence)
        if rule:
            return rule, float(rule != "gap")
        probs = self.probabilities(features(evidence)[None, :])[0]
        shown = float(sum(p for label, p in zip(self.labels, probs, strict=True) if label != "not"))
        if shown < self.threshold:
            return "gap", shown
        p = dict(zip(self.labels, probs, strict=True))
        return ("covered" if p.get("covered", 0.0) >= p.get("partly", 0.0) else "partly"), shown

    def save(self, path: Path) -> None:
        softmax.save(
            path, "labels", self.labels, self.weights, self.bias, encoder_id=self.encoder_id,
            features=[*FEATURES, "embedding..."], threshold=self.threshold, metrics=self.metrics,
        )  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> CoverageJudge:
        """Raises OSError, ValueError or KeyError when the file is missing or not a judge."""
        data, labels, weights, bias = softmax.load(path, "labels")
        if set(labels) != set(LABELS):
            raise ValueError(f"{path}: labels {labels}, not {LABELS}")
        if weights.shape[0] <= len(FEATURES):
            raise ValueError(f"{path}: weights of shape {weights.shape} do not fit {len(FEATURES)} features")
        return cls(
            str(data["encoder_id"]), labels, weights, bias, float(data["threshold"]), dict(data.get("metrics", {}))
        )
