"""Interview sessions, their turns, and the recordings of spoken answers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver

from interviewer.vocabulary import Act
from webapp.documents.models import JobPosting, Resume
from webapp.serving.models import ModelVersion


class InterviewSession(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "In progress"
        ENDED = "ended", "Ended"

    candidate = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="interviews")
    resume = models.ForeignKey(Resume, models.PROTECT, related_name="interviews")
    job = models.ForeignKey(JobPosting, models.PROTECT, related_name="interviews")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    settings = models.JSONField(default=dict, blank=True, help_text="Length, kind and plan of the interview.")
    started = models.DateTimeField(auto_now_add=True)
    ended = models.DateTimeField(null=True, blank=True)
    model_version = models.ForeignKey(ModelVersion, models.SET_NULL, null=True, blank=True)
    report = models.JSONField(null=True, blank=True)
    # The claim on the interviewer turn being generated: one generator per turn across processes.
    # Its holder renews it while it works; a claim past `claim_expires` may be taken over.
    claim_index = models.PositiveIntegerField(null=True, blank=True, editable=False)
    claim_owner = models.CharField(max_length=120, blank=True, editable=False)
    claim_expires = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "webapp_interviewsession"
        ordering = ["-started", "-id"]

    def __str__(self) -> str:
        return f"Interview #{self.pk}: {self.resume} for {self.job}"


class Turn(models.Model):
    class Role(models.TextChoices):
        INTERVIEWER = "interviewer", "Interviewer"
        CANDIDATE = "candidate", "Candidate"

    session = models.ForeignKey(InterviewSession, models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    role = models.CharField(max_length=20, choices=Role.choices)
    text = models.TextField()
    grounding = models.JSONField(default=list, blank=True, help_text="Facts the turn was grounded on.")
    act = models.CharField(max_length=40, blank=True, choices=Act.choices(), help_text="The policy's act.")
    reason = models.CharField(max_length=200, blank=True, help_text="Why the policy chose this act now.")
    source = models.CharField(max_length=40, blank=True, help_text="Which generator wrote the turn.")
    created = models.DateTimeField(auto_now_add=True)
    latency_ms = models.FloatField(
        null=True,
        blank=True,
        help_text="An interviewer turn's time, from its start (the answer saved) to its last word.",
    )
    first_word_ms = models.FloatField(
        null=True, blank=True, help_text="From the start of an interviewer turn to its first word shown."
    )
    score = models.FloatField(null=True, blank=True, help_text="The ranker's score of the chosen words.")
    candidates = models.JSONField(
        default=dict, blank=True, help_text="How many candidates were decoded and how many passed the ranker."
    )
    client_id = models.CharField(
        max_length=64, blank=True, help_text="The browser's id for an answer, so a resent answer is stored once."
    )
    delivery = models.JSONField(
        default=dict, blank=True, help_text="How a spoken answer was delivered (pace, pauses, fillers), as heard."
    )
    feedback = models.CharField(
        max_length=400, blank=True, help_text="Practice mode: the feedback line shown after the answer."
    )
    attempts = models.JSONField(
        default=list, blank=True, help_text="Practice mode: the answer given again, each with its feedback line."
    )

    class Meta:
        db_table = "webapp_turn"
        ordering = ["session", "index"]
        constraints = [
            models.UniqueConstraint(fields=["session", "index"], name="turn_index_unique_in_session"),
            models.UniqueConstraint(
                fields=["session", "client_id"], condition=~Q(client_id=""), name="answer_client_id_unique_in_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.index}. {self.role}: {self.text[:60]}"


def answered(history: Sequence[Turn]) -> list[tuple[Turn | None, Turn]]:
    """Each candidate turn of ``history`` (in order), with the interviewer turn it answers (None
    before any): the report's rows, in their order."""
    out: list[tuple[Turn | None, Turn]] = []
    question: Turn | None = None
    for turn in history:
        if turn.role == Turn.Role.INTERVIEWER:
            question = turn
        else:
            out.append((question, turn))
    return out


class VoiceTake(models.Model):
    """One recording of a spoken answer, transcribed: the words as heard, before any edit.

    The candidate's answer names its takes; their delivery measures then go on the answer's
    turn. The audio itself is kept (``audio``, relative to VAR_DIR) only if the candidate asked.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(InterviewSession, models.CASCADE, related_name="voice_takes")
    turn = models.ForeignKey(Turn, models.SET_NULL, null=True, blank=True, related_name="voice_takes")
    text = models.TextField(help_text="The transcript as heard.")
    duration = models.FloatField(help_text="Length of the recording, in seconds.")
    words = models.JSONField(default=list, blank=True, help_text="Each word with its start and end, in seconds.")
    delivery = models.JSONField(default=dict, blank=True)
    audio = models.CharField(max_length=300, blank=True, help_text="The kept recording, relative to VAR_DIR.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "webapp_voicetake"
        ordering = ["created"]

    def __str__(self) -> str:
        return f"Take for interview #{self.session_id}: {self.text[:60]}"


@receiver(post_delete, sender=VoiceTake, dispatch_uid="interviews.delete_take_audio")
def delete_take_audio(sender: type[VoiceTake], instance: VoiceTake, **kwargs: Any) -> None:
    """A kept recording goes with its take (and so with its interview): no orphaned voices on disk."""
    if instance.audio:
        (Path(settings.VAR_DIR) / instance.audio).unlink(missing_ok=True)
