"""Tandem settings: one module, driven by environment variables.

The embedded default needs nothing set: SQLite (WAL) in ``var/`` of the project folder, mail
printed to the console, a secret key generated once into ``var/secret_key``. Production sets
``SITE_URL=https://…``, ``SECRET_KEY`` (or ``SECRET_KEY_FILE``), ``DATABASE_URL`` and
``EMAIL_HOST``; with an https ``SITE_URL`` the secure cookie/HSTS/redirect settings switch on and
``tandem check --deploy`` passes.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tandem.core.env import env_bool, env_int, env_list, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
_checkout = PACKAGE_DIR.parents[1]
PROJECT_DIR = _checkout if (_checkout / "pyproject.toml").exists() else Path.cwd()
DATA_DIR = Path(env_str("TANDEM_DATA_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Tandem")
HTTPS = SITE_URL.startswith("https://")


def _local_secret_key() -> str:
    """A per-installation key kept outside the repository, created on first use."""
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = env_secret("SECRET_KEY") or _local_secret_key()
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
_site_host = SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
if _site_host and _site_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_site_host)
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "tandem.core",
    "tandem.accounts",
    "tandem.audit",
    "tandem.people",
    "tandem.notify",
    "tandem.programs",
    "tandem.matches",
    "tandem.relationships",
    "tandem.insights",
    "tandem.feedback",
    "tandem.ui",
    "tandem.web",
    "tandem.demo",
]

MIDDLEWARE = [
    "tandem.web.health.CountResponses",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tandem.accounts.middleware.SessionTimeoutMiddleware",
    "tandem.web.middleware.PersonTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tandem.web.middleware.NoStoreMiddleware",
    "tandem.web.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "tandem.urls"
FORM_RENDERER = "tandem.ui.forms.TandemFormRenderer"
WSGI_APPLICATION = "tandem.wsgi.application"

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
                "tandem.web.context_processors.navigation",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "tandem.sqlite3"),
            "OPTIONS": {
                # WAL lets the web process read while the worker writes. IMMEDIATE takes the write
                # lock at BEGIN, so two writers wait (busy timeout) instead of failing mid-way.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory: tests start real worker processes that share the database.
            "TEST": {"NAME": str(DATA_DIR / "test-tandem.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth and sessions ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
SESSION_COOKIE_AGE = 60 * 60 * 12  # absolute lifetime
TANDEM_SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 60 * 60 * 3, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

TANDEM_INVITATION_DAYS = env_int("INVITATION_DAYS", 14, minimum=1)
TANDEM_LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
TANDEM_LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20, minimum=1)
TANDEM_LOGIN_WINDOW_SECONDS = env_int("LOGIN_WINDOW_SECONDS", 30 * 60, minimum=60)
TANDEM_TRUST_PROXY_HEADERS = env_bool("TRUST_PROXY_HEADERS", False)
# How many proxies in front of Tandem append to X-Forwarded-For (the client is that many entries
# from the right, so it cannot choose its IP for throttling or the audit log); 1 when
# TRUST_PROXY_HEADERS is on and this is not set. CLIENT_IP_HEADER: a header your proxy sets
# to the client's address instead (e.g. X-Real-IP).
# /metrics answers only with this bearer token (unset: the page does not exist).
TANDEM_METRICS_TOKEN = env_secret("METRICS_TOKEN") or ""
TANDEM_TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", 1 if TANDEM_TRUST_PROXY_HEADERS else 0, minimum=0
)
TANDEM_CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "").strip()

# --- HTTPS and headers ------------------------------------------------------------------------
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if TANDEM_TRUST_PROXY_HEADERS or TANDEM_TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", not HTTPS)
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- mail and notifications -------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <tandem@localhost>")
TANDEM_OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
TANDEM_OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 30, minimum=1)
TANDEM_OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300, minimum=1)

# --- background work --------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- imports ----------------------------------------------------------------------------------
TANDEM_IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
TANDEM_IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 250_000, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "tandem": {"level": env_str("LOG_LEVEL", "INFO"), "propagate": True},
        "django.security": {"level": "WARNING"},
    },
}
