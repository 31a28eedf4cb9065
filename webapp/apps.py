from __future__ import annotations

from django.apps import AppConfig


class WebappConfig(AppConfig):
    name = "webapp"
    label = "webapp"
    verbose_name = "Mock interviewer"
    default_auto_field = "django.db.models.BigAutoField"
