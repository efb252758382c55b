"""GWD settings: one module, driven by the environment.

With no environment at all GWD runs on its embedded defaults (SQLite, the in-memory
channel layer, a private local directory for files, e-mail to the console). Each
integration switches on when its variable is set; README.md lists every variable.
"""

import re
from datetime import date
from pathlib import Path
from typing import Literal

import environ
import limits
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from gwd.env import env_bool, env_int, env_list, env_mailer, env_origins, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GWD_VAR_DIR", str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = "gwd-insecure-development-key-only-for-debug-mode"
elif len(SECRET_KEY) < 50 and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks_db",
    "gwd",
    "groups",
    "meetings",
    "resources",
    "decisions",
    "indicators",
    "search",
]

MIDDLEWARE = [
    "gwd.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gwd.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "gwd.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "gwd.urls"
ASGI_APPLICATION = "gwd.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gwd.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------

DATABASE_URL = env_url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'gwd.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
_database = environ.Env.db_url_config(DATABASE_URL)
if _database["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's pool keeps connections warm across requests and consumers; Django
    # requires CONN_MAX_AGE 0 with it.
    _database.setdefault("OPTIONS", {})
    if env_bool("DATABASE_POOL", True):
        _database["OPTIONS"]["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 2, minimum=0),
            "max_size": env_int("DATABASE_POOL_MAX", 20, minimum=1),
            "timeout": 10,
        }
        _database["CONN_MAX_AGE"] = 0
    else:
        _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    _database["CONN_HEALTH_CHECKS"] = True
    # Parameters sent apart from the statement, and a statement a connection has run
    # five times prepared: PostgreSQL parses it once per connection, and plans it once
    # where a generic plan serves. Measured on the benchmark's data (docs/performance.md,
    # 2026-12-03): the 404 page's database CPU 0.72 → 0.44 ms, a search's 18.0 → 16.3
    # and 27.3 → 25.5 ms. A pooler in transaction mode that cannot keep prepared
    # statements needs this off.
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        _database["OPTIONS"]["server_side_binding"] = True
        _database["OPTIONS"]["prepare_threshold"] = 5
else:
    if _database["NAME"] not in ("", ":memory:"):
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _database.setdefault("OPTIONS", {})
    # WAL lets the websocket workers read while a request writes.
    _database["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Kept open between socket actions and requests: opening a SQLite file (and its WAL
    # pragma) for every action was a tenth of a busy daphne's time.
    _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache -----------------------------------------------

REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
# Addresses (or networks) that see /healthz's details; everyone else sees only "ok".
HEALTHZ_DETAIL_FROM = env_list("HEALTHZ_DETAIL_FROM", ["127.0.0.1/8", "::1"])
CACHE_PREFIX = env_str("CACHE_PREFIX", "gwd")
CHANNEL_CAPACITY = env_int("CHANNEL_CAPACITY", 1000, minimum=100)

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # The default pool refuses connections when hundreds of sockets
                # connect at once; size it for a large group coming online together.
                # redis-py 8 gives every read a 5 s timeout, the same as channels-redis'
                # blocking receive: idle sockets then die with TimeoutError. Reads wait
                # longer than the receive.
                # After a Redis restart pooled connections are dead: check idle ones
                # before use and retry a command once the connection is renewed.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "max_connections": 1000,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 5,
                        "health_check_interval": 10,
                        "retry": Retry(ExponentialBackoff(cap=1, base=0.05), 3),
                        "retry_on_error": [RedisConnectionError],
                    }
                ],
                "capacity": CHANNEL_CAPACITY,
                "expiry": 60,
                "group_expiry": 86400,
                "prefix": env_str("CHANNEL_PREFIX", "gwd"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY},
        }
    }
    # A real cache even without Redis: allauth's login rate limits count in it.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Discussions: limits a member's client cannot talk its way around.
