"""Small helpers that read settings from the environment and fail loudly.

Each raises :class:`django.core.exceptions.ImproperlyConfigured` with a message that
names the variable, so a typo in ``.env`` stops start-up with a clear reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {value!r}")


_Number = TypeVar("_Number", int, float)


def _envnumber(name: str, default: str, cast: Callable[[str], _Number], minimum: _Number | None, kind: str) -> _Number:
    value = os.getenv(name, default).strip()
    try:
        number = cast(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {kind}, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def envint(name: str, default: str, minimum: int | None = None) -> int:
    return _envnumber(name, default, int, minimum, "an integer")


def envfloat(name: str, default: str, minimum: float | None = None) -> float:
    return _envnumber(name, default, float, minimum, "a number")


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.getenv(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def envsecret(name: str, default: str) -> str:
    """The value of ``NAME``, or the contents of the file named by ``NAME_FILE``."""
    path = os.getenv(f"{name}_FILE")
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                return f.read().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc.strerror}") from None
    return os.getenv(name, default)


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envpair(name: str) -> tuple[str, str] | None:
    """``"HEADER,value"`` as a pair (e.g. Django's SECURE_PROXY_SSL_HEADER), or None when unset."""
    value = os.getenv(name, "").strip()
    if not value:
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ImproperlyConfigured(f"{name} must be two values separated by a comma, e.g. HTTP_X_FORWARDED_PROTO,https")
    return parts[0], parts[1]


# SQLite shared by a request, a background import thread and other processes: readers never wait
# for the writer (WAL), a writer waits up to 20 s for another instead of failing at once (busy
# timeout), and every transaction takes the write lock when it begins (IMMEDIATE), so a transaction
# that read first never fails at its first write: SQLite cannot wait there, it can only refuse.
SQLITE_OPTIONS: dict[str, object] = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


def database_from_url(name: str, default: str) -> dict[str, object]:
    """Django's ``DATABASES["default"]`` from a URL such as ``postgres://user@host:5432/db``
    (parsed by dj-database-url; only SQLite and PostgreSQL are supported here).

    ``sqlite:///relative/path.sqlite3`` and ``sqlite:////absolute/path`` are both accepted.
    """
    import dj_database_url

    url = os.getenv(name, "").strip() or default
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise ImproperlyConfigured(f"{name} must start with sqlite:// or postgres://, got {url!r}")
    try:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid URL ({exc}): {url!r}") from None
    if not config.get("NAME"):
        example = "sqlite:///var/db.sqlite3" if scheme == "sqlite" else "postgres://postgres@127.0.0.1:5432/interviewer"
        raise ImproperlyConfigured(f"{name}: the URL needs a database name or file, e.g. {example}")
    if scheme == "sqlite":
        return {"ENGINE": config["ENGINE"], "NAME": config["NAME"], "OPTIONS": dict(SQLITE_OPTIONS)}
    config["PORT"] = str(config.get("PORT") or "")
    return config


def redis_url(name: str) -> str | None:
    url = os.getenv(name, "").strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid URL ({exc}): {url!r}") from None
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise ImproperlyConfigured(f"{name} must look like redis://host:6379/0, got {url!r}")
    return url
