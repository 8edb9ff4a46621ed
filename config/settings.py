"""Settings, read from environment variables (see README "Configuration").

Without DATABASE_URL the app uses a SQLite file; without CELERY_BROKER_URL tasks run eagerly
in the web process. That is what `make demo` relies on.
"""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


class SettingError(RuntimeError):
    """An environment variable holds what its setting cannot be: the start stops, naming it."""


def envbool(name: str, default: str = "False") -> bool:
    """A yes/no setting. A word that is neither (a typo such as ``ture``) stops the start: read
    as False it would silently turn off what it names (four eyes, secure cookies)."""
    value = os.getenv(name, "").strip().lower() or default.lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise SettingError(
        f"{name}={os.getenv(name)!r} is not a yes/no word: use one of "
        f"{', '.join(sorted(TRUE_WORDS))} or {', '.join(sorted(FALSE_WORDS))}."
    )


def envint(name: str, default: int) -> int:
    value = os.getenv(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingError(f"{name}={value!r} is not a whole number.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """postgres://user:password@host:port/name -> a Django DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, got scheme {parsed.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
        # PostgreSQL's just-in-time compiler spends one to two seconds compiling any statement it
        # estimates as costly (finishing the import of a 100,000-row list: 1.7 s of compiling
        # for a query that then ran in 0.27 s) and never earns it back on this application's
        # queries (issue 19).
        "OPTIONS": {"options": "-c jit=off"},
    }


DEBUG = envbool("DEBUG")
DEMO_MODE = envbool("DEMO_MODE")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

# The key of the keyed hash (HMAC-SHA256) that names a conviction across lists
# (eligibility.identity), kept after the purge in place of the person. Its own setting, not
# SECRET_KEY: rotating that must not make the office forget which convictions were granted and
# purged. Unset, it is derived from SECRET_KEY so that every command still runs, and
# `manage.py check --deploy` fails on it (accounts.E002).
IDENTITY_KEY_SET = bool(os.getenv("IDENTITY_KEY"))
IDENTITY_KEY = (
    os.getenv("IDENTITY_KEY") or hashlib.sha256(f"identity:{SECRET_KEY}".encode()).hexdigest()
)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    # Before accounts: its permissions must exist when accounts' post_migrate syncs the roles.
    "axes",
    "accounts",
    "eligibility",
    "review",
    "filings",
    "people",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before anything reads a body (CsrfViewMiddleware reads the form in process_view).
    "accounts.middleware.RequestBodyLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns a refused login of a locked account into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.menu",
                "eligibility.context_processors.office",
            ],
        },
    },
]

