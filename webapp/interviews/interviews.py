"""Interviews: start one, read it, take answers, end it and write its report.

Every turn is committed before it is acknowledged. The interviewer's turns are generated
by webapp.interviews.turns (one claim per turn across processes); this module plans them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from interviewer.dialog import answers as answering
from interviewer.dialog import turn as turn_words
from interviewer.dialog.inputs import GroundingFact, PromptInputs, PromptStyle
from interviewer.dialog.policy import InterviewPolicy, InterviewSettings, PastTurn, TurnPlan, for_kind
from interviewer.dialog.turn import TurnCase
from interviewer.documents.sections import JOB_ASKABLE
from interviewer.feedback import report as feedback
from interviewer.feedback import talking_points
from interviewer.matching import coverage
from interviewer.matching.selector import FactRef, Selection
from interviewer.vocabulary import Act, InterviewKind, Mode, Reason, Section, Source, Style
from webapp.documents import embeddings, knowledge
from webapp.documents.models import JobPosting, Resume
from webapp.interviews import again, retry, timing, voice
from webapp.interviews.models import InterviewSession, Turn, answered
from webapp.interviews.protocol import Awaiting, Event, state_event
from webapp.serving import models_registry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)
MAX_ANSWER_CHARS = 4000
EXEMPLARS_PER_TURN = 1  # as in training (training.train_generator.build_dataset)


class InterviewError(Exception):
    """A request the interview cannot take; ``code`` is sent to the client."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------
# Starting and reading


def start(
    candidate: User,
    resume: Resume,
    job: JobPosting,
    interview_settings: InterviewSettings,
    answer_seconds: int | None = None,
) -> InterviewSession:
    """Create a session with its plan: the facts to probe, in order, fixed for the interview;
    ``answer_seconds`` is the answer timer's target (webapp.interviews.timing), None for none."""
    selector = knowledge.selector()
    resume_set, job_set = knowledge.fact_set(resume), knowledge.fact_set(job)
    match = selector.match(resume_set, job_set)  # what the candidate is shown, and the report's score
    turns = interview_settings.questions + 4
    # A role-specific interview reorders the whole plan (its duties first), so it plans every fact.
    every = len(resume_set.facts) + len(job_set.facts) if interview_settings.kind is InterviewKind.ROLE else turns
    plan = for_kind(selector.plan(resume_set, job_set, turns=every), interview_settings.kind, turns)  # the rules' match
    version = None if settings.FAKE_MODELS else models_registry.active_adapter()
    models_registry.warm()  # the opening turn comes next: load the generator now if it is not
    return InterviewSession.objects.create(
        candidate=candidate,
        resume=resume,
        job=job,
        model_version=version,
        settings={
            "questions": interview_settings.questions,
            "minutes": interview_settings.minutes,
            "kind": interview_settings.kind,
            "style": interview_settings.style,
            "mode": interview_settings.mode,
            "answer_seconds": answer_seconds,
            "plan": [s.as_dict() for s in plan],
            "match": {"overall": round(match.overall, 1), "coverage": round(match.coverage, 3)},
        },
    )


def interview_settings(session: InterviewSession) -> InterviewSettings:
    s = session.settings
    return InterviewSettings(
        questions=s.get("questions", 8),
        minutes=s.get("minutes"),
        kind=s.get("kind", InterviewKind.MIXED),
        style=s.get("style", Style.NEUTRAL),
        mode=s.get("mode", Mode.REAL),  # interviews begun before practice mode gave no feedback line
    )


def turns(session: InterviewSession) -> list[Turn]:
    return list(session.turns.order_by("index"))


TEMPLATE = "template"  # Turn.source of a turn the template generator wrote (webapp.interviews.turns)


def turn_source(turn: Turn) -> str | None:
    """Who wrote an interviewer turn: "template" (a template question) or "model"; None for answers."""
    if turn.role != Turn.Role.INTERVIEWER:
        return None
    return TEMPLATE if turn.source == TEMPLATE else "model"


