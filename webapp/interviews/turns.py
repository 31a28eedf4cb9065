"""One interviewer turn, end to end: the one service the live socket (webapp.interviews.live) and
`manage.py interview` call (they only relay or print its events).

:func:`run_turn` claims the turn due next (a lease in the database that its holder renews
while it works, so across processes exactly one generator works on a turn and a dead one's
turn is taken over), plans it (policy, selector and exemplars) and speaks it (:func:`_speak`):
one greedy candidate is decoded on the engine and streamed, each sentence shown the moment it
passes the gate (interviewer.dialog.gate), so the candidate reads the first words about a sentence
after decoding starts; a turn whose first sentence fails gets one fallback round of sampled
candidates (the ranker's best) when time is left, else a template. Every turn is decided within
``TURN_DEADLINE_S`` of its start, and nothing shown is ever taken back: a turn whose question
fails after its first sentence was shown ends on a template question that follows from it.
What each round decodes from, what its words are judged against and which words win are decided
by interviewer.dialog.turn, the code the evaluation (training.evaluate_generator) decides them with;
this module adds the engine, the claim, the deadline and the streaming.

It yields the protocol events in order: ``thinking``, ``token``..., ``turn`` (the saved turn),
then ``state`` (or the ``report`` after a closing); ``error`` if something broke. Nothing is
yielded after the final event, and the words saved are exactly the words streamed.

One cancellation rule: a turn whose claim is lost (the interview ended, or another process
took over a lapsed claim) is dropped whole, never saved; the process that takes it over starts
with ``thinking`` again, which clears what was shown of it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from interviewer.dialog import turn as turn_words
from interviewer.dialog.gate import Gate
from interviewer.dialog.ranker import RankContext, Verdict
from interviewer.serving.handles import (
    CANCELLED,
    DONE,
    ERROR,
    LOST,
    TOKEN,
    GenerationRequest,
    Handle,
    candidate_requests,
)
from interviewer.vocabulary import Act
from webapp.dbasync import db, in_caller_thread
from webapp.interviews import interviews, protocol
from webapp.interviews.interviews import TEMPLATE
from webapp.interviews.models import InterviewSession, Turn
from webapp.serving import models_registry

log = logging.getLogger(__name__)
Event = dict[str, object]
_HOST = socket.gethostname()
FALLBACK_SEED = 7919  # a fallback round's seeds, apart from the streamed round's


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


def save(mine: Claim, pending: interviews.Pending, draft: Draft, first_word_s: float | None = None) -> Turn | None:
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
                first_word_ms=round(first_word_s * 1000, 1) if first_word_s is not None else None,
            )
            session.claim_index, session.claim_owner, session.claim_expires = None, "", None
            session.save(update_fields=["claim_index", "claim_owner", "claim_expires"])
            return turn
    except IntegrityError:
        return None  # a turn with this index exists: whoever saved it announced it


# ---------------------------------------------------------------------------
# Choosing the words


def rank_context(pending: interviews.Pending) -> RankContext:
    """What the turn's words are judged against (the gate while streaming, the ranker after)."""
    return turn_words.rank_context(pending.case())


def choose(pending: interviews.Pending, candidates: list[tuple[str, float]], source: str) -> Draft:
    """The best candidate of a fallback round that passes the ranker (interviewer.dialog.turn.choose), else a template.

    ``candidates`` are (raw text, mean token log-probability); an empty list (templates only,
    or the model failed) goes straight to the template.
    """
    counts = {"decoded": len(candidates), "passed": 0}
    if not candidates:
        return template_draft(pending, counts)
    chosen = turn_words.choose(candidates, pending.case(), models_registry.encoder())
    counts["passed"] = chosen.passed
    return Draft(chosen.text, source if chosen.model else TEMPLATE, chosen.score, counts)


def template_draft(pending: interviews.Pending, counts: dict[str, int] | None = None) -> Draft:
    return Draft(turn_words.template(pending.case()), TEMPLATE, None, counts or {})