DATABASE_URL = os.getenv("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.getenv("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # The demo imports a list in a thread while pages read it: readers never wait for
            # the writer (WAL), and a writer waits its turn rather than failing.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out account before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout (CJIS Security Policy: at most 5 consecutive failures, then a lock an administrator
# can release), counted per username. The lock lasts 30 minutes from the failure that set it;
# tries during the lock are refused and recorded in the audit log, but do not extend it. A
# successful login clears the count (the failures must be consecutive).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Logins and logouts are in the audit log (accounts/signals.py); axes keeps only the failures.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every manage.py command (evaluate_list writes CSV)
# axes.W006 asks to lock by address too. Not here: behind the office's proxy every user arrives
# from the proxy's address, so five typos anywhere in the office would lock everyone out.
# (Locking by username cannot be dodged by changing browser or address: axes adds up an
# account's failures from every address.)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Chicago"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve from the finders in demo/tests so that no collectstatic step is needed there.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(BASE_DIR / "media")))

# ISP lists: the upload limit, the zip-bomb limit for .xlsx, the most cells a worksheet may span
# (a spreadsheet library holds that whole rectangle in memory), and how the pipeline batches work.
LIST_UPLOAD_MAX_BYTES = envint("LIST_UPLOAD_MAX_BYTES", 512 * 1024 * 1024)
LIST_MAX_EXPANDED_BYTES = envint("LIST_MAX_EXPANDED_BYTES", 2 * 1024 * 1024 * 1024)
LIST_MAX_CELLS = envint("LIST_MAX_CELLS", 50_000_000)
LIST_STORE_BATCH_ROWS = envint("LIST_STORE_BATCH_ROWS", 5000)
# A CSV list larger than this is read in parts of about this size, by the workers side by side.
LIST_PART_BYTES = envint("LIST_PART_BYTES", 16 * 1024 * 1024)
# A list file at least this large is judged as it is stored, batch by batch, and each row written
# once with its result; only a person whose rows fell in different batches is judged again (most
# lists give a person's rows together). A smaller list is stored, then judged in chunks of people.
LIST_JUDGE_WHILE_STORING_BYTES = envint("LIST_JUDGE_WHILE_STORING_BYTES", 16 * 1024 * 1024)
# A CSV list read in parts with at least this many rows, and at least half as many as the
# convictions stored already, is stored without the indexes whose entries go to random places;
# they are built again, each by one sort, before it is evaluated (eligibility.indexes). 0: never.
LIST_DEFER_INDEXES_ROWS = envint("LIST_DEFER_INDEXES_ROWS", 50_000)
EVALUATION_CHUNK_ROWS = envint("EVALUATION_CHUNK_ROWS", 20000)
# A list still being imported whose counters have not moved for this long is said to have
# stalled (its page offers a restart), and the periodic check restarts it. Reading or evaluating
# moves them every few seconds.
LIST_STALL_MINUTES = envint("LIST_STALL_MINUTES", 10)
# Review: how long a claim on a conviction holds; whether the supervisor who approves a batch
# must have decided none of its convictions (four eyes; a small office may turn it off).
REVIEW_CLAIM_HOURS = envint("REVIEW_CLAIM_HOURS", 8)
BATCH_FOUR_EYES = envbool("BATCH_FOUR_EYES", "True")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body of any page but the two uploads (the list, Exhibit A), which take their
# file's limit on top of it (accounts.middleware: larger bodies get 413 unread); also the most
# form data Django reads from any request besides its files.
REQUEST_MAX_BYTES = envint("REQUEST_MAX_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
# A clerk ticks every conviction of a packet (thousands) in one form: the body's size above bounds
# what is read, not Django's default of 1,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = None

# Celery: with no broker configured, tasks run eagerly in the calling process.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.getenv("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Work is acknowledged when done, not when taken: a task whose pool process dies (killed, out of
# memory) goes back on the queue instead of being dropped as failed, and a message taken by a
# worker that died comes back after the visibility timeout. Every task is idempotent, and an
# import resumes where it stopped. The timeout must exceed the longest task (a CSV list is read in
# parts of LIST_PART_BYTES, seconds each; an .xlsx list in one task, minutes for a statewide list:
# docs/benchmarks.md), or a task still running is sent to a second worker too; the periodic check
# restarts a stalled list sooner.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 30 * 60),
    # The web process sends tasks: a broker that is down must not hold up the request.
    "socket_connect_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = os.getenv("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULE = {
    # Personal data of expunged records must not outlive the retention period.
    "purge-expunged": {"task": "filings.tasks.purge_expunged", "schedule": 6 * 60 * 60},
    # Lists waiting for the workers (the broker was down when they came) or stalled.
    "restart-stalled-lists": {
        "task": "eligibility.tasks.restart_stalled_lists",
        "schedule": 60,
        "options": {"expires": 60},
    },
}

# Days after a granted vacatur before personal data is purged (the agencies' deadline), and days
# an uploaded list file is kept after its import.
RETENTION_DAYS = envint("RETENTION_DAYS", 60)
SOURCE_RETENTION_DAYS = envint("SOURCE_RETENTION_DAYS", 30)

# The office's county (issue 21): the key of its county profile (eligibility/counties.py ships
# cook, will and mchenry). The profile names the court, the office and everything else the papers
# take from the county; an administrator edits it (/policy/county/).
OFFICE_COUNTY = os.getenv("OFFICE_COUNTY", "cook").strip().lower() or "cook"
# Before county profiles the office's names on the papers came from these; an installation that
# set them keeps them: migrate puts them in the first version of its county's profile. Empty: the
# profile's own. The address is its lines separated by "|".
OFFICE_STATE_ATTORNEY = os.getenv("OFFICE_STATE_ATTORNEY", "")
OFFICE_NAME = os.getenv("OFFICE_NAME", "")
OFFICE_ADDRESS = tuple(
    line.strip() for line in os.getenv("OFFICE_ADDRESS", "").split("|") if line.strip()
)
# Processes that render one packet's documents (0: one per CPU).
FILINGS_PACKET_PROCESSES = envint("FILINGS_PACKET_PROCESSES", 0)
if not CELERY_BROKER_URL:
    # With a host: kombu warns "No hostname was supplied" on every task sent without one.
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_RESULT_BACKEND = "cache+memory://"

# Sessions end after 30 minutes without a request (every request pushes the expiry back) and
# when the browser closes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every response by accounts.middleware.SecurityHeadersMiddleware. No inline script or
# style anywhere: htmx is vendored under static/, and its own indicator style is turned off in
# base.html.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
if not DEBUG:
    # Behind the office's TLS proxy, which must set X-Forwarded-Proto (and strip it from clients).
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "True")
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "True")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