MESSAGE_MAX_LENGTH = env_int("MESSAGE_MAX_LENGTH", 10_000, minimum=100)
MESSAGE_RATE = env_str("MESSAGE_RATE", "8/10seconds")
try:
    limits.parse(MESSAGE_RATE)
except ValueError:
    raise ImproperlyConfigured(
        f"MESSAGE_RATE={MESSAGE_RATE!r} is not a rate; write it like 8/10seconds."
    ) from None
WEBSOCKET_MAX_FRAME = env_int("WEBSOCKET_MAX_FRAME", 64 * 1024, minimum=1024)
# Frames one socket may send in 10 s before it is told to slow down (twice that: closed).
WEBSOCKET_FLOOD_FRAMES = env_int("WEBSOCKET_FLOOD_FRAMES", 30, minimum=5)
RESUME_LIMIT = env_int("RESUME_LIMIT", 500, minimum=10)
HEARTBEAT_SECONDS = env_int("HEARTBEAT_SECONDS", 25, minimum=1)

# --- Files ------------------------------------------------------------------------

PRIVATE_FILES_ROOT = Path(env_str("PRIVATE_FILES_ROOT", str(VAR_DIR / "files")))
S3_BUCKET = env_str("S3_BUCKET")
S3_PRESIGNED_URL_SECONDS = env_int("S3_PRESIGNED_URL_SECONDS", 300, minimum=10, maximum=300)

if S3_BUCKET:
    _files_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION", "eu-central-1"),
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            # Objects stay private: no ACLs, access only through presigned URLs.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": S3_PRESIGNED_URL_SECONDS,
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "auto"),
            # Reading a stored file (text extraction, a template's copy) first downloads
            # it; past 2 MB that copy goes to a temporary file, not into memory (the
            # default, 0, keeps all of it in memory).
            "max_memory_size": 2 * 1024 * 1024,
            # boto3's transfers run 10 threads with 8 MB buffers each, and every thread
            # leaves its memory arena behind: a 200 MB file read back for its text grew a
            # process by 50 MB. One part at a time is fast enough for one file.
            "use_threads": False,
        },
    }
else:
    _files_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: these files are never served as public media.
        "OPTIONS": {"location": PRIVATE_FILES_ROOT, "base_url": None},
    }

# With nginx in front and documents on the local disk: the URL prefix of nginx's
# internal location for PRIVATE_FILES_ROOT (deploy/nginx/gwd.conf), e.g. /_files/. GWD
# checks access and answers with X-Accel-Redirect; nginx sends the file. (daphne cannot
# slow a download to the client's pace: what a slow client has not taken yet waits in
# daphne's memory unless a buffering proxy takes it first.)
FILES_ACCEL_REDIRECT = env_str("FILES_ACCEL_REDIRECT")
if FILES_ACCEL_REDIRECT and not (
    FILES_ACCEL_REDIRECT.startswith("/") and FILES_ACCEL_REDIRECT.endswith("/")
):
    raise ImproperlyConfigured(
        f"FILES_ACCEL_REDIRECT={FILES_ACCEL_REDIRECT!r} must be a path that starts and "
        "ends with a slash, like /_files/."
    )

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": _files_storage,
    "staticfiles": {
        "BACKEND": "gwd.storage.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Requests served at once by one server process: each runs its middleware, view and
# template on one of these threads (gwd.handlers). Each holds a database connection
# while it runs, so keep this below DATABASE_POOL_MAX.
HTTP_THREADS = env_int("HTTP_THREADS", 8, minimum=1, maximum=64)
SERVESTATIC_AUTOREFRESH = DEBUG
SERVESTATIC_USE_MANIFEST = not DEBUG
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 50, minimum=1, maximum=2048) * 1024 * 1024
# The library's upload page sends files in chunks of this size to an upload session
# (daphne holds a whole request body in memory, so bodies must stay small); S3 multipart
# uploads need parts of at least 5 MB. Unfinished sessions wait in UPLOAD_STAGING_DIR
# (with S3: in the bucket, as multipart uploads) and are purged a day after their last
# chunk.
UPLOAD_CHUNK_BYTES = env_int("UPLOAD_CHUNK_MB", 5, minimum=5, maximum=64) * 1024 * 1024
UPLOAD_STAGING_DIR = VAR_DIR / "uploads"
# Uploads over 2 MB go to a temporary file, never whole into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------