def spoken_request(pending: interviews.Pending) -> GenerationRequest | None:
    """The first round: one candidate, greedy, streamed (None: templates only, or a turn the template
    says: interviewer.dialog.turn.templated)."""
    case = pending.case()
    if turn_words.templated(case) or settings.GENERATOR_TEMPLATES_ONLY:
        return None
    inputs = turn_words.first_inputs(case, models_registry.prompt_style())
    return GenerationRequest(inputs, n=1, sample=False, seed=_seed(pending), stream=True)


def requests_for(pending: interviews.Pending, candidates: int) -> list[GenerationRequest]:
    """The fallback round: ``candidates`` sampled (not streamed), from the prompt without exemplars
    and with the other wording of the turn's start (interviewer.dialog.turn.fallback_inputs)."""
    case = pending.case()
    if turn_words.templated(case) or candidates < 1:
        return []
    inputs = turn_words.fallback_inputs(case, models_registry.prompt_style())
    return candidate_requests(inputs, candidates, 0, _seed(pending) + FALLBACK_SEED)


def _seed(pending: interviews.Pending) -> int:
    return pending.session_id * 1009 + pending.index


# ---------------------------------------------------------------------------
# The turn


async def run_turn(session_id: int) -> AsyncIterator[Event]:
    """Generate, announce and save the interviewer turn due next, if this worker gets its claim."""
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
        yield {"type": protocol.Event.THINKING, "index": mine.index}
        speech = Speech(mine.index, pending.started)
        async for event in _speak(mine, pending, speech):
            yield event
        if speech.draft is None:
            return
        turn = await db(save)(mine, pending, speech.draft, speech.first_word_s)
        saved = turn is not None
        if turn is None:
            return
        yield await db(interviews.turn_payload)(turn)
        if turn.act == Act.CLOSING:
            yield await db(interviews.end)(turn.session_id)
        else:
            yield protocol.state_event(protocol.Awaiting.ANSWER)
    except TurnLost:
        yield {
            "type": protocol.Event.ERROR,
            "code": "generation_failed",
            "message": "The interviewer could not answer; retrying.",
        }
    except Exception:  # noqa: BLE001 - tell the client instead of dying silently
        log.exception("interview %s: turn %s failed", session_id, mine.index)
        yield {
            "type": protocol.Event.ERROR,
            "code": "generation_failed",
            "message": "The interviewer could not answer; retrying.",
        }
    finally:
        if not saved:
            await asyncio.shield(db(release)(mine))


@dataclass
class Speech:
    """The words of one turn as they are shown: ``shown`` is every word the candidate has seen."""

    index: int
    started: float  # time.monotonic() when the turn started
    shown: str = ""
    first_word_s: float | None = None
    draft: Draft | None = None  # the turn's words once decided (None: the turn was dropped)

    def say(self, words: str) -> list[Event]:
        """``words``, the continuation of what was shown, as token events (one a word, each with its
        offset); a continuation that does not start with a space is glued on ("This role" + "'s")."""
        events: list[Event] = []
        for i, word in enumerate(words.split()):
            glued = not self.shown or (i == 0 and not words[:1].isspace())
            piece = word if glued else " " + word
            events.append({"type": protocol.Event.TOKEN, "index": self.index, "text": piece, "offset": len(self.shown)})
            self.shown += piece
        if events and self.first_word_s is None:
            self.first_word_s = time.monotonic() - self.started
        return events

    def left(self) -> float:
        """Seconds left before the turn must be decided (``TURN_DEADLINE_S`` from its start)."""
        return settings.TURN_DEADLINE_S - (time.monotonic() - self.started)


