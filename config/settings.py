"""Concord settings: one module, every value from the environment with a safe default.

The embedded default (no environment at all) is a SQLite file in the project folder and Celery
tasks run in-process, so `make run` works on a fresh machine. Production sets DATABASE_URL,
REDIS_URL, DJANGO_SECRET_KEY, DJANGO_DEBUG=false and DJANGO_ALLOWED_HOSTS; see `.env.example`.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

# A development key is only acceptable while DEBUG is on; production must set its own.
_DEV_SECRET_KEY = "django-insecure-concord-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
# The container healthcheck asks http://localhost/healthz/ from inside the container.
if "localhost" not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append("localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The public address, for links in e-mails sent from background work (invitations).
# The public address for links in e-mails. Unset, a link uses the address the request that made
# it came to (`make run` on another PORT, a LAN address), which ALLOWED_HOSTS has vetted.
SITE_URL = os.environ.get("CONCORD_SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's list of security keys
    "django.forms",  # the widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    "research",
    "coding",
    "cases",
    "study",  # last: it spans the other apps
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "research.sessions.AuthenticationMiddleware",
    # After authentication: a signed-in person's own language wins over cookie and browser.
    "research.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # A project that asks for a second factor sends a member without one to set it up
    # (research.access decides; this only turns its answer into a page).
    "research.auth.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
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
                "research.context_processors.concord",
            ],
        },
    }
]

# Form widgets render through the templates above, so that templates/django/forms/ can mark
# the options that name the project's own things (codes, people, documents) translate="no".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'concord.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "research.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "research:project-list"
LOGOUT_REDIRECT_URL = "account_login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed-login throttling: this many failures per e-mail address (and per client address)
# within the window lock further attempts until the window passes (research/auth.py; it
# counts in the database while Redis is down).
LOGIN_FAILURE_LIMIT = int(os.environ.get("CONCORD_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("CONCORD_LOGIN_FAILURE_WINDOW", "900"))

# Sign-in (django-allauth): e-mail and password, second factors, single sign-on, sessions.
# There is no open sign-up: a project owner adds people by e-mail (research.auth adapters).
ACCOUNT_ADAPTER = "research.auth.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "research.auth.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"  # mirrors the e-mail address (research.User)
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses come from project owners and invitation links
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = True  # as before allauth: no "remember me" box
ACCOUNT_FORMS = {"login": "research.forms.LoginForm"}
# Password failures go through Concord's own throttle (above). allauth's default rate limits
# stay for the rest: second-factor codes (5 wrong per account in 5 minutes), password reset
# e-mails, log-in attempts per client address.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# allauth wants a verified address before a second factor is added (against someone who signed
# up with another's address locking them out); Concord has no open sign-up, every account comes
# from a project owner's invitation, and most addresses have no allauth record at all.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = os.environ.get("CONCORD_TOTP_ISSUER", "Concord")
# WebAuthn needs https; a development server on http://localhost is allowed while DEBUG is on.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Every project then asks its members for a second factor (a project can also ask by itself).
REQUIRE_SECOND_FACTOR = env_bool("CONCORD_REQUIRE_2FA", False)
# Sessions are recorded at sign-in; tracking every request would add queries to every page.
USERSESSIONS_TRACK_ACTIVITY = False
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_STORE_TOKENS = False
# A single sign-on account is matched to a Concord account by the e-mail address the identity
# provider says it has VERIFIED (research.auth.SocialAccountAdapter refuses the rest).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
if os.environ.get("CONCORD_OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": os.environ.get("CONCORD_OIDC_PROVIDER_ID", "sso"),
                "name": os.environ.get("CONCORD_OIDC_NAME", "single sign-on"),
                "client_id": os.environ.get("CONCORD_OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("CONCORD_OIDC_CLIENT_SECRET", ""),
                "settings": {
                    "server_url": os.environ["CONCORD_OIDC_SERVER_URL"],
                    "token_auth_method": os.environ.get(
                        "CONCORD_OIDC_TOKEN_AUTH_METHOD", "client_secret_basic"
                    ),
                    "scope": env_list("CONCORD_OIDC_SCOPES", "openid,profile,email"),
                    # Providers that vouch for their institutions' addresses without sending
                    # `email_verified` (Feide): addresses in these domains count as verified.
                    "verified_email": env_list("CONCORD_OIDC_VERIFIED_EMAIL_DOMAINS"),
                },
            }
        ],
    }
INVITATION_DAYS = 14
# The audit trail keeps entries this many days (default three years); `manage.py audit_prune`
# and the daily beat task delete older ones.
AUDIT_RETENTION_DAYS = int(os.environ.get("CONCORD_AUDIT_RETENTION_DAYS", str(3 * 365)))

LANGUAGE_CODE = "en"
# Each person picks a language on their profile or from the switcher on every page; until they
# do, the browser's Accept-Language decides (LocaleMiddleware). Catalogues live in each app's
# locale/ and, for the templates, in locale/ (`make messages`, `make compilemessages`).
LANGUAGES = [("en", "English"), ("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk")]
# locale_allauth: Nynorsk for django-allauth's own strings (it ships Bokmål, not Nynorsk).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development WhiteNoise serves straight from static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Uploads: the per-file limit researchers see in messages; Django's in-memory limit stays small
# so large files stream to disk.
UPLOAD_MAX_BYTES = int(os.environ.get("CONCORD_UPLOAD_MAX_MB", "50")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = int(os.environ.get("CONCORD_UPLOAD_MAX_FILES", "200"))

# Redis serves Celery and the cache when configured; otherwise everything runs in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Sign-in counts attempts in the cache: while Redis is down it falls back to a per-process
    # memory (with a logged warning) rather than answering 500.
    CACHES = {"default": {"BACKEND": "research.cache.FailSafeRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Pages poll the Job row, never Celery's result backend, and agreement runs keep their parts in
# the database: no task stores a result.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CONCORD_JOB_QUEUE", "concord")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged message after this; it must exceed the longest job. A
# worker that died is noticed sooner, by its jobs' heartbeats (below).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}

# Jobs (research/jobs.py): the Job row is the truth and the broker only a doorbell.
# Hard limit per job (seconds); the sweep fails rows running longer than this.
JOB_TIME_LIMIT_SECONDS = int(os.environ.get("CONCORD_JOB_TIME_LIMIT", "1800"))
# How often the periodic sweep (Celery beat) runs.
JOB_SWEEP_SECONDS = float(os.environ.get("CONCORD_JOB_SWEEP_SECONDS", "15"))
# A queued job nobody picked up within this is sent again (the broker lost it or was down).
JOB_RESEND_AFTER_SECONDS = int(os.environ.get("CONCORD_JOB_RESEND_AFTER_SECONDS", "45"))
# ... and again at doubling intervals while it waits, never more than this apart.
JOB_RESEND_MAX_SECONDS = int(os.environ.get("CONCORD_JOB_RESEND_MAX_SECONDS", "600"))
# A running job's worker touches its row this often; a row not touched for the second number
# of seconds lost its worker and is retried (kinds safe to repeat, up to JOB_MAX_ATTEMPTS
# attempts in all) or failed.
JOB_HEARTBEAT_SECONDS = float(os.environ.get("CONCORD_JOB_HEARTBEAT_SECONDS", "10"))
JOB_HEARTBEAT_STALE_SECONDS = int(os.environ.get("CONCORD_JOB_HEARTBEAT_STALE_SECONDS", "60"))
JOB_MAX_ATTEMPTS = int(os.environ.get("CONCORD_JOB_MAX_ATTEMPTS", "3"))
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "research.jobs_sweep", "schedule": JOB_SWEEP_SECONDS},
    "prune-audit-trail": {"task": "research.audit_prune", "schedule": 24 * 60 * 60},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("DJANGO_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Concord <concord@localhost>")

# A strict Content-Security-Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's database sessions, read with one written-out statement per request.
SESSION_ENGINE = "research.sessions"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=true.
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
