"""Tandem settings: one module, driven by environment variables.

The embedded default needs nothing set: SQLite (WAL) in ``var/`` of the project folder, mail
printed to the console, a secret key generated once into ``var/secret_key``. Production sets
``SITE_URL=https://…``, ``SECRET_KEY`` (or ``SECRET_KEY_FILE``), ``DATABASE_URL`` and
``EMAIL_HOST``; with an https ``SITE_URL`` the secure cookie/HSTS/redirect settings switch on and
``tandem check --deploy`` passes.
"""

from __future__ import annotations

import os
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


def private_data_dir(path: Path) -> Path:
    """Create ``path`` readable by this account only (0700): it holds the database, its WAL and
    the secret key. An existing directory is tightened when we own it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 if missing (SQLite then gives its -wal and -shm files
    the same mode), and tighten it when it exists and we own it."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.stat().st_uid == os.getuid():
        path.chmod(0o600)
    return path


def _local_secret_key() -> str:
    """A per-installation key kept outside the repository, created on first use."""
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    private_data_dir(DATA_DIR)
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
    "tandem.sso",
    "tandem.scim",
    "tandem.notify",
    "tandem.programs",
    "tandem.learning",
    "tandem.matches",
    "tandem.relationships",
    "tandem.insights",
    "tandem.feedback",
    "tandem.community",
    "tandem.integrations",
    "tandem.ui",
    "tandem.web",
    "tandem.demo",
]

MIDDLEWARE = [
    "tandem.core.logs.RequestLogMiddleware",
    "tandem.web.health.CountResponses",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tandem.core.replica.RecentWriteMiddleware",  # read-your-writes; idle without a replica
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
    private_data_dir(DATA_DIR)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(private_file(DATA_DIR / "tandem.sqlite3")),
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
# An optional read replica for insights and exports (docs/scaling.md, step 3): its own alias,
# reached only through tandem.core.replica (never written to, never migrated).
_replica_url = env_str("DATABASE_REPLICA_URL")
if _replica_url:
    if not _database_url:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL (the primary) too.")
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["tandem.core.replica.ReplicaRouter"]
# After a person changes something, their reads stay on the primary this long (read-your-writes).
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 30, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth and sessions ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["tandem.accounts.backends.PasswordBackend"]
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

# --- single sign-on (OIDC, SAML) and SCIM provisioning ------------------------------------------
# OpenID Connect: discovery from the issuer; the redirect URI is SITE_URL/sso/oidc/callback/.
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env_secret("OIDC_CLIENT_SECRET") or ""
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your company account")
# SAML 2.0: the IdP's metadata from a URL or a file; SP metadata at SITE_URL/sso/saml/metadata/.
SAML_IDP_METADATA_URL = env_str("SAML_IDP_METADATA_URL")
SAML_IDP_METADATA_FILE = env_str("SAML_IDP_METADATA_FILE")
SAML_SP_ENTITY_ID = env_str("SAML_SP_ENTITY_ID") or f"{SITE_URL}/sso/saml/metadata/"
SAML_PROVIDER_NAME = env_str("SAML_PROVIDER_NAME", "SAML single sign-on")
SAML_GROUPS_ATTRIBUTE = env_str("SAML_GROUPS_ATTRIBUTE", "groups")
SAML_EMAIL_ATTRIBUTE = env_str("SAML_EMAIL_ATTRIBUTE", "email")
SAML_NAME_ATTRIBUTE = env_str("SAML_NAME_ATTRIBUTE", "name")
SAML_XMLSEC_BINARY = env_str("SAML_XMLSEC_BINARY", "/usr/bin/xmlsec1")
# Roles follow the identity provider's groups at every sign-in and on SCIM group changes.
TANDEM_SSO_ADMIN_GROUPS = env_list("OIDC_ADMIN_GROUPS")
TANDEM_SSO_COORDINATOR_GROUPS = env_list("OIDC_COORDINATOR_GROUPS")
# People unknown to the directory are created on first sign-in only when this is on.
TANDEM_SSO_CREATE_USERS = env_bool("SSO_CREATE_USERS", False)
# Passwords off for everyone but the break-glass admins.
TANDEM_SSO_ONLY = env_bool("SSO_ONLY", False)
TANDEM_SSO_BREAK_GLASS_EMAILS = [e.lower() for e in env_list("SSO_BREAK_GLASS_EMAILS")]
TANDEM_SSO_HTTP_TIMEOUT = env_int("SSO_HTTP_TIMEOUT", 10, minimum=1)
if TANDEM_SSO_ONLY and not (OIDC_ISSUER or SAML_IDP_METADATA_URL or SAML_IDP_METADATA_FILE):
    raise ImproperlyConfigured("SSO_ONLY=1 needs OIDC_ISSUER or SAML_IDP_METADATA_URL/_FILE.")

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

# --- Slack (an internal app per organisation; README "Slack set-up") --------------------------
SLACK_BOT_TOKEN = env_secret("SLACK_BOT_TOKEN") or ""  # xoxb-…, the bot's Web API token
SLACK_SIGNING_SECRET = env_secret("SLACK_SIGNING_SECRET") or ""  # verifies HTTP request signatures
SLACK_APP_TOKEN = env_secret("SLACK_APP_TOKEN") or ""  # xapp-…, only for Socket Mode
SLACK_API_URL = env_str("SLACK_API_URL", "https://slack.com/api/").rstrip("/") + "/"
if not SLACK_API_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SLACK_API_URL={SLACK_API_URL!r} must be an http(s) URL.")
SLACK_LOOKUP_MAX_AGE_DAYS = env_int("SLACK_LOOKUP_MAX_AGE_DAYS", 7, minimum=1)

# --- Microsoft Teams (a single-tenant bot + Graph application permissions; README "Teams set-up")
TEAMS_APP_ID = env_str("TEAMS_APP_ID")  # the Entra app (client) id, also the bot id
TEAMS_APP_PASSWORD = env_secret("TEAMS_APP_PASSWORD") or ""  # its client secret
# Or a certificate instead of the secret: a PEM file holding the private key and the certificate
# uploaded under the app's Certificates & secrets (used for a signed client assertion).
TEAMS_APP_CERTIFICATE_PATH = env_str("TEAMS_APP_CERTIFICATE_PATH")
TEAMS_TENANT_ID = env_str("TEAMS_TENANT_ID")  # the organisation's Entra tenant (directory) id
# Where the Bot Framework publishes the keys that sign its requests (sovereign clouds, tests).
TEAMS_OPENID_CONFIG_URL = env_str(
    "TEAMS_OPENID_CONFIG_URL",
    "https://login.botframework.com/v1/.well-known/openidconfiguration",
)
TEAMS_TOKEN_ISSUER = env_str("TEAMS_TOKEN_ISSUER", "https://api.botframework.com")
# The client-credentials token endpoint; empty = Entra's own for TEAMS_TENANT_ID.
TEAMS_TOKEN_URL = env_str("TEAMS_TOKEN_URL")
GRAPH_API_URL = env_str("GRAPH_API_URL", "https://graph.microsoft.com/v1.0").rstrip("/")
# The Bot Connector used to reach someone before they ever wrote to the bot (Teams' global one).
TEAMS_SERVICE_URL = env_str("TEAMS_SERVICE_URL", "https://smba.trafficmanager.net/teams/")
TEAMS_LOOKUP_MAX_AGE_DAYS = env_int("TEAMS_LOOKUP_MAX_AGE_DAYS", 7, minimum=1)
for _name, _url in (
    ("TEAMS_OPENID_CONFIG_URL", TEAMS_OPENID_CONFIG_URL),
    ("GRAPH_API_URL", GRAPH_API_URL),
    ("TEAMS_SERVICE_URL", TEAMS_SERVICE_URL),
    ("TEAMS_TOKEN_URL", TEAMS_TOKEN_URL or "https://"),
):
    if not _url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{_name}={_url!r} must be an http(s) URL.")

# --- background work --------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A periodic job's runner refreshes a heartbeat every quarter of this; when the heartbeat is
# older (the runner was killed), the next runner takes the job over for the same due time.
TANDEM_PERIODIC_LEASE_SECONDS = env_int("PERIODIC_LEASE_SECONDS", 600, minimum=2)

# --- imports ----------------------------------------------------------------------------------
# Anonymity floors for survey results (docs/privacy.md): a site may raise them, never lower.
TANDEM_MIN_K_SCORES = env_int("MIN_K_SCORES", 5, minimum=5)
TANDEM_MIN_K_COMMENTS = env_int("MIN_K_COMMENTS", 10, minimum=10)
# Data rights (docs/privacy.md): a requested erasure happens by itself after this many days
# unless an admin carries it out sooner; self-service exports per person per hour.
TANDEM_ERASURE_GRACE_DAYS = env_int("ERASURE_GRACE_DAYS", 30, minimum=0)
TANDEM_EXPORTS_PER_HOUR = env_int("EXPORTS_PER_HOUR", 5, minimum=1)
TANDEM_IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
TANDEM_IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 250_000, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- the resource library (tandem.learning) ---------------------------------------------------
# Uploaded files live under MEDIA_ROOT/library (0600), so `tandem backup` carries them.
MEDIA_ROOT = Path(env_str("MEDIA_DIR", str(DATA_DIR / "media")))
TANDEM_LIBRARY_MAX_BYTES = env_int("LIBRARY_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# LOG_FORMAT=json: one JSON object per line (time, level, logger, message; for requests also
# request_id, method, route, path, status, duration_ms, user_id) — see tandem.core.logs.
LOG_FORMAT = env_str("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "tandem.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "tandem": {"level": env_str("LOG_LEVEL", "INFO"), "propagate": True},
        # a line per request for log collectors; the plain console has gunicorn's access log
        "tandem.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
        "django.security": {"level": "WARNING"},
    },
}
