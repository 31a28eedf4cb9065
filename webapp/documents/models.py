"""Documents and what was read from them: job postings, resumes, their facts, and bulk imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from interviewer.vocabulary import Source


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
        db_table = "webapp_jobposting"
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
        db_table = "webapp_resume"
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
        db_table = "webapp_fact"
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
        db_table = "webapp_importjob"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.kind}s): {self.done}/{self.total} {self.get_status_display().lower()}"


class ImportJobFile(models.Model):
    """An uploaded file of an import job, kept in the database so a worker on another machine can read it."""

    job = models.ForeignKey(ImportJob, models.CASCADE, related_name="files")
    name = models.CharField(max_length=500)
    data = models.BinaryField()

    class Meta:
        db_table = "webapp_importjobfile"