MAILERS = {"default": env_mailer("EMAIL_URL")}
if DEBUG and not env_str("EMAIL_URL"):
    # Developing without a mail server: each e-mail goes to a file under var/mail and the
    # log names it in one line (the console printed whole digests at every start).
    MAILERS["default"] = {
        "BACKEND": "gwd.logs.LoggedFileEmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
# The address people reach GWD at, for links in e-mail sent outside a request.
SITE_URL = env_url(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else "https://gwd.localhost",
    schemes=("http", "https"),
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "GWD <no-reply@gwd.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Background tasks -------------------------------------------------------------

TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in ("immediate", "database"):
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is unknown; use 'immediate' or 'database'."
    )
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django.tasks.backends.immediate.ImmediateBackend"
    },
    # Work that must wait for its time (meeting reminders), or must not hold a request
    # (reading the text inside uploaded files), always goes through the database and its
    # worker (`manage.py db_worker`, started by `make run`).
    "reminders": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# --- Accounts ---------------------------------------------------------------------

AUTH_USER_MODEL = "groups.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "groups.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "groups.forms.SignupProfileForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[GWD] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 600
LOGIN_ATTEMPTS_LIMIT = env_int("LOGIN_ATTEMPTS_LIMIT", 5, minimum=1)
LOGIN_ATTEMPTS_TIMEOUT = env_int("LOGIN_ATTEMPTS_TIMEOUT", 15 * 60, minimum=60)
# After LOGIN_ATTEMPTS_LIMIT failures on one e-mail address within the timeout, that
# account is locked out of password login until the window passes; one address may
# also fail at most 20 times a minute in all. LOGIN_RATE bounds every sign-in from one
# address (allauth's default): the browser tests raise it, they all come from 127.0.0.1.
LOGIN_RATE = env_str("LOGIN_RATE", "30/m/ip")
if not re.fullmatch(r"\d+/\d*[smhd]/(ip|key|user)(,\d+/\d*[smhd]/(ip|key|user))*", LOGIN_RATE):
    raise ImproperlyConfigured(f"LOGIN_RATE={LOGIN_RATE!r} is not a rate; write it like 30/m/ip.")
ACCOUNT_RATE_LIMITS = {
    "login": LOGIN_RATE,
    "login_failed": f"20/m/ip,{LOGIN_ATTEMPTS_LIMIT}/{LOGIN_ATTEMPTS_TIMEOUT}s/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "GWD"
MFA_RECOVERY_CODE_COUNT = 10

# Client addresses for rate limits: behind N reverse proxies, the N-th address from
# the right of X-Forwarded-For is the client.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)

SESSION_COOKIE_AGE = 14 * 24 * 3600

# --- Languages and time -----------------------------------------------------------

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE: Literal["Lax", "Strict", "None", False] | None = "Lax"
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

# --- Security ---------------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Logging ----------------------------------------------------------------------

LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is unknown; use 'text' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "gwd.logs.RequestIdFilter"},
        "client_error": {"()": "gwd.logs.ClientErrorFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "gwd.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # Django's own console handler (with DEBUG) printed every line a second time
        # beside the root's; its errors still go to the admins.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        # A 403 or 404 is the visitor's mistake, not GWD's: one line, no traceback.
        "django.request": {"filters": ["client_error"]},
        "django.db.backends": {"level": "INFO"},
        # django.tasks brings its own handler; one line per task state is enough.
        "django.tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint narrates each step of each PDF (and of its own style sheets at
        # import, on every start); its warnings and errors still come through.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # pymorphy3 announces its dictionary each time a process first lemmatises.
        "pymorphy3": {"level": "WARNING"},
    },
}

