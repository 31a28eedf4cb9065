"""Accounts' forms: sign-up and login with usernames compared folded, and the password rule; and
``parse_id``, the one reading of an id from a query or form value."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from webapp.documents import services
from webapp.models import UserKey, fold_username

_ID = re.compile(r"[0-9]{1,18}")


def parse_id(value: str | None) -> int | None:
    """A database id from a query or form value: ASCII digits only, at most 18 of them.

    ``str.isdigit`` accepts "²" and other Unicode digits that ``int`` refuses, and an
    unbounded number overflows the database's integer; both are "no id" here.
    """
    value = (value or "").strip()
    return int(value) if _ID.fullmatch(value) else None


class SignupForm(UserCreationForm[User]):
    """Django's sign-up form, refusing a username that folds to an existing one's."""

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username", ""))
        folded = fold_username(username)
        if folded and UserKey.objects.filter(folded=folded).exists():
            raise forms.ValidationError("A user with that username already exists.", code="unique")
        return username

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # BaseModelForm's private hook, left out of django-stubs
        if self.instance.username:
            self.instance.username = services.clean_user_text(self.instance.username, single_line=True)

    def save(self, commit: bool = True) -> User | None:  # type: ignore[override]  # None: a twin sign-up won the race
        """Create the user and its folded key together; a race with a twin sign-up becomes a form error."""
        try:
            with transaction.atomic():
                return super().save(commit=commit)
        except IntegrityError:
            self.add_error("username", forms.ValidationError("A user with that username already exists."))
            return None


class NotBlankPasswordValidator:
    """Refuses a password made only of whitespace (eight spaces pass Django's length rule)."""

    def validate(self, password: str, user: object = None) -> None:
        if not password.strip():
            raise ValidationError("Your password can’t be only spaces.", code="password_blank")

    def get_help_text(self) -> str:
        return "Your password can’t be only spaces."


class _BoundedUsername:
    """Refuses a username longer than a username can be before any authentication is tried
    (django-axes would record it in a 255-character column: a 500 on PostgreSQL)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def clean_username(self) -> str:
        username = str(self.cleaned_data.get("username", ""))
        limit = cast(forms.CharField, self.fields["username"]).max_length or 150
        if len(username) > limit:
            raise ValidationError(f"Usernames are at most {limit} characters.", code="max_length")
        return username


class LoginForm(_BoundedUsername, AuthenticationForm):
    """The candidates' login form."""


class AdminLoginForm(_BoundedUsername, AdminAuthenticationForm):
    """The admin's login form."""
