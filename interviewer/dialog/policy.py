"""The interview plan: what the next interviewer turn does, and why.

Opening -> probes from the selector's plan (resume deep-dives, job requirements, gaps) mixed
with behavioral questions (a mixed interview; a behavioral one asks only those; a technical or a
role-specific one, none: the latter its plan's duties first) -> the candidate's own questions ->
closing. A short, vague or
off-topic answer earns one follow-up. Length is a number of questions or of minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.dialog.answers import Reply
from interviewer.matching.selector import FactRef, Selection
from interviewer.vocabulary import Act, InterviewKind, Mode, Reason, Section, Source, Style

MAX_QUESTIONS = 30  # a timed interview stops here even if time is left
MAX_INVITATIONS = 3  # times the candidate is asked for (more) questions before the closing
ACT_FOR_REASON = {
    Reason.HIGHLIGHT: Act.RESUME_DEEP_DIVE,
    Reason.STRONG_MATCH: Act.REQUIREMENT_PROBE,
    Reason.GAP: Act.GAP_PROBE,
}
PROBE_REASONS = {
    Act.RESUME_DEEP_DIVE: "resume highlight relevant to the job",
    Act.REQUIREMENT_PROBE: "job requirement with matching resume evidence",
    Act.GAP_PROBE: "job requirement with no evidence in the resume",
}


@dataclass(frozen=True)
class InterviewSettings:
    questions: int = 8  # questions before the candidate's own questions (the opening counts)
    minutes: float | None = None  # when set, time decides the length instead
    kind: InterviewKind = InterviewKind.MIXED
    style: Style = Style.NEUTRAL  # how often the interviewer follows up, and on what
    mode: Mode = Mode.PRACTICE  # practice: a feedback line after each answer; real: the report only

    def __post_init__(self) -> None:
        for name, kind in (("kind", InterviewKind), ("style", Style), ("mode", Mode)):
            try:
                object.__setattr__(self, name, kind(getattr(self, name)))
            except ValueError:
                raise ValueError(f"{name} must be one of {', '.join(kind)}") from None
        if self.questions < 2 or self.questions > 30:
            raise ValueError("questions must be between 2 and 30")
        if self.minutes is not None and not 1 <= self.minutes <= 120:
            raise ValueError("minutes must be between 1 and 120")


@dataclass(frozen=True)
class PastTurn:
    role: str
    text: str
    act: Act | None = None
    fact_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class TurnPlan:
    act: Act
    reason: str  # recorded on the turn: why this act now
    selections: tuple[Selection, ...] = ()
    done: bool = False
    replies: tuple[Reply, ...] = ()  # the candidate's questions this turn answers (interviewer.dialog.answers)
    said: str = ""  # words fixed in advance (a question practised again, word for word)


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
        replies: tuple[Reply, ...] = (),
    ) -> TurnPlan:
        """Decide the next interviewer act.

        Args:
            turns: the interview so far, oldest first.
            elapsed_s: seconds since the interview started (timed interviews).
            needs_follow_up: why the last answer deserves a follow-up ("short answer"...), or "".
            follow_up_facts: the selector's follow-up facts for the last answer.
            replies: the candidate's questions in its last words, each with the posting's line that
                answers it (after an invitation to ask: interviewer.dialog.answers).

        Returns:
            A :class:`TurnPlan`; ``done`` is True once the closing has been said.
        """
        asked = [t for t in turns if t.role == "interviewer"]
        if not asked:
            return TurnPlan(Act.OPENING, "opening the interview", tuple(self.plan[:1]))
        last = asked[-1].act
        if last == Act.CLOSING:
            return TurnPlan(Act.CLOSING, "interview over", done=True)
        if last == Act.CANDIDATE_QUESTIONS:
            return self._after_invitation(asked, replies)
        if self._out_of_time(asked, elapsed_s):
            why = "time is up" if self.settings.minutes else f"{self.settings.questions} questions asked"
            return TurnPlan(Act.CANDIDATE_QUESTIONS, f"{why}: inviting the candidate's questions")
        if needs_follow_up and last not in (Act.FOLLOW_UP, Act.OPENING) and turns[-1].role == "candidate":
            # Never two follow-ups in a row, and the warm-up answer is allowed to be broad.
            facts = tuple((follow_up_facts or [])[:2])
            return TurnPlan(Act.FOLLOW_UP, f"follow-up on {needs_follow_up}", facts)

        return self._planned(asked)

    def _planned(self, asked: list[PastTurn]) -> TurnPlan:
        """The next turn of the plan: every third a behavioral question in a mixed interview, else the
        next fact the plan has not yet asked about."""
        used = {i for t in asked for i in t.fact_ids}
        remaining = [s for s in self.plan if s.fact.id not in used]
        probes = sum(1 for t in asked if t.act not in (Act.OPENING, Act.FOLLOW_UP))
        kind = self.settings.kind
        behavioral_turn = kind is InterviewKind.BEHAVIORAL or (kind is InterviewKind.MIXED and probes % 3 == 2)
        if behavioral_turn:
            highlight = next((s for s in remaining if s.reason == Reason.HIGHLIGHT), None) or _backing(remaining, used)
            # Never on a gap: asked "a time you worked with a medical team" for a requirement the resume
            # does not show, the question credited the candidate with the role's work (judged invented).
            pick = highlight or next((s for s in remaining if s.reason != Reason.GAP), None)
            return TurnPlan(
                Act.BEHAVIORAL,
                "behavioral question" + (" on a resume highlight" if highlight else ""),
                (pick,) if pick else (),
            )
        if not remaining:
            return TurnPlan(Act.BEHAVIORAL, "plan exhausted: behavioral question")
        pick = remaining[0]
        act = ACT_FOR_REASON[Reason(pick.reason)]
        return TurnPlan(act, PROBE_REASONS[act], (pick,))

    def _after_invitation(self, asked: list[PastTurn], replies: tuple[Reply, ...]) -> TurnPlan:
        """The candidate was invited to ask: their questions are answered from the posting and they
        are asked for more (up to :data:`MAX_INVITATIONS` times), or the interview closes, answering
        the last ones first."""
        facts = tuple(
            Selection(FactRef(line.fact_id, Source.JOB, line.section, line.text, 0, kind=line.kind),
                      r.similarity, Reason.ANSWERED)
            for r in replies
            for line in r.lines
        )  # fmt: skip
        invited = sum(1 for t in asked if t.act == Act.CANDIDATE_QUESTIONS)
        if replies and invited < MAX_INVITATIONS:
            return TurnPlan(Act.CANDIDATE_QUESTIONS, "answering the candidate's questions", facts, replies=replies)
        if replies:
            return TurnPlan(Act.CLOSING, "closing, answering the candidate's last questions", facts, replies=replies)
        return TurnPlan(Act.CLOSING, "closing after the candidate's questions")

    def _out_of_time(self, asked: list[PastTurn], elapsed_s: float) -> bool:
        counted = sum(1 for t in asked if t.act is not None and t.act.counts_as_question)
        if self.settings.minutes is not None:
            return elapsed_s >= self.settings.minutes * 60 or counted >= MAX_QUESTIONS
        return counted >= self.settings.questions


def for_kind(plan: list[Selection], kind: InterviewKind, turns: int) -> list[Selection]:
    """The selector's plan as the kind of interview wants it, cut to ``turns``: a role-specific
    interview asks about the posting's duties first (its responsibilities, in the plan's order),
    then the rest of the plan; every other kind keeps the plan's order."""
    if kind is InterviewKind.ROLE:
        duty = [s for s in plan if s.fact.source == Source.JOB and _is_duty(s.fact)]
        plan = duty + [s for s in plan if s not in duty]
    return plan[:turns]


def _is_duty(fact: FactRef) -> bool:
    return fact.kind == "responsibility" or (not fact.kind and fact.section == Section.RESPONSIBILITIES)


def _backing(remaining: list[Selection], used: set[int]) -> Selection | None:
    """The resume line that backs a remaining requirement, as a highlight of its own: asked on the
    requirement's job line, a behavioral question presumed the candidate had done the role's work
    ("a time you had to work with a medical team"); the requirement stays in the plan for its probe."""
    backed = next((s for s in remaining if s.evidence is not None and s.evidence.id not in used), None)
    if backed is None or backed.evidence is None:
        return None
    return Selection(backed.evidence, backed.score, Reason.HIGHLIGHT)