ADMINS = [("GWD", a) for a in env_list("ADMIN_EMAILS", [])]
GWD_SITE_NAME = "GWD"

# --- Who runs GWD ---------------------------------------------------------------------
# The privacy notice and the accessibility statement name the operator and how to reach
# them. The defaults describe the demonstration; a deployment sets the real contacts.
GWD_OPERATOR_NAME = env_str("GWD_OPERATOR_NAME", "Związek Miast Polskich")
GWD_OPERATOR_ADDRESS = env_str("GWD_OPERATOR_ADDRESS", "ul. Robocza 42, 61-517 Poznań")
GWD_CONTACT_EMAIL = env_str("GWD_CONTACT_EMAIL", "gwd@gwd.example")
GWD_CONTACT_PHONE = env_str("GWD_CONTACT_PHONE", "+48 61 000 00 00")
GWD_PRIVACY_OFFICER_EMAIL = env_str("GWD_PRIVACY_OFFICER_EMAIL", "iod@gwd.example")
# Who answers requests about accessibility: a person or a team.
GWD_ACCESSIBILITY_CONTACT = env_str("GWD_ACCESSIBILITY_CONTACT", "Zespół GWD")
# How long the server's request logs are kept (the log rotation), for the privacy notice.
GWD_LOG_RETENTION_DAYS = env_int("GWD_LOG_RETENTION_DAYS", 30, minimum=1)
try:
    GWD_PUBLISHED_ON = date.fromisoformat(env_str("GWD_PUBLISHED_ON", "2026-12-01"))
    GWD_STATEMENT_UPDATED_ON = date.fromisoformat(env_str("GWD_STATEMENT_UPDATED_ON", "2026-12-01"))
except ValueError as error:
    raise ImproperlyConfigured(f"GWD_PUBLISHED_ON, GWD_STATEMENT_UPDATED_ON: {error}") from error

# --- Request bodies ---------------------------------------------------------------
# gwd/server.py (how GWD runs daphne) answers 413 to a body over its URL's limit and
# throws the bytes away, so that nothing is stored or parsed: forms get a few MB, the
# upload forms without JavaScript a whole document and its envelope, a chunk of an
# upload session its chunk. deploy/nginx/gwd.conf sets the same limits per location.
REQUEST_BODY_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
REQUEST_BODY_LIMITS = {
    "resources:document-upload": UPLOAD_MAX_BYTES + 5 * 1024 * 1024,
    "resources:version-upload": UPLOAD_MAX_BYTES + 5 * 1024 * 1024,
    "resources:upload-session": UPLOAD_CHUNK_BYTES + 64 * 1024,
    # A file sent before its message, and the reply form without JavaScript with files.
    "resources:attachment-upload": UPLOAD_MAX_BYTES + 5 * 1024 * 1024,
    "groups:message-post": UPLOAD_MAX_BYTES + 5 * 1024 * 1024,
}

# --- Indicators -------------------------------------------------------------------
# GUS's Local Data Bank API. Empty turns live requests off (imports from saved files
# still work); BDL_CLIENT_ID is the optional key that raises BDL's limits; BDL_RATE keeps
# the whole site under BDL's limit for anonymous clients.
BDL_API_URL = env_str("BDL_API_URL", "https://bdl.stat.gov.pl/api/v1")
BDL_CLIENT_ID = env_str("BDL_CLIENT_ID", "")
BDL_RATE = env_str("BDL_RATE", "90/15minutes")
try:
    limits.parse(BDL_RATE)
except ValueError:
    raise ImproperlyConfigured(
        f"BDL_RATE={BDL_RATE!r} is not a rate; write it like 90/15minutes."
    ) from None
