"""Admin: model versions (one made active here) and the training runs that made them."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from webapp.serving import models_registry
from webapp.serving.models import ModelVersion, TrainingRun


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin[ModelVersion]):
    list_display = ("name", "kind", "is_active", "base", "created")
    list_filter = ("kind", "is_active")
    readonly_fields = ("kind", "name", "path", "base", "metrics", "data_hash", "created", "is_active")
    actions = ["make_active"]

    @admin.action(description="Make the selected version active")
    def make_active(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one model version.", messages.ERROR)
            return
        version = queryset.get()
        models_registry.activate(version)
        self.message_user(request, f"{version} is now active.", messages.SUCCESS)


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin[TrainingRun]):
    list_display = ("id", "kind", "status", "started", "finished", "model_version", "summary")
    list_filter = ("kind", "status")
    readonly_fields = ("kind", "status", "arguments", "metrics", "output_dir", "model_version", "started", "finished")

    @admin.display(description="Metrics")
    def summary(self, run: TrainingRun) -> SafeString:
        items = [f"{k}={v:.3f}" for k, v in run.metrics.items() if isinstance(v, (int, float))][:4]
        return format_html("{}", ", ".join(items))
