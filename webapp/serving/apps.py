from __future__ import annotations

from django.apps import AppConfig


class ServingConfig(AppConfig):
    name = "webapp.serving"
    label = "serving"
    verbose_name = "Models and training"
    default_auto_field = "django.db.models.BigAutoField"
