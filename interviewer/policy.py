"""The interview plan: what the next interviewer turn does, and why.

Opening -> probes from the selector's plan (resume deep-dives, job requirements, gaps) mixed
with behavioral questions -> the candidate's own questions -> closing. A short, vague or
off-topic answer earns one follow-up. Length is a number of questions or of minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.selector import GAP, HIGHLIGHT, STRONG_MATCH, Selection

OPENING = "opening"
DEEP_DIVE = "resume_deep_dive"
REQUIREMENT = "requirement_probe"
GAP_PROBE = "gap_probe"
FOLLOW_UP = "follow_up"
BEHAVIORAL = "behavioral"
CANDIDATE_QUESTIONS = "candidate_questions"
CLOSING = "closing"

KINDS = ("mixed", "technical", "behavioral")
MAX_QUESTIONS = 30  # a timed interview stops here even if time is left
ACT_FOR_REASON = {HIGHLIGHT: DEEP_DIVE, STRONG_MATCH: REQUIREMENT, GAP: GAP_PROBE}


@dataclass(frozen=True)
class InterviewSettings:
    questions: int = 8  # questions before the candidate's own questions (the opening counts)
    minutes: float | None = None  # when set, time decides the length instead
    kind: str = "mixed"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if self.questions < 2 or self.questions > 30:
            raise ValueError("questions must be between 2 and 30")
        if self.minutes is not None and not 1 <= self.minutes <= 120:
            raise ValueError("minutes must be between 1 and 120")


@dataclass(frozen=True)
class PastTurn:
    role: str
    text: str
    act: str = ""
    fact_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class TurnPlan:
    act: str
    reason: str  # recorded on the turn: why this act now
    selections: tuple[Selection, ...] = ()
    done: bool = False


@dataclass
class InterviewPolicy:
    settings: InterviewSettings
    plan: list[Selection] = field(default_factory=list)  # the selector's plan for the whole interview

    def next_turn(
        self,
        turns: list[PastTurn],
        elapsed_s: float = 0.0,
        needs_follow_up: str = "",
        follow_up_facts: list[Selection] | None = None,
    ) -> TurnPlan:
        """Decide the next interviewer act.

        Args:
            turns: the interview so far, oldest first.
            elapsed_s: seconds since the interview started (timed interviews).
            needs_follow_up: why the last answer deserves a follow-up ("short answer"...), or "".
            follow_up_facts: the selector's follow-up facts for the last answer.

        Returns:
            A :class:`TurnPlan`; ``done`` is True once the closing has been said.
        """
        asked = [t for t in turns if t.role == "interviewer"]
        if not asked:
            return TurnPlan(OPENING, "opening the interview", tuple(self.plan[:1]))
        last = asked[-1].act
        if last == CLOSING:
            return TurnPlan(CLOSING, "interview over", done=True)
        if last == CANDIDATE_QUESTIONS:
            return TurnPlan(CLOSING, "closing after the candidate's questions")
        if self._out_of_time(asked, elapsed_s):
            why = "time is up" if self.settings.minutes else f"{self.settings.questions} questions asked"
            return TurnPlan(CANDIDATE_QUESTIONS, f"{why}: inviting the candidate's questions")
        if needs_follow_up and last not in (FOLLOW_UP, OPENING) and turns[-1].role == "candidate":
            # Never two follow-ups in a row, and the warm-up answer is allowed to be broad.
            facts = tuple((follow_up_facts or [])[:2])
            return TurnPlan(FOLLOW_UP, f"follow-up on {needs_follow_up}", facts)

        used = {i for t in asked for i in t.fact_ids}
        remaining = [s for s in self.plan if s.fact.id not in used]
        probes = sum(1 for t in asked if t.act not in (OPENING, FOLLOW_UP))
        behavioral_turn = self.settings.kind == "behavioral" or (self.settings.kind == "mixed" and probes % 3 == 2)
        if behavioral_turn:
            highlight = next((s for s in remaining if s.reason == HIGHLIGHT), remaining[0] if remaining else None)
            facts = (highlight,) if highlight else ()
            return TurnPlan(BEHAVIORAL, "behavioral question" + (" on a resume highlight" if highlight else ""), facts)
        if not remaining:
            return TurnPlan(BEHAVIORAL, "plan exhausted: behavioral question")
        pick = remaining[0]
        act = ACT_FOR_REASON.get(pick.reason, REQUIREMENT)
        reasons = {
            DEEP_DIVE: "resume highlight relevant to the job",
            REQUIREMENT: "job requirement with matching resume evidence",
            GAP_PROBE: "job requirement with no evidence in the resume",
        }
        return TurnPlan(act, reasons[act], (pick,))

    def _out_of_time(self, asked: list[PastTurn], elapsed_s: float) -> bool:
        counted = sum(1 for t in asked if t.act != FOLLOW_UP)
        if self.settings.minutes is not None:
            return elapsed_s >= self.settings.minutes * 60 or counted >= MAX_QUESTIONS
        return counted >= self.settings.questions
