"""Answer a question again, inside the interview: practice mode keeps each new attempt beside the
first answer, with its own feedback line, so the two can be compared side by side.

The dialog goes on from the first answer (the interviewer's next question was asked on it); an
attempt is practice on the side, kept on the answer's turn (``Turn.attempts``), shown in the chat
and in the report. At most :data:`MAX_ATTEMPTS` per answer, while the interview is on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from interviewer.vocabulary import Mode
from webapp.interviews.models import InterviewSession, Turn

MAX_ATTEMPTS = 3


def add(session: InterviewSession, index: int, text: str) -> dict[str, Any]:
    """Keep ``text`` as another attempt at the answer ``index``; its payload (the first answer's
    line, every attempt with its line).

    Raises:
        interviews.InterviewError: not in practice mode, the interview is over, no such answer,
            too many attempts, or the text is empty or too long.
    """
    from webapp.interviews import interviews  # which imports this module for its report

    if interviews.interview_settings(session).mode is not Mode.PRACTICE:
        raise interviews.InterviewError("not_practice", "Answering again is part of practice mode.")
    text = interviews.clean_answer(text)
    with transaction.atomic():
        locked = InterviewSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == InterviewSession.Status.ENDED:
            raise interviews.InterviewError("interview_ended", "This interview has ended.")
        turn = locked.turns.filter(index=index, role=Turn.Role.CANDIDATE).first()
        if turn is None:
            raise interviews.InterviewError("no_such_answer", "There is no answer with that number.")
        if len(turn.attempts) >= MAX_ATTEMPTS:
            raise interviews.InterviewError("too_many_attempts", f"An answer can be given again {MAX_ATTEMPTS} times.")
        question = locked.turns.filter(index__lt=index, role=Turn.Role.INTERVIEWER).order_by("-index").first()
        note = interviews.practice_note_of(question, text) if question is not None else ""
        turn.attempts = [*turn.attempts, {"text": text, "feedback": note, "at": timezone.now().isoformat()}]
        turn.save(update_fields=["attempts"])
    return payload(turn, question)


def payload(turn: Turn, question: Turn | None) -> dict[str, Any]:
    """The answer's attempts as the chat shows them: the first answer's line beside each attempt's."""
    from webapp.interviews import interviews

    first = turn.feedback or (interviews.practice_note_of(question, turn.text) if question is not None else "")
    return {"index": turn.index, "first": first, "attempts": turn.attempts, "left": MAX_ATTEMPTS - len(turn.attempts)}


def annotate(rows: list[dict[str, Any]], pairs: Sequence[tuple[Turn | None, Turn]]) -> None:
    """Give each report row whose answer was given again its ``attempts``; ``pairs`` are the rows'
    (question, answer) turns (webapp.interviews.models.answered)."""
    for row, (_question, turn) in zip(rows, pairs, strict=False):
        if turn.attempts:
            row["attempts"] = turn.attempts
