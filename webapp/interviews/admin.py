"""Admin: interview sessions with their turns, and the recorded takes of spoken answers (read-only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from webapp.interviews.models import InterviewSession, Turn, VoiceTake


class TurnInline(admin.TabularInline[Turn, InterviewSession]):
    model = Turn
    fields = ("index", "role", "text", "act", "source", "score", "candidates", "reason", "latency_ms", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: InterviewSession | None = None) -> bool:
        return False


@admin.register(InterviewSession)
class InterviewSessionAdmin(admin.ModelAdmin[InterviewSession]):
    list_display = ("id", "candidate", "resume", "job", "status", "started", "ended")
    list_filter = ("status",)
    search_fields = ("candidate__username", "job__title", "resume__label")
    readonly_fields = ("candidate", "resume", "job", "started", "ended", "model_version", "settings", "report")
    inlines = [TurnInline]


@admin.register(VoiceTake)
class VoiceTakeAdmin(admin.ModelAdmin[VoiceTake]):
    """Spoken answers as heard: read-only (a transcript is evidence of what was said)."""

    list_display = ("created", "session", "turn", "duration", "kept_audio")
    list_filter = ("created",)
    search_fields = ("session__candidate__username", "text")
    readonly_fields = ("id", "session", "turn", "text", "duration", "words", "delivery", "audio", "created")

    @admin.display(boolean=True, description="audio kept")
    def kept_audio(self, take: VoiceTake) -> bool:
        return bool(take.audio)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