def turn_payload(turn: Turn) -> dict[str, object]:
    payload: dict[str, object] = {
        "type": Event.TURN,
        "role": turn.role,
        "text": turn.text,
        "index": turn.index,
        "grounding": shown(turn.grounding),
        "act": turn.act,
        "reason": turn.reason,
    }
    if turn.role == Turn.Role.INTERVIEWER:
        payload["source"] = turn_source(turn)
        payload["progress"] = progress(turn)
        if points := talking_points.points(turn.act, shown(turn.grounding)):
            payload["talking_points"] = points  # what a strong answer would touch (issue 25)
    if turn.client_id:
        payload["client_id"] = turn.client_id  # the browser's answer id: its answer was taken
    if turn.delivery:
        payload["delivery"] = turn.delivery  # a spoken answer: how it was said
    if turn.feedback:
        payload["feedback"] = turn.feedback  # practice mode: how the answer did
    if turn.attempts:
        payload["attempts"] = turn.attempts  # practice mode: the answer given again
    return payload


def progress(turn: Turn) -> dict[str, object] | None:
    """Where an interviewer turn stands: question k of n (n is None when time decides), or a
    follow-up on question k; None for the candidate's questions and the closing."""
    act = Act(turn.act) if turn.act else None
    if act is None or not (act.counts_as_question or act is Act.FOLLOW_UP):
        return None
    earlier = turn.session.turns.filter(role=Turn.Role.INTERVIEWER, index__lte=turn.index)
    uncounted = [a for a in Act if not a.counts_as_question]
    number = earlier.exclude(act__in=uncounted).count()
    settings_ = turn.session.settings
    total = 1 if "retry_of" in settings_ else None if settings_.get("minutes") else settings_.get("questions")
    return {"question": max(1, number), "of": total, "follow_up": act is Act.FOLLOW_UP}


def state_payload(session: InterviewSession) -> dict[str, object]:
    """Where the interview stands: who speaks next."""
    if session.status == InterviewSession.Status.ENDED:
        return state_event(Awaiting.NOTHING)
    return state_event(Awaiting.ANSWER if awaiting_answer(session) else Awaiting.INTERVIEWER)


def awaiting_answer(session: InterviewSession) -> bool:
    last = session.turns.order_by("-index").first()
    return last is not None and last.role == Turn.Role.INTERVIEWER and last.act != Act.CLOSING


# ---------------------------------------------------------------------------
# The next interviewer turn (webapp.interviews.turns runs it)


@dataclass
class Pending:
    """An interviewer turn about to be generated: the policy's plan and the prompt inputs."""

    session_id: int
    index: int
    plan: TurnPlan
    inputs: PromptInputs
    asked: list[str]
    started: float
    last_answer: str = ""
    known_words: frozenset[str] = frozenset()  # words of both documents, the title and the company

    def grounding(self) -> list[dict[str, object]]:
        """What the turn is grounded on, as saved on the turn and shown under "Why this question?"."""
        return grounding(self.plan.selections)

    def case(self) -> TurnCase:
        """The turn as interviewer.dialog.turn decides its words: a probe names the facts it was
        planned on (not the resume evidence beside them), and a plus is never stated as required
        (the section of the posting's requirement it probes)."""
        first = self.plan.selections[0].fact if self.plan.selections else None
        return TurnCase(
            self.inputs,
            self.index,
            self.asked,
            self.last_answer,
            self.known_words,
            targets=[s.fact.text for s in self.plan.selections],
            section=first.section if first is not None and first.source == Source.JOB else "",
            redirect=turn_words.redirects(self.plan),
            replies=self.plan.replies,
            said=self.plan.said,
        )


