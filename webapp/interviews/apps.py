from __future__ import annotations

from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "webapp.interviews"
    label = "interviews"
    verbose_name = "Interviews"
    default_auto_field = "django.db.models.BigAutoField"