async def _speak(mine: Claim, pending: interviews.Pending, speech: Speech) -> AsyncIterator[Event]:
    """Decide the turn's words, yielding them as token events as they are decided; ``speech.draft``
    holds the result (None when the claim was lost: the turn is dropped).

    1. One candidate, greedy, streamed: each finished sentence that passes the gate is shown at
       once; decoding stops when the question is asked.
    2. When its first sentence fails (nothing shown yet) and time is left: one fallback round of
       sampled candidates, ranked, the best shown whole.
       When the code-written start ("This role") was shown and its sentence failed: one fallback
       round of sampled candidates continuing that start, the best that passes shown.
    3. Otherwise a template: the turn's template when nothing was shown; after a first sentence
       shown, a template question that follows from it (after a start alone, a completion that
       names the fact). The deadline ends any round early.
    """
    request = spoken_request(pending)
    if request is None:
        speech.draft = template_draft(pending)
        await _reveal(speech, speech.draft.text)
    else:
        engine = await db(models_registry.engine)()
        encoder = await asyncio.to_thread(models_registry.encoder)
        gate = Gate(rank_context(pending), await asyncio.to_thread(models_registry.critic))
        handle = engine.submit(request)
        for event in speech.say(gate.open(request.inputs.prefix)):  # the code's own start: shown at once
            yield event
        outcome = Outcome()
        async for _ in _streamed(mine, handle, gate, speech, outcome):
            for event in speech.say(gate.text[len(speech.shown) :]):
                yield event
        if outcome.lost:
            return
        verdict = await asyncio.to_thread(gate.finish, outcome.text, encoder, outcome.logprob)
        speech.draft = await _settle(mine, pending, engine, speech, gate, verdict)
        if speech.draft is None:
            return
    for event in speech.say(speech.draft.text[len(speech.shown) :]):
        yield event


async def _settle(
    mine: Claim, pending: interviews.Pending, engine: Any, speech: Speech, gate: Gate, verdict: Verdict
) -> Draft | None:
    """The turn's words once the streamed candidate was judged (steps 1 to 3 of :func:`_speak`):
    its words when they passed or already close, else a continuation of the shown start, the
    shown words ended on a template question, or the fallback round. None when the claim was lost."""
    counts = {"decoded": 1, "passed": int(verdict.passed)}
    if not verdict.passed:
        log.info("interview %s turn %s: streamed words refused (%s)", mine.session_id, mine.index, verdict.reasons)
    text, how = gate.outcome(verdict)
    if how in ("passed", "closed"):
        return Draft(text, engine.name, verdict.score if verdict.passed else None, counts)
    if how == "tail" and gate.opened and not gate.shown:  # the code's start shown, its sentence refused
        continued = await _continuation(mine, pending, engine, speech, gate.opened, counts)
        if continued is None:
            return None
        if continued:
            return Draft(continued, engine.name, None, counts)
    if how == "tail":
        return Draft(text, f"{engine.name}+{TEMPLATE}", None, counts)
    draft = await _fallback(mine, pending, engine, speech, counts)
    if draft is not None:
        await _reveal(speech, draft.text)
    return draft


@dataclass
class Outcome:
    """How a streamed decode ended."""

    text: str = ""  # the candidate's text (as far as it was decoded)
    logprob: float = 0.0
    lost: bool = False  # the claim was lost: drop the turn


async def _streamed(mine: Claim, handle: Handle, gate: Gate, speech: Speech, outcome: Outcome) -> AsyncIterator[str]:
    """Yields whenever the gate lets more of candidate 0 of ``handle`` through (``gate.text``); stops
    at the gate's refusal, the question asked, the end of the decode or the deadline (the decode is
    cancelled)."""
    lost = asyncio.Event()
    keeper = asyncio.create_task(_keep(mine, handle, lost))
    events = handle.aiter()
    try:
        while not gate.done:
            try:
                event = await asyncio.wait_for(anext(events), max(0.01, speech.left()))
            except (TimeoutError, StopAsyncIteration):
                break  # the deadline: what passed so far is all there is
            if event.kind == TOKEN:
                outcome.text += event.text
                if gate.push(outcome.text):
                    yield gate.text
            elif event.kind == DONE:
                if event.candidates:
                    outcome.text, outcome.logprob = event.candidates[0].text, event.candidates[0].mean_logprob
                break
            elif event.kind == LOST:
                log.warning(
                    "interview %s: turn %s lost (%s); it will be retried", mine.session_id, mine.index, event.text
                )
                raise TurnLost(event.text)
            elif event.kind == ERROR:
                log.error("interview %s: generation failed: %s", mine.session_id, event.text)
                break
            elif event.kind == CANCELLED:  # not by us (we cancel only after the loop): the turn is dropped
                lost.set()
                break
    finally:
        keeper.cancel()
        handle.cancel()
        await events.aclose()
    outcome.lost = lost.is_set()


