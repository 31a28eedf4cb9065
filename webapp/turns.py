"""One interviewer turn, end to end: the one service the WebSocket consumer and
`manage.py interview` call (they only relay or print its events).

:func:`run_turn` claims the turn due next (a lease in the database that its holder renews
while it works, so across processes exactly one generator works on a turn and a dead one's
turn is taken over), plans it (policy, selector and exemplars), decodes N sampled candidates
in one batch on the engine, lets the ranker choose the words (when none passes, one more batch
from the prompt without exemplars; a template only when no candidate of either passes), saves
the turn whole and only then reveals its words. It yields the protocol events in order:
``thinking``, ``token``..., ``turn``, then ``state`` (or the ``report`` after a closing);
``error`` if something broke. Nothing is yielded after the final event, and the words streamed
are exactly the words saved.

One cancellation rule: a turn whose claim is lost (the interview ended, or another process
took over a lapsed claim) is dropped whole, never saved as a template.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from interviewer import feedback, ranker
from interviewer.engine import CANCELLED, DONE, ERROR, LOST, GenerationRequest, Handle, candidate_requests
from interviewer.generator import template_question
from interviewer.ranker import RankContext
from interviewer.vocabulary import Act
from webapp import interviews, models_registry
from webapp.dbasync import db, in_caller_thread
from webapp.models import InterviewSession, Turn

log = logging.getLogger(__name__)
Event = dict[str, object]
_HOST = socket.gethostname()


class TurnLost(Exception):
    """The engine lost the request (a remote worker died): the turn is dropped and asked for again."""


@dataclass(frozen=True)
class Claim:
    """This worker's claim on the interviewer turn ``index`` of a session."""

    session_id: int
    index: int
    owner: str = field(default_factory=lambda: f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}")


@dataclass(frozen=True)
class Draft:
    """The words chosen for a turn and where they came from."""

    text: str
    source: str  # the generator's name, or "template"
    score: float | None = None
    candidates: dict[str, int] = field(default_factory=dict)


def _lease() -> timedelta:
    return timedelta(seconds=settings.TURN_LEASE_SECONDS)


# ---------------------------------------------------------------------------
# The claim (synchronous database work; the async side calls it through `db`)


def claim(session_id: int, owner: str | None = None) -> Claim | None:
    """Claim the interviewer turn due next, or None: nothing is due, or a live claim holds it."""
    with transaction.atomic():
        session = InterviewSession.objects.select_for_update().filter(pk=session_id).first()
        if session is None or session.status == InterviewSession.Status.ENDED:
            return None
        last = session.turns.order_by("-index").first()
        if last is not None and last.role == Turn.Role.INTERVIEWER:
            return None  # the candidate answers next
        index = last.index + 1 if last is not None else 0
        now = timezone.now()
        held = session.claim_index == index and session.claim_expires is not None and session.claim_expires > now
        if held and session.claim_owner != owner:
            return None
        mine = Claim(session_id, index, owner) if owner else Claim(session_id, index)
        session.claim_index, session.claim_owner, session.claim_expires = index, mine.owner, now + _lease()
        session.save(update_fields=["claim_index", "claim_owner", "claim_expires"])
    return mine


def renew(mine: Claim) -> bool:
    """Extend the claim; False when it is no longer ours (taken over) or the interview ended."""
    updated = InterviewSession.objects.filter(
        pk=mine.session_id,
        status=InterviewSession.Status.ACTIVE,
        claim_index=mine.index,
        claim_owner=mine.owner,
    ).update(claim_expires=timezone.now() + _lease())
    return updated == 1


def release(mine: Claim) -> None:
    """Give the claim up (a failed or cancelled turn): another worker may take the turn at once."""
    InterviewSession.objects.filter(pk=mine.session_id, claim_owner=mine.owner).update(
        claim_index=None, claim_owner="", claim_expires=None
    )


def save(mine: Claim, pending: interviews.Pending, draft: Draft) -> Turn | None:
    """Save the turn whole and drop the claim, only while the claim is still ours.

    Returns None (nothing saved) when the interview ended meanwhile or another worker took
    the turn over; then that worker saves and announces it.
    """
    latency = (time.monotonic() - pending.started) * 1000
    try:
        with transaction.atomic():
            session = InterviewSession.objects.select_for_update().get(pk=mine.session_id)
            if session.status == InterviewSession.Status.ENDED or session.claim_owner != mine.owner:
                return None
            turn = Turn.objects.create(
                session=session,
                index=mine.index,
                role=Turn.Role.INTERVIEWER,
                text=draft.text,
                grounding=pending.grounding(),
                act=pending.plan.act,
                reason=pending.plan.reason[:200],
                source=draft.source[:40],
                score=draft.score,
                candidates=draft.candidates,
                latency_ms=round(latency, 1),
            )
            session.claim_index, session.claim_owner, session.claim_expires = None, "", None
            session.save(update_fields=["claim_index", "claim_owner", "claim_expires"])
            return turn
    except IntegrityError:
        return None  # a turn with this index exists: whoever saved it announced it


# ---------------------------------------------------------------------------
# Choosing the words


def choose(pending: interviews.Pending, candidates: list[tuple[str, float]], source: str) -> Draft:
    """The best candidate that passes the ranker (interviewer.ranker), else a template.

    ``candidates`` are (raw text, mean token log-probability); an empty list (templates only,
    or the model failed) goes straight to the template.
    """
    context = RankContext(
        act=pending.plan.act,
        facts=[f.text for f in pending.inputs.facts],
        last_answer=pending.last_answer,
        asked=pending.asked,
        known_words=pending.known_words,
        exemplars=pending.inputs.exemplars,
        targets=[s.fact.text for s in pending.plan.selections],
        answers=pending.inputs.answers,
    )
    chosen, passed = ranker.best(candidates, context, models_registry.encoder()) if candidates else (None, 0)
    counts = {"decoded": len(candidates), "passed": passed}
    if chosen is None or chosen.text is None:
        return Draft(template_question(pending.inputs, pending.asked, redirects(pending)), "template", None, counts)
    return Draft(chosen.text, source, chosen.score, counts)


