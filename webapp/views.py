"""Accounts' pages: sign-up (login and logout are Django's own views, see webapp.urls)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from webapp.forms import SignupForm

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from django.contrib.auth.models import User

    class AuthenticatedHttpRequest(HttpRequest):
        """A request to a @login_required view: its user is signed in."""

        user: User
        auser: Callable[[], Awaitable[User]]


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()  # None when a twin username won a race: the form says so
        if user is not None:
            login(request, user, backend="webapp.backends.FoldedUsernameBackend")
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form})