def grounding(selections: Sequence[Selection]) -> list[dict[str, Any]]:
    """The facts a turn is planned on, each followed by its resume evidence (``shown``: whether the
    turn is shown that line, :func:`shows_evidence`). The prompt's facts are the ones shown
    (:func:`shown`), so the saved grounding and the prompt are built from one list."""
    out: list[dict[str, Any]] = []
    for s in selections:
        out.append({"fact_id": s.fact.id, "source": s.fact.source, "text": s.fact.text, "reason": s.reason})
        if s.evidence is not None:
            e = s.evidence
            given = shows_evidence(s)
            out.append({"fact_id": e.id, "source": e.source, "text": e.text, "reason": "evidence", "shown": given})
    return out


def shows_evidence(s: Selection) -> bool:
    """Whether the turn is shown the resume line that backs its requirement: only where the line
    plainly backs it. Shown a weak link, the model took it for proof and presumed the experience."""
    return s.evidence is not None and coverage.backs(s.fact.text, s.evidence.text)


def shown(grounding: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The facts a turn was given, as "Why this question?", the transcript and the judges see them:
    a weak resume line the match found for its requirement, not shown to the model, is left out
    (it stays on the turn, so the line is not asked about again as if new)."""
    return [g for g in grounding if g.get("shown", True)]


def _selection(data: dict[str, Any]) -> Selection:
    fact = FactRef(**data["fact"])
    evidence = FactRef(**data["evidence"]) if data.get("evidence") else None
    return Selection(fact, data["score"], Reason(data["reason"]), evidence)


def plan_next(session_id: int, index: int) -> Pending | None:
    """What the interviewer turn ``index`` should do, or None once the closing was said."""
    started = time.monotonic()  # the turn's latency counts its planning too
    session = InterviewSession.objects.select_related("job", "resume").get(pk=session_id)
    history = turns(session)
    past = [
        PastTurn(t.role, t.text, Act(t.act) if t.act else None, tuple(g.get("fact_id", 0) for g in t.grounding))
        for t in history
    ]
    if "retry_of" in session.settings:  # one question practised again (webapp.interviews.retry)
        plan = retry.next_plan(session.settings["retry_of"], history)
    else:
        why, follow_facts = _follow_up(session, history)
        policy = InterviewPolicy(interview_settings(session), [_selection(d) for d in session.settings.get("plan", [])])
        elapsed = (timezone.now() - session.started).total_seconds()
        plan = policy.next_turn(past, elapsed, why, follow_facts, _replies(session, history))
    if plan.done:
        return None
    last_answer = history[-1].text if history and history[-1].role == Turn.Role.CANDIDATE else ""
    inputs = _prompt_inputs(session, history, plan, last_answer)
    asked = [t.text for t in history if t.role == Turn.Role.INTERVIEWER]
    job = session.job
    known = turn_words.known_words(session.resume.text, job.text, job.title, job.company)
    return Pending(session.pk, index, plan, inputs, asked, started, last_answer, known)


def _prompt_inputs(session: InterviewSession, history: list[Turn], plan: TurnPlan, last_answer: str) -> PromptInputs:
    """What the turn's prompt is built from: the facts it is shown are those of its grounding."""
    facts = [GroundingFact(g["source"], g["text"]) for g in shown(grounding(plan.selections))]
    # The instruct prompt carries worked examples of its own; the compact one an exemplar per turn.
    exemplars = (
        models_registry.exemplar_bank().nearest(
            plan.act, [f.text for f in facts], last_answer, session.job.title, k=EXEMPLARS_PER_TURN
        )
        if models_registry.prompt_style() is PromptStyle.COMPACT
        else []
    )
    return PromptInputs(
        job_title=session.job.title,
        company=session.job.company,
        stage=plan.act,
        facts=facts,
        history=[(t.role, t.text) for t in history],
        exemplars=[e.text for e in exemplars],
    )


def _replies(session: InterviewSession, history: list[Turn]) -> tuple[answering.Reply, ...]:
    """The candidate's own questions in their last words after an invitation to ask, each with the
    posting's line that answers it (any line the candidate kept: benefits and conditions too)."""
    if len(history) < 2 or history[-1].role != Turn.Role.CANDIDATE or history[-2].act != Act.CANDIDATE_QUESTIONS:
        return ()
    asked = answering.questions(history[-1].text)
    if not asked:
        return ()
    job = knowledge.fact_set(session.job)
    lines = [answering.Line(f.text, f.section, f.kind, f.id) for f in job.facts]
    vectors = job.vectors
    if session.job.location:  # a field of its own, not a fact: answers "Where is the job based?"
        lines.append(answering.Line(session.job.location, Section.ABOUT, answering.LOCATION))
        vectors = np.vstack([vectors, models_registry.encoder().encode([session.job.location])])
    return tuple(answering.find(asked, lines, vectors, models_registry.encoder()))


def _follow_up(session: InterviewSession, history: list[Turn]) -> tuple[str, list[Selection]]:
    """Why the last answer deserves a follow-up ("" if it does not) and the facts it touched."""
    if not history or history[-1].role != Turn.Role.CANDIDATE:
        return "", []
    question = next((t for t in reversed(history) if t.role == Turn.Role.INTERVIEWER), None)
    assessment = feedback.assess(
        question.text if question else "",
        history[-1].text,
        models_registry.encoder(),
        grounding=[g["text"] for g in (question.grounding if question else [])],
        act=Act(question.act) if question and question.act else None,
    )
    why = assessment.follow_up_reason_for(interview_settings(session).style)
    if not why:
        return "", []
    resume_set, job_set = knowledge.fact_set(session.resume), knowledge.fact_set(session.job)
    ranked = knowledge.selector().select(
        resume_set, job_set, last_answer=history[-1].text, dialog=[t.text for t in history[-4:]]
    )
    # The question's own fact comes first: a follow-up stays on its subject, and whoever reads the
    # turn sees what that subject was (a held-out follow-up asked for "an example of a difficult
    # deal", the question's subject, which nothing shown with it said).
    asked = {g.get("fact_id") for g in (question.grounding if question else []) if g.get("reason") != "evidence"}
    subject = [Selection(f, 1.0, Reason.ANSWER_LINK) for f in [*resume_set.facts, *job_set.facts] if f.id in asked]
    linked = [s for s in ranked if s.reason == Reason.ANSWER_LINK and s.fact.id not in asked]
    return why, subject[:1] + linked


# ---------------------------------------------------------------------------
# Answers and the end


def add_answer(
    session: InterviewSession, text: str, client_id: str = "", voice_takes: Sequence[str] = ()
) -> tuple[Turn, bool]:
    """Save the candidate's answer to the question waiting for it; (turn, created).

    ``voice_takes`` names the recordings the answer was transcribed from: their delivery
    measures (as heard, before the candidate's edits) go on the turn (webapp.interviews.voice).

    ``client_id`` is the browser's id for this answer: the same answer sent again (a resend
    after a reconnect) returns the turn saved the first time, with created False.

    Raises:
        InterviewError: empty or too long, interview over, or no question waiting.
    """
    client_id = client_id[:64]
    if client_id:
        earlier = session.turns.filter(client_id=client_id).first()
        if earlier is not None:
            return earlier, False
    text = clean_answer(text)
    with transaction.atomic():
        session = InterviewSession.objects.select_for_update().get(pk=session.pk)
        if session.status == InterviewSession.Status.ENDED:
            raise InterviewError("interview_ended", "This interview has ended.")
        earlier = session.turns.filter(client_id=client_id).first() if client_id else None
        if earlier is not None:
            return earlier, False
        last = session.turns.order_by("-index").first()
        if last is None or last.role != Turn.Role.INTERVIEWER or last.act == Act.CLOSING:
            raise InterviewError("not_your_turn", "Wait for the interviewer's question before answering.")
        turn = Turn.objects.create(
            session=session,
            index=last.index + 1,
            role=Turn.Role.CANDIDATE,
            text=text,
            client_id=client_id,
            feedback=_practice_note(session, last, text),
        )
        if voice_takes:
            voice.attach(turn, voice_takes)
        return turn, True


def clean_answer(text: str) -> str:
    """An answer as it is kept: printable, trimmed, not empty and not too long.

    Raises:
        InterviewError: empty or too long.
    """
    text = _printable(text or "").strip()
    if not text:
        raise InterviewError("empty_answer", "Type an answer before sending.")
    if len(text) > MAX_ANSWER_CHARS:
        raise InterviewError("answer_too_long", f"Answers are limited to {MAX_ANSWER_CHARS} characters.")
    return text


def _practice_note(session: InterviewSession, question: Turn, answer: str) -> str:
    """Practice mode's feedback line on an answer ("" in real mode, and for the candidate's own question)."""
    if interview_settings(session).mode is not Mode.PRACTICE:
        return ""
    return practice_note_of(question, answer)


def practice_note_of(question: Turn, answer: str) -> str:
    """The feedback line on ``answer`` to ``question`` ("" for the candidate's own question)."""
    assessment = feedback.assess(
        question.text,
        answer,
        models_registry.encoder(),
        grounding=[g["text"] for g in question.grounding],
        act=Act(question.act) if question.act else None,
    )
    return feedback.practice_note(assessment)


def _printable(text: str) -> str:
    """Drop NUL, other control characters (but newlines and tabs) and lone surrogates."""
    return "".join(c for c in text if (c >= " " or c in "\n\t") and not 0xD800 <= ord(c) <= 0xDFFF)


def end_if_closed(session_id: int) -> dict[str, Any] | None:
    """End an active interview whose closing was said (a crash between the two); else None."""
    session = InterviewSession.objects.get(pk=session_id)
    last = session.turns.order_by("-index").first()
    if session.status == InterviewSession.Status.ACTIVE and last is not None and last.act == Act.CLOSING:
        return end(session)
    return None


# What the interviewer says when the candidate ends before its own closing (Turn.reason tells it apart).
EARLY_CLOSING = "Thank you, let's stop here. Your report is ready."
ENDED_EARLY = "ended by the candidate"


def end(session: InterviewSession | int, closing: bool = False) -> dict[str, Any]:
    """End the interview (idempotent) and return its report; a turn being generated is dropped.
    ``closing``: the candidate ended it, so the interviewer closes first unless it already has (in
    the same transaction, so no turn being generated can take the closing's place)."""
    pk = session if isinstance(session, int) else session.pk
    with transaction.atomic():
        session = InterviewSession.objects.select_for_update().get(pk=pk)
        if session.status == InterviewSession.Status.ENDED and session.report:
            return dict(session.report)
        last = session.turns.order_by("-index").first() if closing else None
        if last is not None and last.act != Act.CLOSING:
            Turn.objects.create(
                session=session,
                index=last.index + 1,
                role=Turn.Role.INTERVIEWER,
                text=EARLY_CLOSING,
                act=Act.CLOSING,
                source=TEMPLATE,
                reason=ENDED_EARLY,
            )
        session.report = build_report(session)
        session.status = InterviewSession.Status.ENDED
        session.ended = timezone.now()
        session.claim_index, session.claim_owner, session.claim_expires = None, "", None
        session.save(update_fields=["report", "status", "ended", "claim_index", "claim_owner", "claim_expires"])
    return session.report


def early_closing(session_id: int) -> dict[str, object] | None:
    """The closing said because the candidate ended the interview, as a turn event (None if not)."""
    last = Turn.objects.filter(session_id=session_id).order_by("-index").first()
    return turn_payload(last) if last is not None and last.reason == ENDED_EARLY else None


def build_report(session: InterviewSession) -> dict[str, Any]:
    encoder = models_registry.encoder()
    job_facts = list(session.job.facts.filter(askable=True, hidden=False, section__in=sorted(JOB_ASKABLE)))
    requirements = [f.text for f in job_facts]
    vectors = embeddings.matrix(job_facts) if job_facts else None
    answers = []
    history = turns(session)
    pairs = answered(history)
    for question, turn in pairs:
        answers.append(
            feedback.assess(
                question.text if question else "",
                turn.text,
                encoder,
                grounding=[g["text"] for g in (question.grounding if question else [])],
                requirements=requirements,
                requirement_vectors=vectors,
                act=question.act if question else None,
            )
        )
    result = feedback.report(answers, requirements, session.settings.get("match", {}).get("overall"))
    timing.annotate(result["rows"], pairs, session.settings.get("answer_seconds"))
    again.annotate(result["rows"], pairs)
    if "retry_of" in session.settings:
        result["retry"] = retry.compare(result, session.settings["retry_of"])
    result["type"] = Event.REPORT
    if spoken := voice.report_block(history):
        result["delivery"] = spoken
    result["session"] = session.pk
    return result


def transcript(session: InterviewSession) -> dict[str, Any]:
    """The interview as plain data (the JSON download and `manage.py interview --json`)."""
    return {
        "session": session.pk,
        "job": {"id": session.job_id, "title": session.job.title, "company": session.job.company},
        "resume": {"id": session.resume_id, "label": session.resume.label},
        "settings": {k: v for k, v in session.settings.items() if k != "plan"},
        "status": session.status,
        "started": session.started.isoformat(),
        "ended": session.ended.isoformat() if session.ended else None,
        "turns": [
            {
                "index": t.index,
                "role": t.role,
                "text": t.text,
                "grounding": [{"source": g["source"], "text": g["text"]} for g in shown(t.grounding)],
                "act": t.act,
                "reason": t.reason,
                "source": turn_source(t),
                **({"score": t.score, "candidates": t.candidates} if t.role == Turn.Role.INTERVIEWER else {}),
                **({"delivery": t.delivery} if t.delivery else {}),
            }
            for t in turns(session)
        ],
        "report": session.report,
    }


def transcript_markdown(session: InterviewSession) -> str:
    data = transcript(session)
    lines = [
        f"# Mock interview: {data['job']['title']}",
        "",
        f"Resume: {data['resume']['label']}  ",
        f"Started: {data['started']}",
        "",
    ]
    lines += [
        "_After each interviewer turn: what it does, and whether the model wrote it or it is a template question._"
    ]
    lines += [""]
    for t in data["turns"]:
        if t["role"] == Turn.Role.INTERVIEWER:
            act = t["act"].replace("_", " ") if t["act"] else "question"
            written = "template question" if t["source"] == TEMPLATE else "written by the model"
            lines.append(f"**Interviewer:** {t['text']} _({act}; {written})_")
        else:
            lines.append(f"**You:** {t['text']}")
            if t.get("delivery"):
                lines.append(f"> spoken: {spoken_line(t['delivery'])}")
        for g in t["grounding"]:
            lines.append(f"> grounded on {g['source']}: {g['text']}")
        lines.append("")
    report = data["report"]
    if report:
        lines += ["## Report", "", report["summary"], "", "### Strengths"]
        lines += [f"- {s}" for s in report["strengths"]] + ["", "### What to practise"]
        lines += [f"- {s}" for s in report["practise"]] + [""]
        if report.get("delivery"):
            lines += ["### How you spoke", ""] + [f"- {note}" for note in report["delivery"].get("notes", [])] + [""]
    return "\n".join(lines)


def spoken_line(delivery: dict[str, Any]) -> str:
    """One spoken answer's delivery in words: "132 words a minute (steady), 1 long pause, 2 filler words"."""
    pace = f"{delivery['wpm']} words a minute ({delivery['pace']})" if delivery.get("wpm") else "pace not measured"
    pauses, fillers = len(delivery.get("long_pauses", [])), delivery.get("filler_count", 0)
    return (
        f"{pace}, {pauses} long pause{'s' if pauses != 1 else ''}, {fillers} filler word{'s' if fillers != 1 else ''}"
    )
