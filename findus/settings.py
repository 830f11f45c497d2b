"""Django settings for findus, read from the environment (see README, "Configuration")."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from findus.env import envbool, envfloat, envint, envlist, envstr, read_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A local .env (the dev launcher writes one) fills in what the environment leaves unset.
read_dotenv()

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment or in .env unless DEBUG is on. "
            "For development, `uv run python -m findus.dev` writes a .env with both."
        )
    SECRET_KEY = "findus-insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_results",
    "ninja",
    "chat",
    # After chat, whose models the job kinds use; it registers the kinds (workers/apps.py).
    "workers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, served before anything else runs; async, so requests stay on the event loop.
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "findus.urls"
ASGI_APPLICATION = "findus.asgi.application"

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
                "django.template.context_processors.csp",
                "chat.context_processors.findus",
            ],
        },
    },
]

# --- Database: PostgreSQL from DATABASE_URL, or an embedded SQLite file in WAL mode.
_SQLITE_PATH = BASE_DIR / envstr("SQLITE_PATH", "db.sqlite3")
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{_SQLITE_PATH}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A test database in a file, not in memory, so worker processes see the same rows.
    DATABASES["default"]["TEST"] = {
        "NAME": str(_SQLITE_PATH.with_name("test_" + _SQLITE_PATH.name))
    }
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while a worker writes; IMMEDIATE avoids lock upgrades
        # that fail under concurrent writers.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Under ASGI every request opens and closes its own PostgreSQL connection (persistent connections
# do not work there); a per-process pool (psycopg-pool, "psycopg[pool]") saves that connect.
# A worker holds a connection for each running job, so its pool needs CELERY_WORKER_CONCURRENCY.
if envbool("DATABASE_POOL", False) and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses pooling with persistent connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": envint("DATABASE_POOL_MAX_SIZE", 20),
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve files straight from the apps' static folders, so no collectstatic step is needed to run.
SERVESTATIC_USE_FINDERS = True
SERVESTATIC_AUTOREFRESH = DEBUG

# --- Security. Secure cookies and HSTS are on unless DEBUG; a proxy that terminates TLS sets
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO.
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Preloading puts the domain and all its subdomains on browsers' HTTPS-only list, which is slow
# to undo: a choice for whoever owns the domain, so `check --deploy` does not nag about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
_proxy_header = envstr("SECURE_PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (_proxy_header, "https") if _proxy_header else None
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Redis: the Celery broker and the live-update channel.
REDIS_URL = envstr("REDIS_URL", "redis://127.0.0.1:6379/0")

# --- AI.
FINDUS_AI_MODEL = envstr("FINDUS_AI_MODEL", "local")
# Seconds one model request may take before it counts as a timeout (and is retried).
FINDUS_AI_REQUEST_TIMEOUT = envfloat("FINDUS_AI_REQUEST_TIMEOUT", 60.0)
# How often a job is tried in all, counting the first attempt.
FINDUS_JOB_MAX_ATTEMPTS = envint("FINDUS_JOB_MAX_ATTEMPTS", 5)
# Exponential backoff between attempts: base * 2**(attempt-1), capped, with full jitter.
FINDUS_RETRY_BACKOFF_BASE = envfloat("FINDUS_RETRY_BACKOFF_BASE", 2.0)
FINDUS_RETRY_BACKOFF_MAX = envfloat("FINDUS_RETRY_BACKOFF_MAX", 120.0)
FINDUS_MAX_MESSAGE_CHARS = 2000
# The tutor is sent the last this-many turns of a conversation word for word, and a running
# summary of the turns before them (workers/memory.py), so a turn's tokens stay flat however long
# the conversation grows. 0 sends the whole conversation every time, with no summaries: each turn
# then costs more than the one before.
FINDUS_TUTOR_RECENT_TURNS = envint("FINDUS_TUTOR_RECENT_TURNS", 6)

# --- Limits per learner (chat/limits.py), counted in Redis; they fail open while Redis is down.
# 0 turns a limit off.
# Messages one learner may post in a minute: each one costs a reply and an analysis.
FINDUS_MESSAGES_PER_MINUTE = envint("FINDUS_MESSAGES_PER_MINUTE", 20)
# Messages one learner may post in a UTC day: bounds what one learner can spend on the provider.
FINDUS_MESSAGES_PER_DAY = envint("FINDUS_MESSAGES_PER_DAY", 500)
# Tokens (input + output) one learner's jobs may use in a UTC day before their messages are
# refused: bounds what one learner costs, however long their messages. Off by default.
FINDUS_TOKENS_PER_DAY = envint("FINDUS_TOKENS_PER_DAY", 0)
# Conversations one learner may end in a minute: each end costs a review.
FINDUS_ENDS_PER_MINUTE = envint("FINDUS_ENDS_PER_MINUTE", 5)
# "More like this" requests one learner may make in an hour: each one costs an exercises job.
FINDUS_PRACTICE_REQUESTS_PER_HOUR = envint("FINDUS_PRACTICE_REQUESTS_PER_HOUR", 20)
# Failed logins of one username from one address before logins are refused (429)...
FINDUS_LOGIN_FAILURES_LIMIT = envint("FINDUS_LOGIN_FAILURES_LIMIT", 5)
# ...for this many seconds, counted from the first failure.
FINDUS_LOGIN_FAILURES_WINDOW = envint("FINDUS_LOGIN_FAILURES_WINDOW", 900)
# Exports (an Anki deck, a CSV of corrections) one learner may ask for in an hour: each reads all
# their cards or corrections and keeps a file in the database.
FINDUS_EXPORTS_PER_HOUR = envint("FINDUS_EXPORTS_PER_HOUR", 10)

# --- Exports (chat/exports/): seconds a made export can be downloaded; after that it answers
# 410 Gone, and the hourly cleanup (workers/cleanup.py) deletes it.
FINDUS_EXPORT_TTL = envint("FINDUS_EXPORT_TTL", 24 * 3600)

# --- Celery (read by findus/celery.py with namespace="CELERY").
CELERY_BROKER_URL = REDIS_URL
# Durable results in the database, with task name and queue (args are ids only).
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
# Acknowledge after the job ran, and hand it back if the worker process dies mid-job.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Take one job per slot at a time, so a slow model call never holds queued jobs hostage.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Model calls wait on the network, so one process runs many of them on threads.
CELERY_WORKER_POOL = envstr("CELERY_WORKER_POOL", "threads")
CELERY_WORKER_CONCURRENCY = envint("CELERY_WORKER_CONCURRENCY", 16)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 150)
# A job still running at the hard limit counts as orphaned and is sent again; with a budget as
# long, every slow job would run twice.
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"CELERY_TASK_SOFT_TIME_LIMIT ({CELERY_TASK_SOFT_TIME_LIMIT}) must be below "
        f"CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT}): the soft limit is a job's time "
        "budget, and a job still running at the hard limit counts as orphaned."
    )
# Redis re-delivers an unacknowledged job after this long; it must outlast the longest retry
# countdown plus the hard time limit, or a running job would be delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(FINDUS_RETRY_BACKOFF_MAX + CELERY_TASK_TIME_LIMIT + 300),
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS
# One result backend per process, not per thread: the web runs each request's sends in a fresh
# thread, which otherwise builds a backend for every POST (it only uses the ORM, which keeps its
# own connection per thread).
CELERY_RESULT_BACKEND_THREAD_SAFE = True
# Flower shows tasks sent, started and finished from these events. The job rows say "running";
# a STARTED TaskResult row as well would cost each job one more database write (BENCHMARKS.md),
# so TaskResult records outcomes only.
CELERY_TASK_TRACK_STARTED = False
CELERY_WORKER_SEND_TASK_EVENTS = True
# No task-sent event from the web: Flower's metrics (failures, retries, runtimes, workers) come
# from the workers' events, and a task waiting in its queue shows in the queue lengths. Each
# event was one more Redis publish per job on the send path.
CELERY_TASK_SEND_SENT_EVENT = False
# Each job kind's queue is declared from the kinds (findus/celery.py declare_job_queues), and a
# worker without -Q consumes all of them. `route` sends each task to its kind's queue.
# Nothing should go unrouted; if something does, it waits where some worker always listens.
CELERY_TASK_DEFAULT_QUEUE = "maintenance"
CELERY_TASK_ROUTES = ("findus.celery.route",)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must not hang when Redis is down: fail fast and let the reconciler re-enqueue.
CELERY_BROKER_CONNECTION_TIMEOUT = envfloat("CELERY_BROKER_CONNECTION_TIMEOUT", 2.0)
CELERY_TASK_PUBLISH_RETRY = False
CELERY_RESULT_EXPIRES = envint("CELERY_RESULT_EXPIRES", 7 * 24 * 3600)
CELERY_TIMEZONE = TIME_ZONE

# In a worker or beat, Celery replaces the root logger's handlers with its own and sets the root
# level from --loglevel (worker_hijack_root_logger, on by default), so their output keeps Celery's
# format. The findus loggers carry LOG_LEVEL themselves, so the one line per job transition
# ("findus.jobs") and the reconciler's lines still show under `--loglevel WARNING`.
_LOG_LEVEL = envstr("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    # The OpenAI SDK logs every request at INFO through "httpx2" (its own httpx fork) too.
    "loggers": {
        "findus": {"level": _LOG_LEVEL},
        "httpx": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
    },
}

# --- The reconciler (workers/reconcile.py), run by celery beat.
FINDUS_RECONCILE_INTERVAL = envfloat("FINDUS_RECONCILE_INTERVAL", 10.0)
# A worker marks the jobs it runs as alive this often (workers/heartbeat.py)...
FINDUS_HEARTBEAT_INTERVAL = envfloat("FINDUS_HEARTBEAT_INTERVAL", 5.0)
# ...and a running job silent for this long has lost its worker: the reconciler sends it again.
FINDUS_HEARTBEAT_TIMEOUT = envfloat("FINDUS_HEARTBEAT_TIMEOUT", 15.0)
if FINDUS_HEARTBEAT_TIMEOUT <= 2 * FINDUS_HEARTBEAT_INTERVAL:
    raise ImproperlyConfigured(
        "FINDUS_HEARTBEAT_TIMEOUT must be more than twice FINDUS_HEARTBEAT_INTERVAL, or a live "
        "worker's jobs could be taken for orphans after one late heartbeat."
    )
# A queued job whose message is not in Redis after this long is re-sent.
FINDUS_RECONCILE_QUEUED_AFTER = envint("FINDUS_RECONCILE_QUEUED_AFTER", 30)
# A job still running this long after the hard time limit has lost its worker.
FINDUS_RECONCILE_RUNNING_GRACE = envint("FINDUS_RECONCILE_RUNNING_GRACE", 60)
# The hour (UTC) at which expired TaskResult rows are deleted.
FINDUS_RESULT_CLEANUP_HOUR = envint("FINDUS_RESULT_CLEANUP_HOUR", 4)
CELERY_BEAT_SCHEDULE = {
    "reconcile-jobs": {
        "task": "findus.maintenance.reconcile_jobs",
        "schedule": FINDUS_RECONCILE_INTERVAL,
        "options": {"queue": "maintenance", "expires": FINDUS_RECONCILE_INTERVAL},
    },
    "delete-expired-exports": {
        "task": "findus.maintenance.delete_expired_exports",
        "schedule": crontab(minute=30),
        "options": {"queue": "maintenance"},
    },
    "expire-task-results": {
        "task": "celery.backend_cleanup",
        "schedule": crontab(hour=FINDUS_RESULT_CLEANUP_HOUR, minute=0),
        "options": {"queue": "maintenance"},
    },
}
# Beat keeps its last-run times here; the schedule itself is the one above.
CELERY_BEAT_SCHEDULE_FILENAME = envstr(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(BASE_DIR / "celerybeat-schedule")
)
