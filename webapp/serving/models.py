"""The trained models the app can serve, and the training runs that made them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


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
        db_table = "webapp_modelversion"
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(is_active=True), name="one_active_model_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


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
        db_table = "webapp_trainingrun"
        ordering = ["-started", "-id"]
