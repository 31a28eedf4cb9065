"""Accounts: each user's folded username, kept unique by the database."""

from __future__ import annotations

import functools
import importlib.util
import json
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from anyascii import anyascii
from django.conf import settings
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def fold_username(username: str) -> str:
    """The form two usernames are compared in: NFKC, case-folded, accents stripped, and each letter
    that looks like or stands for a Latin one replaced by it (the confusables of Unicode TR39, then
    transliteration).

    ``Admin``, ``ádmin``, ``ａｄｍｉｎ``, ``аdmin`` (a Cyrillic a), ``admın`` (a dotless i), ``admiո``
    (an Armenian letter) and ``админ`` all fold to ``admin``.
    """
    text = unicodedata.normalize("NFKC", username)
    # Capitals first: a Greek capital nu looks like N, its small letter like v.
    text = "".join(_latin(ch) if ch.isupper() and not ch.isascii() else ch for ch in text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(_latin(ch) for ch in decomposed if not unicodedata.combining(ch)).casefold()


@functools.lru_cache(maxsize=4096)
def _latin(ch: str) -> str:
    """The ASCII letter or digit ``ch`` looks like or is written as, else ``ch``."""
    if ch.isascii():
        return ch
    twins = [t for t in _confusables().get(ch, ()) if len(t) == 1 and t.isascii() and t.isalnum()]
    if twins:  # a letter of the same case first (a capital iota looks like I, not l), a digit last
        return min(twins, key=lambda t: (t.isupper() != ch.isupper(), t.isdigit()))
    written = anyascii(ch)
    return written if written and written.isascii() and written.isalnum() else ch


@functools.cache
def _confusables() -> dict[str, tuple[str, ...]]:
    """Each character's confusables (TR39 data as the ``confusable-homoglyphs`` package ships it)."""
    spec = importlib.util.find_spec("confusable_homoglyphs")
    if spec is None or spec.origin is None:
        raise ImportError("confusable-homoglyphs is not installed (requirements.txt)")
    path = Path(spec.origin).with_name("confusables.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {ch: tuple(str(twin["c"]) for twin in twins) for ch, twins in data.items()}


class UserKey(models.Model):
    """A user's folded username, unique: the database itself keeps ``ádmin`` from sitting beside ``admin``.

    A separate table because ``auth.User`` is not ours to change, and a functional index would
    need PostgreSQL's ``unaccent`` (not immutable, an extension) and has no SQLite equivalent.
    Written in the same transaction as the user by :func:`add_user_key`.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="folded_key")
    folded = models.CharField(max_length=600, unique=True)

    def __str__(self) -> str:
        return self.folded


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="webapp.add_user_key")
def add_user_key(sender: type[User], instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """Record the folded username of every new (or renamed) user; a twin raises IntegrityError."""
    if raw or (kwargs.get("update_fields") and "username" not in kwargs["update_fields"]):
        return
    folded = fold_username(instance.username)
    if created:
        UserKey.objects.create(user=instance, folded=folded)
    else:
        UserKey.objects.update_or_create(user=instance, defaults={"folded": folded})
