"""The data model: documents and their facts, interview sessions and their turns, models."""

from __future__ import annotations

import functools
import importlib.util
import json
import unicodedata
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from anyascii import anyascii
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from interviewer.vocabulary import Act, Source

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Seniority(models.TextChoices):
    UNSPECIFIED = "", "Unspecified"
    INTERN = "intern", "Intern"
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    LEAD = "lead", "Lead / manager"


class JobPosting(models.Model):
    title = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    seniority = models.CharField(max_length=10, choices=Seniority.choices, blank=True)
    text = models.TextField()
    source_file = models.CharField(max_length=500, blank=True, help_text="Name of the uploaded or imported file.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["title"]), models.Index(fields=["company"])]

    def __str__(self) -> str:
        return f"{self.title} at {self.company}" if self.company else self.title

    kind = Source.JOB
    notes: list[str]  # not a column: set by services.store, what the uploader is told


class Resume(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="resumes")
    label = models.CharField(max_length=200)
    text = models.TextField()
    source_file = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["label", "id"]

    def __str__(self) -> str:
        return self.label

    kind = Source.RESUME
    notes: list[str]  # not a column: set by services.store, what the uploader is told


class Fact(models.Model):
    """One atomic claim of a resume or of a job posting (never both)."""

    resume = models.ForeignKey(Resume, models.CASCADE, null=True, blank=True, related_name="facts")
    job = models.ForeignKey(JobPosting, models.CASCADE, null=True, blank=True, related_name="facts")
    section = models.CharField(max_length=40)
    text = models.TextField()
    position = models.PositiveIntegerField()
    askable = models.BooleanField(
        default=True, help_text="False for boilerplate (pay, legal text, how to apply): shown, never probed."
    )
    context = models.CharField(
        max_length=300, blank=True, help_text="Where the claim belongs, e.g. the role, employer and dates."
    )
    kind = models.CharField(
        max_length=20,
        blank=True,
        help_text="What a posting's piece is: requirement, responsibility, or never asked about (company, "
        "benefits, legal, apply, condition, other). Empty for resume facts.",
    )
    edited_from = models.TextField(
        blank=True,
        help_text="The text the parser read, when the resume's owner corrected it; a re-parse keeps the edit.",
    )
    added = models.BooleanField(default=False, help_text="Written by the resume's owner; a re-parse keeps it.")
    hidden = models.BooleanField(
        default=False,
        help_text="Deleted by the resume's owner: never shown to the interview; kept so a re-parse remembers it.",
    )
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_model = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(resume__isnull=False) & Q(job__isnull=True))
                | (Q(resume__isnull=True) & Q(job__isnull=False)),
                name="fact_belongs_to_exactly_one_document",
            ),
            models.UniqueConstraint(fields=["resume", "position"], name="fact_position_unique_in_resume"),
            models.UniqueConstraint(fields=["job", "position"], name="fact_position_unique_in_job"),
        ]

    def __str__(self) -> str:
        return f"[{self.section}] {self.text[:80]}"

    @property
    def source(self) -> Source:
        return Source.RESUME if self.resume_id else Source.JOB


