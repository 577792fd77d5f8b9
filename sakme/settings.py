"""The one settings module of sakme, driven by environment variables (12-factor).

DATABASE_URL     sqlite:///var/sakme.sqlite3 (default) or postgres://...
SAKME_DEBUG      1 in development and the demo
SAKME_SECRET_KEY required when SAKME_DEBUG is off; the demo keeps a random one under var/
SAKME_DEMO       1 relaxes two-factor enforcement (and says so on the login page)

Production means SAKME_DEBUG and SAKME_DEMO both off: sakme then sits behind a TLS-terminating reverse proxy
(docs/deploy.md), and these default to what that needs (the development server and the demo, plain http on
127.0.0.1, default to off):
SAKME_ALLOWED_HOSTS             host names served, comma-separated (127.0.0.1,localhost,testserver)
SAKME_CSRF_TRUSTED_ORIGINS      e.g. https://sakme.example.ge when the proxy's origin differs from the host
SAKME_SSL_REDIRECT              1: plain-http requests are redirected to https (/health excepted)
SAKME_HSTS_SECONDS              Strict-Transport-Security max-age (31536000, a year; 0 sends none)
SAKME_HSTS_INCLUDE_SUBDOMAINS   1: the header covers subdomains as well
SAKME_HSTS_PRELOAD              1: the header allows browsers' preload lists (submitting the domain is a choice)
SAKME_PROXY_SSL_HEADER          1: trust X-Forwarded-Proto: https from the proxy (it must overwrite the header)
SAKME_USE_X_FORWARDED_HOST      1: trust X-Forwarded-Host from the proxy
SAKME_PROXY_COUNT               proxies in front that append to X-Forwarded-For (1): the sign-in lockout keys on the
                                address the outermost one saw, not on the proxy's (0: REMOTE_ADDR)
Everywhere:
SAKME_SESSION_IDLE_MINUTES      a signed-in session ends after this long without a request (30)
SAKME_SESSION_MAX_HOURS         and this long after signing in, whatever the activity (10)
SAKME_MAX_UPLOAD_MB             the largest upload taken (512; a 1,000,000-person export is about 234 MB)
SAKME_LOCKOUT_FAILURES          failed sign-ins for a user name from an address before a 15-minute lockout (5)
SAKME_LOG_LEVEL                 WARNING
SAKME_KEYRING                   the keyring sealing personal numbers (var/keyring.json; `sakme keys init`)
SAKME_EXPORT_MAX_ROWS           the most rows an export holds (10000)
SAKME_EXPORT_HOURS              how long an export's file stays (24)
SAKME_EMERGENCY_ACCESS_HOURS    how long a person opened outside one's units stays open (4)
SAKME_API_TOKEN_DAYS            an API token's life when none is asked (90); SAKME_API_TOKEN_MAX_DAYS the most (365)
SAKME_API_TOKEN_OTP_HOURS       the most for roles that use a second factor (24)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SAKME_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("SAKME_DEBUG")
DEMO = _flag("SAKME_DEMO")
# The test suite talks plain http and reads static files from the apps' folders, as development does (pytest
# imports these settings before conftest.py could set SAKME_DEBUG). A test of production's settings imports them
# in a child process without PYTEST_VERSION.
TESTING = "PYTEST_VERSION" in os.environ
PRODUCTION = not (DEBUG or DEMO or TESTING)


def _secret_key() -> str:
    key = os.environ.get("SAKME_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:  # `sakme` says this in one line; the web processes stop with it
        raise ImproperlyConfigured("Set SAKME_SECRET_KEY (or SAKME_DEBUG=1 for development).")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("SAKME_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SAKME_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "sakme.common",
    "sakme.accounts",
    "sakme.audit",
    "sakme.geo",
    "sakme.registry",
    "sakme.linkage",
    "sakme.employment",
    "sakme.assistance",
    "sakme.casework",
    "sakme.exports",
    "sakme.matching",
    "sakme.outreach",
    "sakme.surveys",
    "sakme.indicators",
    "sakme.retention",
    "sakme.api",
    "sakme.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sakme.common.middleware.ResponseHeaders",  # no-store on personal data, Permissions-Policy (static files skip it)
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sakme.common.middleware.BodySizeLimit",  # before anything reads the body (CSRF's check reads the form)
    "sakme.accounts.middleware.RequireLoginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sakme.accounts.session_limits.SessionLimits",  # after messages: it says why the session ended
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "sakme.common.middleware.DomainErrorMiddleware",
    "sakme.api.guards.NulGuard",
]

ROOT_URLCONF = "sakme.urls"
WSGI_APPLICATION = "sakme.wsgi.application"
ASGI_APPLICATION = "sakme.asgi.application"

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
                "django.template.context_processors.i18n",
                "sakme.accounts.context.site",
                "sakme.exports.context.exports",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sakme.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while pages read; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not memory, so that a second process (the import that is killed) sees the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# Lockout keyed by user name and address together: one attacker cannot lock a whole office behind NAT.
AXES_FAILURE_LIMIT = int(os.environ.get("SAKME_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sakme.accounts.views.locked_out"
AXES_VERBOSE = False
# Behind the reverse proxy REMOTE_ADDR is the proxy's address: keyed on it, one attacker would lock out everyone.
# The address is the one the outermost of SAKME_PROXY_COUNT proxies saw (X-Forwarded-For, counted from the right,
# so a forged entry a client sends itself is never taken). axes uses django-ipware for this when it is installed;
# it is not a dependency, so the callable does the same with the same two settings (kept for an installation
# that adds ipware).
PROXY_COUNT = int(os.environ.get("SAKME_PROXY_COUNT", "1" if PRODUCTION else "0"))
AXES_CLIENT_IP_CALLABLE = "sakme.common.middleware.client_ip"
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)

OTP_TOTP_ISSUER = "sakme"

LANGUAGE_CODE = "ka"
LANGUAGES = [("ka", _("Georgian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tbilisi"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
# Development serves static files from the apps' folders as they are; elsewhere (the demo, production) whitenoise
# serves what `sakme collectstatic` wrote to STATIC_ROOT, under names with their hash (cached for a year) and
# compressed. The demo's `serve` collects them itself.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if WHITENOISE_USE_FINDERS
                    else "sakme.common.staticfiles.CompressedManifestStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to disk
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # a body that is not a file upload (a form, JSON)
# A file upload (multipart) larger than this is refused (413, code too_large) before it is read; other bodies at
# DATA_UPLOAD_MAX_MEMORY_SIZE (sakme.common.middleware.BodySizeLimit). The proxy should allow as much (deploy.md).
SAKME_MAX_UPLOAD_MB = int(os.environ.get("SAKME_MAX_UPLOAD_MB", "512"))

# A signed-in session ends after SAKME_SESSION_IDLE_MINUTES without a request and SAKME_SESSION_MAX_HOURS after
# signing in (sakme.accounts.session_limits); the cookie lives no longer than the latter.
SAKME_SESSION_IDLE_SECONDS = int(os.environ.get("SAKME_SESSION_IDLE_MINUTES", "30")) * 60
SAKME_SESSION_MAX_SECONDS = int(float(os.environ.get("SAKME_SESSION_MAX_HOURS", "10")) * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = SAKME_SESSION_MAX_SECONDS
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page meta tag, not the cookie
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION  # the demo is plain http on 127.0.0.1
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# TLS ends at the reverse proxy (docs/deploy.md); see the module's docstring for each variable.
SECURE_SSL_REDIRECT = _flag("SAKME_SSL_REDIRECT", "1" if PRODUCTION else "0")
SECURE_REDIRECT_EXEMPT = [r"^health$"]  # the proxy's and the monitor's probe may come over plain http
SECURE_HSTS_SECONDS = int(os.environ.get("SAKME_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SAKME_HSTS_INCLUDE_SUBDOMAINS", "1" if PRODUCTION else "0")
SECURE_HSTS_PRELOAD = _flag("SAKME_HSTS_PRELOAD", "1" if PRODUCTION else "0")
SECURE_PROXY_SSL_HEADER = (("HTTP_X_FORWARDED_PROTO", "https")
                           if _flag("SAKME_PROXY_SSL_HEADER", "1" if PRODUCTION else "0") else None)
USE_X_FORWARDED_HOST = _flag("SAKME_USE_X_FORWARDED_HOST", "1" if PRODUCTION else "0")
# Features no page of sakme uses, refused to the page and to anything embedded in it.
SAKME_PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "idle-detection", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SAKME_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAKME_LOG_LEVEL", "WARNING")},
}

# Staff in these roles must use two-factor authentication (TOTP); the demo relaxes it and says so.
SAKME_OTP_REQUIRED_ROLES = ["administrator", "data_steward", "analyst", "data_protection_officer"]
SAKME_IMPORT_DIR = VAR_DIR / "imports"

# Keys that seal personal numbers at rest live outside the database: a JSON keyring file (0600) made by
# `sakme keys init` (the demo and tests make one under var/); `sakme keys rotate` adds a key and re-seals.
SAKME_KEYRING = Path(os.environ.get("SAKME_KEYRING", VAR_DIR / "keyring.json"))
SAKME_EXPORT_MAX_ROWS = int(os.environ.get("SAKME_EXPORT_MAX_ROWS", "10000"))
SAKME_EXPORT_HOURS = float(os.environ.get("SAKME_EXPORT_HOURS", "24"))
SAKME_EMERGENCY_ACCESS_HOURS = float(os.environ.get("SAKME_EMERGENCY_ACCESS_HOURS", "4"))
SAKME_API_TOKEN_DAYS = int(os.environ.get("SAKME_API_TOKEN_DAYS", "90"))
SAKME_API_TOKEN_MAX_DAYS = int(os.environ.get("SAKME_API_TOKEN_MAX_DAYS", "365"))
SAKME_API_TOKEN_OTP_HOURS = int(os.environ.get("SAKME_API_TOKEN_OTP_HOURS", "24"))