async def _fallback(
    mine: Claim, pending: interviews.Pending, engine: Any, speech: Speech, counts: dict[str, int]
) -> Draft | None:
    """One round of sampled candidates when there is time for it, ranked; else (or when none
    passes) the template. None when the claim was lost."""
    candidates = models_registry.fallback_candidates()
    requests = requests_for(pending, candidates) if speech.left() > settings.FALLBACK_MIN_S else []
    if not requests:
        return template_draft(pending, counts)
    decoded = await _candidates(mine, engine.submit(requests[0]), speech.left())
    if decoded is None:
        return None
    draft = await asyncio.to_thread(choose, pending, decoded, engine.name)
    return replace(
        draft, candidates={"decoded": counts["decoded"] + len(decoded), "passed": draft.candidates["passed"]}
    )


async def _continuation(
    mine: Claim, pending: interviews.Pending, engine: Any, speech: Speech, start: str, counts: dict[str, int]
) -> str | None:
    """The fallback round of a turn whose code-written start ("This role") was shown and whose
    sentence the gate refused: sampled candidates that continue the same start, each gated whole;
    the best that passes ("" when none does or no time is left; None when the claim was lost). On
    the held-out interviews, the template that otherwise completes the start pasted a posting's
    sentence into it ("This role involves We pick whatever language fits...")."""
    n = models_registry.fallback_candidates()
    if n < 1 or speech.left() <= settings.FALLBACK_MIN_S:
        return ""
    inputs = turn_words.continuation_inputs(pending.case(), start)
    request = GenerationRequest(inputs, n=n, sample=n > 1, seed=_seed(pending) + FALLBACK_SEED, stream=False)
    decoded = await _candidates(mine, engine.submit(request), speech.left())
    if decoded is None:
        return None
    counts["decoded"] += len(decoded)
    best = await asyncio.to_thread(_best_continuation, pending, start, decoded)
    counts["passed"] += int(bool(best))
    return best


def _best_continuation(pending: interviews.Pending, start: str, decoded: list[tuple[str, float]]) -> str:
    """The passing candidate the ranker scores best, as the gate would show it ("" for none)."""
    encoder, critic = models_registry.encoder(), models_registry.critic()
    best, score = "", float("-inf")
    for text, logprob in decoded:
        gate = Gate(rank_context(pending), critic)
        gate.open(start)
        verdict = gate.finish(text, encoder, logprob)
        if verdict.passed and verdict.score > score and gate.text.startswith(start):
            best, score = gate.text, verdict.score
    return best


async def _candidates(mine: Claim, handle: Handle, timeout: float) -> list[tuple[str, float]] | None:
    """(text, mean log-probability) of every candidate decoded within ``timeout`` seconds ([] when
    the deadline came first); None when the claim was lost."""
    lost = asyncio.Event()
    keeper = asyncio.create_task(_keep(mine, handle, lost))
    candidates: list[tuple[str, float]] = []
    try:
        async with asyncio.timeout(max(0.01, timeout)):
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
    except TimeoutError:
        log.info("interview %s: turn %s: the fallback round ran out of time", mine.session_id, mine.index)
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


async def _reveal(speech: Speech, text: str) -> None:
    """The cosmetic pause before words decided whole are shown (``REVEAL_WORD_MS`` a word)."""
    if settings.REVEAL_WORD_MS:
        await asyncio.sleep(min(0.3, settings.REVEAL_WORD_MS / 1000 * 4))


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
