"""Settings for interviewprep, read from the environment.

With nothing set, the app runs on a SQLite file in ./data with DEBUG off. Production
sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and HTTPS=true; see the README.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name, default):
    value = os.environ.get(name) or default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("DATA_DIR") or BASE_DIR / "data")


def local_secret_key():
    """A key made once per data directory, so local runs need no configuration."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        key = secrets.token_urlsafe(50)
        f.write(key)
    return key


DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "template_partials",
    "markup",
    "accounts",
    "themes",
    "stories",
    "coverage",
    "coach",
    "practice",
    "prepsheet",
    "backup",
    "jobs",
    "followups",
    "sharing",
    "loops",
    "storyimport",
    "matcher",
    "mock",
    "recordings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages and fragments for clients that accept gzip, with Django's
    # BREACH mitigation (random bytes in the gzip header). Before every middleware
    # that reads or writes the body, so it compresses the final one; after
    # WhiteNoise, which serves static files precompressed and must not be wrapped.
    "interviewprep.middleware.GZipPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "interviewprep.middleware.PrivatePagesMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSP, so that their responses carry the policy too.
    "interviewprep.middleware.UnstorableQueryMiddleware",
    "interviewprep.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a flagged login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# The load test (bench/loadtest.py) names a file here to have each request that
# holds the database's write lock log how long (interviewprep/writelock.py). First,
# so that it sees the session's save too. Unset, nothing is added.
WRITE_LOCK_LOG = os.environ.get("WRITE_LOCK_LOG", "")
if WRITE_LOCK_LOG:
    MIDDLEWARE.insert(0, "interviewprep.writelock.WriteLockMiddleware")

ROOT_URLCONF = "interviewprep.urls"
WSGI_APPLICATION = "interviewprep.wsgi.application"

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
                # The nav's counts of coverage and of practice due, in one query.
                "coverage.context_processors.nav_counts",
                # The header's job switcher: one query for the user's open jobs.
                "jobs.context_processors.job_switcher",
            ],
            # {% chrome %}: base.html's head, header and footer, rendered by Jinja2.
            "libraries": {"chrome": "interviewprep.chrome"},
        },
    },
    {
        # The second engine, for the hot loops only: interviewprep/jinja2.py says why.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "interviewprep.jinja2.environment"},
    },
]

# Form fields and widgets rendered by Django's own Jinja2 templates for them
# (django/forms/jinja2/): Django's engine took ~0.1 ms an option or widget, 2 ms for
# a 40-theme select (bench).
FORM_RENDERER = "django.forms.renderers.Jinja2"

DATABASE_URL = os.environ.get("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=600, conn_health_checks=True
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside the writer; IMMEDIATE takes the write
                # lock at BEGIN, so two writers queue on busy_timeout instead of one
                # failing with "database is locked" when it upgrades a read lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Long but repetitive (aaaaaaaaaaaa, abababababab) is not on the common list.
    {
        "NAME": "accounts.validators.DistinctCharactersValidator",
        "OPTIONS": {"min_distinct": 5},
    },
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: the axes backend goes first and only refuses locked-out
# credentials; ModelBackend does the authenticating. Five failures for one
# username from one address lock that pair for 15 minutes (a user elsewhere, or
# another account from here, can still log in); a success resets the count.
# Spraying one password across many usernames from one address is stopped by the
# "login" throttle below, which counts failures per address whatever the username.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.throttles.client_ip"

# Throttles on the account forms (accounts/throttles.py), counted by django-ratelimit
# in the "throttles" cache: a table in the database (made by accounts' migration
# 0001), so every gunicorn worker counts in the same place. Not axes, because axes
# has one failure limit for all its parameters and a success from an address would
# wipe that address's count. Each is "attempts/period" for one key:
ACCOUNT_THROTTLES = {
    # Sign-up attempts per address, successful or not: the form must say when a
    # username is taken, so this keeps that answer from being asked in bulk.
    "signup": "10/h",
    # Failed log-ins per address, across all usernames.
    "login": "30/h",
    # Wrong current passwords per user (password change, account deletion): a
    # borrowed session cannot be used to guess the password.
    "password": "5/15m",
    # Password-reset requests per address (each may send an e-mail).
    "password_reset": "5/h",
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttles": {
        "BACKEND": "accounts.cache.CounterCache",
        "LOCATION": "accounts_throttle_counts",
    },
}
RATELIMIT_USE_CACHE = "throttles"
RATELIMIT_IP_META_KEY = "accounts.throttles.client_ip"
# Behind a reverse proxy every request comes from the proxy's address, and all
# clients would share one count: PROXY_COUNT=1 (one proxy that appends to
# X-Forwarded-For, as nginx's $proxy_add_x_forwarded_for does) makes axes and the
# throttles use the address that proxy saw. Left at 0, X-Forwarded-For is ignored,
# since a client can write anything in it.
PROXY_COUNT = envint("PROXY_COUNT", 0)


# E-mail, for password resets: EMAIL_URL=smtp://user:password@host:587?tls=true,
# smtps://user:password@host (TLS from the start, port 465) or console:// (printed
# to the log, for trying it out). Unset, nothing is sent and the reset page tells
# the user to ask the operator, who runs `manage.py changepassword <username>`.
def email_settings(url):
    """Django's EMAIL_* settings from an EMAIL_URL."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps:// or console://, not {url.split(':')[0]!r}"
        )
    ssl = parts.scheme == "smtps"
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if ssl else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": not ssl and query.get("tls", [""])[0].lower() == "true",
        "EMAIL_TIMEOUT": 10,
    }


EMAIL_URL = os.environ.get("EMAIL_URL", "")
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_URL)
if EMAIL_URL:
    globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "interviewprep@localhost")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Every response carries a strict policy: scripts and styles only from files we
# serve, no inline code, no eval (htmx is told the same through its meta config in
# base.html), no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # Recordings: played from our own URLs, and previewed from the recorder's
        # blob before they are kept.
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (recordings) live under the data directory, served only through
# views that check the owner, never from a public MEDIA_URL. Production may point
# "default" at object storage (django-storages' S3 backend, say) instead.
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Behind TLS in production: secure cookies, HSTS and the redirect come on together.
HTTPS = envbool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