def redirects(pending: interviews.Pending) -> bool:
    """A follow-up on an off-topic answer: the template brings the talk back to work, and the model
    is not asked (on the held-out interviews it followed the digression: "Do you have a partner in
    the field of bakery?")."""
    return pending.plan.act is Act.FOLLOW_UP and pending.plan.reason.endswith(feedback.OFF_TOPIC_ANSWER)


def requests_for(pending: interviews.Pending) -> list[GenerationRequest]:
    """The batches of candidates this turn may decode (interviewer.engine.candidate_requests)."""
    if redirects(pending):
        return []
    seed = pending.session_id * 1009 + pending.index
    return candidate_requests(pending.inputs, settings.GENERATOR_CANDIDATES, settings.GENERATOR_RETRIES, seed)


# ---------------------------------------------------------------------------
# The turn


async def run_turn(session_id: int) -> AsyncIterator[Event]:
    """Generate, save and announce the interviewer turn due next, if this worker gets its claim."""
    report = await db(interviews.end_if_closed)(session_id)
    if report is not None:  # the closing was saved, but the process died before the report
        yield report
        return
    mine = await db(claim)(session_id)
    if mine is None:
        return
    saved = False
    try:
        pending = await db(interviews.plan_next)(session_id, mine.index)
        if pending is None:
            return
        yield {"type": "thinking", "index": mine.index}
        draft = await _decode(mine, pending)
        if draft is None:
            return
        turn = await db(save)(mine, pending, draft)
        saved = turn is not None
        if turn is None:
            return
        async for event in _announce(turn):
            yield event
    except TurnLost:
        yield {"type": "error", "code": "generation_failed", "message": "The interviewer could not answer; retrying."}
    except Exception:  # noqa: BLE001 - tell the client instead of dying silently
        log.exception("interview %s: turn %s failed", session_id, mine.index)
        yield {"type": "error", "code": "generation_failed", "message": "The interviewer could not answer; retrying."}
    finally:
        if not saved:
            await asyncio.shield(db(release)(mine))


async def _decode(mine: Claim, pending: interviews.Pending) -> Draft | None:
    """Decode candidates on the engine while keeping the claim alive, then choose the words;
    another round when none passed (``GENERATOR_RETRIES``); None when the claim was lost (the
    turn is dropped)."""
    requests = requests_for(pending)
    if not requests:
        return await asyncio.to_thread(choose, pending, [], "template")
    engine = await db(models_registry.engine)()
    candidates: list[tuple[str, float]] = []
    for request in requests:
        decoded = await _candidates(mine, engine.submit(request))
        if decoded is None:
            return None
        candidates += decoded
        draft = await asyncio.to_thread(choose, pending, candidates, engine.name)
        if draft.source != "template" or not decoded:  # chosen, or the model failed: no second try
            break
    return draft


async def _candidates(mine: Claim, handle: Handle) -> list[tuple[str, float]] | None:
    """(text, mean log-probability) of every candidate decoded; None when the claim was lost."""
    lost = asyncio.Event()
    keeper = asyncio.create_task(_keep(mine, handle, lost))
    candidates: list[tuple[str, float]] = []
    try:
        async for event in handle.aiter():
            if event.kind == DONE:
                candidates = [(c.text, c.mean_logprob) for c in event.candidates]
            elif event.kind == CANCELLED:
                return None
            elif event.kind == LOST:  # a remote worker died or never answered: drop the turn, retry it
                log.warning(
                    "interview %s: turn %s lost (%s); it will be retried", mine.session_id, mine.index, event.text
                )
                raise TurnLost(event.text)
            elif event.kind == ERROR:
                log.error("interview %s: generation failed: %s", mine.session_id, event.text)
    finally:
        keeper.cancel()
        handle.cancel()
    return None if lost.is_set() else candidates


async def _keep(mine: Claim, handle: Handle, lost: asyncio.Event) -> None:
    """Renew the claim every third of the lease; cancel the decode once it is lost."""
    while True:
        await asyncio.sleep(settings.TURN_LEASE_SECONDS / 3)
        if not await db(renew)(mine):
            lost.set()
            handle.cancel()
            return


async def _announce(turn: Turn) -> AsyncIterator[Event]:
    """Reveal the saved words as tokens, then the turn, then what comes next."""
    async for event in reveal(turn.index, turn.text):
        yield event
    yield await db(interviews.turn_payload)(turn)
    if turn.act == Act.CLOSING:
        yield await db(interviews.end)(turn.session_id)
    else:
        yield {"type": "state", "status": "active", "awaiting": "answer"}


async def reveal(index: int, text: str) -> AsyncIterator[Event]:
    """The words of ``text`` as ``token`` events, each with the offset where it starts."""
    pause = settings.REVEAL_WORD_MS / 1000
    offset = 0
    for i, word in enumerate(text.split(" ")):
        piece = word if i == 0 else " " + word
        yield {"type": "token", "index": index, "text": piece, "offset": offset}
        offset += len(piece)
        if pause:
            await asyncio.sleep(pause)


def run_turn_sync(session_id: int, on_event: Callable[[Event], None] | None = None) -> list[Event]:
    """The same turn for synchronous callers (the terminal); returns every event."""

    async def collect() -> list[Event]:
        events = []
        with in_caller_thread():
            async for event in run_turn(session_id):
                events.append(event)
                if on_event is not None:
                    on_event(event)
        return events

    return async_to_sync(collect)()
