"""The admin site's own settings: its login form bounds the username as the candidates' login does.
Each app registers its models in its own ``admin`` module."""

from __future__ import annotations

from django.contrib import admin

from webapp.forms import AdminLoginForm

admin.site.login_form = AdminLoginForm
