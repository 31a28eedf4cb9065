"""Login by the folded username: ``Admin`` and ``аdmin`` (a Cyrillic a) reach the account of
``admin``, as sign-up already refuses them as new names (``models.fold_username``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

from webapp.models import UserKey, fold_username


class FoldedUsernameBackend(ModelBackend):
    """Django's model backend, finding the user by the folded username first, the exact one then."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        key = UserKey.objects.filter(folded=fold_username(username)).select_related("user").first()
        if key is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        user = key.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The name django-axes counts failed logins under: the folded one, so ``Admin``, ``ADMIN`` and
    ``аdmin`` share one count."""
    return fold_username(str((credentials or {}).get("username") or ""))
