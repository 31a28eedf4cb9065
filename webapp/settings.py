"""Django settings: every value comes from the environment (see .env.example)."""

from __future__ import annotations

import os
from pathlib import Path

from webapp.env import (
    database_from_url,
    envbool,
    envfloat,
    envint,
    envlist,
    envsecret,
    redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from ``.env``; variables already set win."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_dotenv(BASE_DIR / ".env")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEBUG = envbool("DEBUG", "1")
SECRET_KEY = envsecret("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-change-me"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

VAR_DIR = Path(os.getenv("VAR_DIR", str(BASE_DIR / "var")))
MODEL_DIR = Path(os.getenv("MODEL_DIR", str(VAR_DIR / "models")))
MAX_UPLOAD_MB = envint("MAX_UPLOAD_MB", "10", minimum=1)
# Django's own request limits must let a file of MAX_UPLOAD_MB through to our check.
DATA_UPLOAD_MAX_MEMORY_SIZE = (MAX_UPLOAD_MB + 1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FILES = envint("MAX_UPLOAD_FILES", "200", minimum=1)

# Models: see README "Configuration".
GENERATOR_BASE = os.getenv("GENERATOR_BASE", "")
GENERATOR_MAX_NEW_TOKENS = envint("GENERATOR_MAX_NEW_TOKENS", "60", minimum=8)
GENERATOR_THREADS = envint("GENERATOR_THREADS", "0", minimum=0)
INTERVIEW_QUESTIONS = envint("INTERVIEW_QUESTIONS", "8", minimum=1)
INTERVIEW_MINUTES = envfloat("INTERVIEW_MINUTES", "20", minimum=1)
FAKE_MODELS = envbool("FAKE_MODELS", "0")
# The claim on a turn being generated lapses this long after its holder last renewed it; then
# another process takes the turn over (a worker that died mid-turn).
TURN_LEASE_SECONDS = envfloat("TURN_LEASE_SECONDS", "10", minimum=1)
# Pause between the words of a turn as they are revealed (the words are chosen before).
REVEAL_WORD_MS = envint("REVEAL_WORD_MS", "25", minimum=0)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "webapp.apps.WebappConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "webapp.urls"
ASGI_APPLICATION = "webapp.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_url("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# Async database work runs on Django's one shared thread only on SQLite (see webapp/dbasync.py).
DB_SHARED_THREAD = str(DATABASES["default"]["ENGINE"]).endswith("sqlite3")
if DB_SHARED_THREAD:
    Path(str(DATABASES["default"]["NAME"])).parent.mkdir(parents=True, exist_ok=True)

_redis = redis_url("REDIS_URL")
if _redis:
    # channels-redis waits for messages with BRPOP for 5 s; redis-py 8 also times socket reads out
    # after 5 s by default, so every idle socket died with 1011 (django/channels_redis#422). Reads
    # may take the whole BRPOP plus latency; keep-alive and health checks still catch a dead server.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": _redis,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 5,
                        "socket_keepalive": True,
                        "health_check_interval": 15,
                    }
                ],
                "capacity": 1500,
                "expiry": 60,
            },
        }
    }
else:
    # In-memory layer: single process only, for local use and tests (see README "Scaling out").
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.getenv("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # Evaluators and trainers log every figure at INFO; the commands print their own tables.
    "loggers": {"sentence_transformers": {"level": "WARNING"}, "transformers": {"level": "WARNING"}},
}

# The demo candidate that owns the fixture resumes (created by load_fixtures).
DEMO_PASSWORD = envsecret("DEMO_PASSWORD", "rehearse-2026")
