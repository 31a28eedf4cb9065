"""Per-answer assessment and the end-of-interview report.

Heuristic and transparent: every score comes with the evidence that produced it, so the
candidate can see why an answer was judged vague or which requirement it covered.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import numpy as np

from interviewer.encoders import Encoder

SHORT_WORDS = 15
HEDGES = re.compile(
    r"\b(kind of|sort of|stuff|things like that|etc|i guess|maybe|not sure|i think so|probably|whatever|"
    r"and so on|you know)\b",
    re.I,
)
STAR = {
    "situation": re.compile(
        r"\b(when|at the time|we had|there was|our team|the company|in my (last|previous) role)\b", re.I
    ),
    "task": re.compile(
        r"\b(my (goal|job|task|role|responsibility)|i was (asked|responsible)|needed to|had to)\b", re.I
    ),
    "action": re.compile(
        r"\bi (built|led|wrote|designed|created|ran|set up|introduced|changed|organi[sz]ed|"
        r"analy[sz]ed|negotiated|trained|fixed|migrated|reduced|improved|started|decided|used)\b",
        re.I,
    ),
    "result": re.compile(
        r"\b(?:result|as a result|which (?:led|meant|cut|saved|increased|reduced)|so that|saved|increased|reduced|"
        r"improved|grew|cut)\b|\d+\s?%",
        re.I,
    ),
}
SPELLED = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|a hundred|"
    r"hundreds of|a dozen|dozens of)\s+(?:years?|months?|weeks?|days?|hours?|people|engineers|teams?|services|"
    r"customers|clients|patients|students|stores|sites|projects)\b",
    re.I,
)
NUMBER = re.compile(
    r"(?<![\w.])\$?\d(?:[\d,.]*\d)?(?:\s?(?:%|k\b|m\b|tb\b|gb\b|x\b|hours?|days?|weeks?|months?|years?|people|"
    r"customers|patients|users|students))?",
    re.I,
)


@dataclass
class AnswerFeedback:
    question: str
    answer: str
    words: int
    relevance: float  # 0-1: similarity of the answer to the question and its facts
    specificity: float  # 0-1: numbers, examples and STAR structure
    star: dict[str, bool] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)
    covered_requirements: list[str] = field(default_factory=list)
    short: bool = False
    vague: bool = False
    off_topic: bool = False
    tips: list[str] = field(default_factory=list)

    @property
    def needs_follow_up(self) -> bool:
        return self.short or self.vague or self.off_topic

    @property
    def follow_up_reason(self) -> str:
        if self.off_topic:
            return "an off-topic answer"
        if self.short:
            return "a short answer"
        return "a vague answer" if self.vague else ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def assess(
    question: str,
    answer: str,
    encoder: Encoder | None = None,
    grounding: list[str] | None = None,
    requirements: list[str] | None = None,
    requirement_vectors: np.ndarray | None = None,
    cover_threshold: float = 0.35,
) -> AnswerFeedback:
    """Judge one answer: relevance, specificity (numbers, STAR) and the requirements it covered."""
    words = len(answer.split())
    numbers = ([m.group(0).strip() for m in NUMBER.finditer(answer)] + [m.group(0) for m in SPELLED.finditer(answer)])[
        :6
    ]
    star = {part: bool(pattern.search(answer)) for part, pattern in STAR.items()}
    hedges = len(HEDGES.findall(answer))
    specificity = min(1.0, 0.35 * min(len(numbers), 2) / 2 + 0.15 * sum(star.values()) + (0.05 if words >= 40 else 0))
    relevance = 0.5
    covered: list[str] = []
    if encoder is not None and answer.strip():
        anchors = [question] + list(grounding or [])
        vectors = encoder.encode([answer] + anchors)
        relevance = float(max(0.0, min(1.0, (vectors[1:] @ vectors[0]).max())))
        if requirements:
            req = requirement_vectors if requirement_vectors is not None else encoder.encode(requirements)
            sims = req @ vectors[0]
            covered = [requirements[i] for i in np.argsort(-sims, kind="stable") if sims[i] >= cover_threshold][:3]
    short = words < SHORT_WORDS
    vague = not short and specificity < 0.3 and (hedges > 0 or not numbers)
    off_topic = encoder is not None and words >= 4 and relevance < 0.12
    tips = []
    if short:
        tips.append("Say more: give one concrete example of what you did.")
    if not numbers:
        tips.append("Add a number: scale, time saved, money, people, percentage.")
    missing = [p for p, ok in star.items() if not ok]
    if missing and not short:
        tips.append("Use the STAR shape; missing: " + ", ".join(missing) + ".")
    if hedges:
        tips.append("Drop hedges like 'kind of' or 'stuff'; state what you did.")
    if off_topic:
        tips.append("Answer the question that was asked before adding context.")
    return AnswerFeedback(
        question,
        answer,
        words,
        round(relevance, 3),
        round(specificity, 3),
        star,
        numbers,
        covered,
        short,
        vague,
        off_topic,
        tips,
    )


def report(answers: list[AnswerFeedback], requirements: list[str], match_overall: float | None = None) -> dict:  # type: ignore[type-arg]
    """The end-of-interview report: per-answer feedback, strengths, what to practise, coverage."""
    covered = (
        sorted({r for a in answers for r in a.covered_requirements}, key=requirements.index) if requirements else []
    )
    uncovered = [r for r in requirements if r not in covered]
    n = len(answers)
    mean = lambda xs: round(sum(xs) / len(xs), 3) if xs else 0.0  # noqa: E731
    relevance = mean([a.relevance for a in answers])
    specificity = mean([a.specificity for a in answers])
    with_numbers = sum(1 for a in answers if a.numbers)
    star_complete = sum(1 for a in answers if all(a.star.values()))
    strengths, practise = [], []
    if n and relevance >= 0.45:
        strengths.append("Your answers stayed on the questions asked.")
    if n and with_numbers >= max(1, n // 2):
        strengths.append(f"You backed {with_numbers} of {n} answers with numbers.")
    if star_complete:
        strengths.append(f"{star_complete} answer(s) had a complete situation-task-action-result structure.")
    if requirements and len(covered) >= len(requirements) / 2:
        strengths.append(f"You gave evidence for {len(covered)} of {len(requirements)} job requirements.")
    if n and with_numbers < n / 2:
        practise.append("Quantify results: most answers had no number.")
    if n and star_complete < n / 2:
        practise.append("Structure answers as situation, task, action, result.")
    if any(a.short for a in answers):
        practise.append("Expand short answers with one concrete example.")
    if any(a.off_topic for a in answers):
        practise.append("Answer the question first, then add context.")
    if uncovered:
        practise.append("Prepare examples for: " + "; ".join(uncovered[:4]) + ("…" if len(uncovered) > 4 else "."))
    if not n:
        practise.append("Answer at least one question to get feedback.")
    summary = (
        f"{n} answer(s); average relevance {relevance:.2f}, specificity {specificity:.2f}; "
        f"{len(covered)} of {len(requirements)} requirements covered."
    )
    return {
        "summary": summary,
        "strengths": strengths or ["You completed the interview: that is practice most people skip."],
        "practise": practise,
        "relevance": relevance,
        "specificity": specificity,
        "match_overall": match_overall,
        "covered_requirements": covered,
        "uncovered_requirements": uncovered,
        "answers": [a.as_dict() for a in answers],
    }