class ModelVersion(models.Model):
    """A trained artefact under MODEL_DIR (a LoRA adapter or a fine-tuned encoder)."""

    class Kind(models.TextChoices):
        GENERATOR = "generator", "Dialog generator adapter"
        SELECTOR = "selector", "Knowledge selector encoder"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    path = models.CharField(max_length=500, help_text="Folder relative to MODEL_DIR.")
    base = models.CharField(max_length=500, blank=True, help_text="The base model it was trained on.")
    metrics = models.JSONField(default=dict, blank=True)
    data_hash = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(is_active=True), name="one_active_model_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class ImportJob(models.Model):
    """A bulk import too large for one request: run by an import worker, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, help_text="job or resume")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="CSV columns and other import options.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Documents (files and CSV rows) to import.")
    done = models.PositiveIntegerField(default=0, help_text="Documents read so far (stored or reported).")
    created_count = models.PositiveIntegerField(default=0)
    failures = models.JSONField(default=list, blank=True, help_text="[row or file, why] of each one not imported.")
    message = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.kind}s): {self.done}/{self.total} {self.get_status_display().lower()}"


class ImportJobFile(models.Model):
    """An uploaded file of an import job, kept in the database so a worker on another machine can read it."""

    job = models.ForeignKey(ImportJob, models.CASCADE, related_name="files")
    name = models.CharField(max_length=500)
    data = models.BinaryField()


class TrainingRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=ModelVersion.Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    arguments = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    output_dir = models.CharField(max_length=500, blank=True)
    model_version = models.ForeignKey(ModelVersion, models.SET_NULL, null=True, blank=True, related_name="runs")
    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started", "-id"]


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

    class Meta:
        ordering = ["session", "index"]
        constraints = [
            models.UniqueConstraint(fields=["session", "index"], name="turn_index_unique_in_session"),
            models.UniqueConstraint(
                fields=["session", "client_id"], condition=~Q(client_id=""), name="answer_client_id_unique_in_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.index}. {self.role}: {self.text[:60]}"


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
        ordering = ["created"]

    def __str__(self) -> str:
        return f"Take for interview #{self.session_id}: {self.text[:60]}"


@receiver(post_delete, sender=VoiceTake, dispatch_uid="webapp.delete_take_audio")
def delete_take_audio(sender: type[VoiceTake], instance: VoiceTake, **kwargs: Any) -> None:
    """A kept recording goes with its take (and so with its interview): no orphaned voices on disk."""
    if instance.audio:
        (Path(settings.VAR_DIR) / instance.audio).unlink(missing_ok=True)


def fold_username(username: str) -> str:
    """The form two usernames are compared in: NFKC, case-folded, accents stripped, and each letter
    that looks like or stands for a Latin one replaced by it (the confusables of Unicode TR39, then
    transliteration).

    ``Admin``, ``ádmin``, ``ａｄｍｉｎ``, ``аdmin`` (a Cyrillic a), ``admın`` (a dotless i), ``admiո``
    (an Armenian letter) and ``админ`` all fold to ``admin``.
    """
    text = unicodedata.normalize("NFKC", username)
    # Capitals first: a Greek capital nu looks like N, its small letter like v.
    text = "".join(_latin(ch) if ch.isupper() and not ch.isascii() else ch for ch in text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(_latin(ch) for ch in decomposed if not unicodedata.combining(ch)).casefold()


@functools.lru_cache(maxsize=4096)
def _latin(ch: str) -> str:
    """The ASCII letter or digit ``ch`` looks like or is written as, else ``ch``."""
    if ch.isascii():
        return ch
    twins = [t for t in _confusables().get(ch, ()) if len(t) == 1 and t.isascii() and t.isalnum()]
    if twins:  # a letter of the same case first (a capital iota looks like I, not l), a digit last
        return min(twins, key=lambda t: (t.isupper() != ch.isupper(), t.isdigit()))
    written = anyascii(ch)
    return written if written and written.isascii() and written.isalnum() else ch


@functools.cache
def _confusables() -> dict[str, tuple[str, ...]]:
    """Each character's confusables (TR39 data as the ``confusable-homoglyphs`` package ships it)."""
    spec = importlib.util.find_spec("confusable_homoglyphs")
    if spec is None or spec.origin is None:
        raise ImportError("confusable-homoglyphs is not installed (requirements.txt)")
    path = Path(spec.origin).with_name("confusables.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {ch: tuple(str(twin["c"]) for twin in twins) for ch, twins in data.items()}


class UserKey(models.Model):
    """A user's folded username, unique: the database itself keeps ``ádmin`` from sitting beside ``admin``.

    A separate table because ``auth.User`` is not ours to change, and a functional index would
    need PostgreSQL's ``unaccent`` (not immutable, an extension) and has no SQLite equivalent.
    Written in the same transaction as the user by :func:`add_user_key`.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="folded_key")
    folded = models.CharField(max_length=600, unique=True)

    def __str__(self) -> str:
        return self.folded


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="webapp.add_user_key")
def add_user_key(sender: type[User], instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Record the folded username of every new (or renamed) user; a twin raises IntegrityError."""
    if raw or (kwargs.get("update_fields") and "username" not in kwargs["update_fields"]):
        return
    folded = fold_username(instance.username)
    if created:
        UserKey.objects.create(user=instance, folded=folded)
    else:
        UserKey.objects.update_or_create(user=instance, defaults={"folded": folded})
