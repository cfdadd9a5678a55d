"""Kantor Virtual settings. Every deployment-specific value comes from the environment, here only."""

import logging
import os
import re
from pathlib import Path

import dj_database_url
import structlog
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from xstatic.pkg import bootstrap as xstatic_bootstrap

from kantor_virtual.fragments import release_fingerprint

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "kantor-virtual-development-only-not-for-production"


def env_bool(name: str, default: bool) -> bool:
    """Only `true` and `false` are accepted, so a typo stops startup instead of flipping a switch."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() not in {"true", "false"}:
        raise ImproperlyConfigured(f"{name} harus 'true' atau 'false', bukan {value!r}.")
    return value.lower() == "true"


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} harus bilangan bulat, bukan {value!r}.") from error


def env_rate(name: str, default: str) -> str:
    """A rate as django-ratelimit reads it: "5/h", "30/m", "20/10m" (count / [n] s|m|h|d)."""
    value = os.environ.get(name) or default
    if not re.fullmatch(r"[0-9]+/[0-9]*[smhd]", value):
        raise ImproperlyConfigured(
            f"{name} harus berbentuk jumlah/periode seperti 5/h atau 20/10m, bukan {value!r}."
        )
    return value


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or (DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY wajib diisi bila DEBUG bukan true.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

OWN_APPS = [
    "kantor_virtual",
    "organisasi",
    "persuratan",
    "disposisi",
    "tte",
    "layanan_publik",
    "arsip",
    "bench",
]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # the widget templates, for FORM_RENDERER below
    "django_htmx",
    "django_prose_editor",
    "csp",
    "django_celery_outbox",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes, each good once
    *OWN_APPS,
]

MIDDLEWARE = [
    "kantor_virtual.server_timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kantor_virtual.request_memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "organisasi.middleware.ActingPositionMiddleware",
    "organisasi.middleware.SecondFactorMiddleware",
    # Last, so that a lockout raised by authentication is turned into our own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kantor_virtual.urls"
WSGI_APPLICATION = "kantor_virtual.wsgi.application"

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
                "organisasi.context_processors.acting_position",
                "kantor_virtual.context_processors.notifications",
            ],
            "builtins": ["kantor_virtual.templatetags.tanggal"],
        },
    },
]

# Widgets render through TEMPLATES, so templates/django/forms/widgets/ can override Django's own.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL belum diatur. Jalankan lewat ./kantor run atau ./kantor test, yang menyalakan "
        "PostgreSQL tertanam, atau arahkan DATABASE_URL ke server PostgreSQL."
    )
# Connections are kept for a minute and checked before each request reuses one: after PostgreSQL
# restarts, the next request opens a fresh connection instead of failing on the dead one.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"], conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
# Two test runs against one server (two checkouts, two terminals) each get their own test database.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisasi.User"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def celery_url(redis_url: str) -> str:
    """Celery (kombu) names a Unix-socket Redis `redis+socket://`; redis-py names it `unix://`."""
    return (
        "redis+socket://" + redis_url.removeprefix("unix://")
        if redis_url.startswith("unix://")
        else redis_url
    )


# A digest of this release's code and templates: what is kept rendered or pickled in Redis is kept
# under it, so an upgrade never reads what the release before wrote.
RELEASE = release_fingerprint(BASE_DIR / name for name in ("templates", *OWN_APPS))
# Redis is a helper, not a pillar: everything kept in it PostgreSQL can answer again. When Redis is
# down or hangs, a cache read misses and a write is skipped (IGNORE_EXCEPTIONS), within the socket
# timeouts, so pages are drawn from the database and sessions read from it; the failure is logged
# once a minute (kantor_virtual.cache_health.OncePerMinute). Each call tries Redis again, so nothing
# needs a restart when it is back.
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.5"))
# After a failure, Redis is skipped this long before it is tried again (cache_health.SkippingRedis).
REDIS_RETRY_SECONDS = float(os.environ.get("REDIS_RETRY_SECONDS", "5"))
_REDIS_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS,
    "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS,
    "REDIS_CLIENT_CLASS": "kantor_virtual.cache_health.SkippingRedis",
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# django-redis keeps one Redis client per server; Django's own backend builds one for every call,
# which cost more than the lookup on pages that read a few cached fragments.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {**_REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True},
    },
    # Rate limits (RATELIMIT_USE_CACHE): counted in Redis, and in PostgreSQL while Redis is unreachable.
    "ratelimit": {
        "BACKEND": "kantor_virtual.cache_health.RateCounterCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": _REDIS_OPTIONS,
    },
    # Rendered fragments ({% cache %}, kantor_virtual.fragments): keyed by what they draw, under a
    # prefix that changes with every release, and kept a day at most. With DEBUG, Django reads an
    # edited template afresh, and nothing keeps its old markup.
    "template_fragments": (
        {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        if DEBUG
        else {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fragmen:" + RELEASE,
            "TIMEOUT": 24 * 60 * 60,
            "OPTIONS": {**_REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True},
        }
    ),
}
# Keys of the public statistics page's figures (layanan_publik.statistics); tests give each test its own.
STATISTICS_CACHE_PREFIX = "statistik:"
# Keys of the answers about who acts for what (organisasi.selectors); tests give each test its own.
ORG_CACHE_PREFIX = f"organisasi:{RELEASE}:"
# Sessions are read from Redis on every request and kept in PostgreSQL too, so a Redis restart
# signs nobody out, and while Redis is down they are read from PostgreSQL.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = celery_url(REDIS_URL)
CELERY_RESULT_BACKEND = celery_url(REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task (SIGKILL, out of memory) leaves its task to the next worker instead of
# losing it; every task is idempotent, so the one that finishes counts once.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis hands an unacknowledged task to another worker after this long: longer than the longest task
# (OCR of one file stops at OCR_TIMEOUT_SECONDS), so a slow task is never run twice at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_OUTBOX_APP = "kantor_virtual.celery.app"
# The outbox logs through structlog: its warnings and errors only, not a line for every relay batch.
structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
CELERY_BEAT_SCHEDULER = "kantor_virtual.celery:BeatScheduler"
# The outbox relay would report to a StatsD agent; /kesehatan/ reports its backlog instead.
MONITORING_METRICS_ENABLED = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BEAT_SCHEDULE = {
    # /kesehatan/ reads how long ago this last ran: beat, the outbox relay, Redis and a worker at work.
    "heartbeat": {"task": "kantor_virtual.tasks.heartbeat", "schedule": 60.0},
    "verify-event-chains": {
        "task": "kantor_virtual.tasks.verify_event_chains",
        "schedule": crontab(hour=2, minute=0),
    },
    "refresh-position-search": {
        "task": "organisasi.tasks.refresh_position_search",
        "schedule": crontab(hour=0, minute=5),
    },
    "remind-overdue-items": {
        "task": "persuratan.tasks.remind_overdue_items",
        "schedule": crontab(hour=7, minute=0),
    },
    "remind-overdue-loans": {
        "task": "arsip.tasks.remind_overdue_loans",
        "schedule": crontab(hour=7, minute=0),
    },
    "announce-expiring-certificates": {
        "task": "tte.tasks.announce_expiring_certificates",
        "schedule": crontab(hour=7, minute=0),
    },
    "expire-signing-requests": {
        "task": "persuratan.tasks.expire_signing_requests",
        "schedule": crontab(minute=20),  # hourly: a request ends within an hour of its TTE_REQUEST_TTL_HOURS
    },
    "write-nightly-backup": {
        "task": "kantor_virtual.tasks.write_nightly_backup",
        "schedule": crontab(hour=1, minute=30),
    },
}
# The nightly backup (kantor_virtual.backup): where its archives go and how many are kept. An archive
# is encrypted when BACKUP_PASSPHRASE is set, read from the environment when a backup is written.
_DATA_DIR = Path(os.environ.get("KV_DATA_DIR", BASE_DIR / "var"))
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or _DATA_DIR / "backups")
BACKUP_KEEP = env_int("BACKUP_KEEP", 7)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "organisasi.backends.NipOrEmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "nip", "nik")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "organisasi:login"
LOGIN_REDIRECT_URL = "beranda"
LOGOUT_REDIRECT_URL = "organisasi:login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
# Lock the account, not the address: a whole office signs in from behind one NAT address, and
# locking it would shut every colleague out because of one person's typos.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
# One count per account, whichever spelling of its login was typed (organisasi.backends.lockout_key).
AXES_USERNAME_CALLABLE = "organisasi.backends.lockout_key"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "organisasi/lockout.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "kantor_virtual.protection.client_ip"

# Abuse protection of public pages (kantor_virtual.protection). Behind a reverse proxy, the number of
# proxies that append to X-Forwarded-For; 0 takes the connecting address (REMOTE_ADDR) as the client's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Rates per client address (_IP) and per signed-in account (_ACCOUNT), counted in Redis.
PORTAL_RATE_REGISTER_IP = env_rate("PORTAL_RATE_REGISTER_IP", "10/h")
# Failed sign-ins only: a whole office signs in from behind one NAT address, and succeeds.
PORTAL_RATE_LOGIN_FAILURES_IP = env_rate("PORTAL_RATE_LOGIN_FAILURES_IP", "60/h")
PORTAL_RATE_SUBMISSION_IP = env_rate("PORTAL_RATE_SUBMISSION_IP", "30/h")
PORTAL_RATE_SUBMISSION_ACCOUNT = env_rate("PORTAL_RATE_SUBMISSION_ACCOUNT", "10/h")
PORTAL_RATE_TRACKING_IP = env_rate("PORTAL_RATE_TRACKING_IP", "30/m")
PORTAL_RATE_RESEND_IP = env_rate("PORTAL_RATE_RESEND_IP", "10/h")
PORTAL_RATE_RESEND_ACCOUNT = env_rate("PORTAL_RATE_RESEND_ACCOUNT", "3/h")
PORTAL_RATE_VERIFICATION_IP = env_rate("PORTAL_RATE_VERIFICATION_IP", "20/10m")
PORTAL_RATE_COMPLAINT_IP = env_rate("PORTAL_RATE_COMPLAINT_IP", "20/h")
PORTAL_RATE_COMPLAINT_ACCOUNT = env_rate("PORTAL_RATE_COMPLAINT_ACCOUNT", "5/h")
# "Lupa kata sandi": requests per client address, and per address typed (in any letter case,
# whoever sends them), so that nobody fills a colleague's mailbox with reset links.
PASSWORD_RESET_RATE_IP = env_rate("PASSWORD_RESET_RATE_IP", "20/h")
PASSWORD_RESET_RATE_EMAIL = env_rate("PASSWORD_RESET_RATE_EMAIL", "3/h")
# A public form sent back sooner than this after it was shown is a bot's.
PORTAL_MIN_FILL_SECONDS = env_int("PORTAL_MIN_FILL_SECONDS", 3)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "kantor_virtual.protection.client_ip"
# A counter that expires between django-ratelimit's add and incr lets the request through instead
# of refusing it; while Redis is down the counters are kept in PostgreSQL, so limits still hold.
RATELIMIT_FAIL_OPEN = True
# Our own counting cache wraps django-redis (kantor_virtual.cache_health.RateCounterCache).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.W001"]

# Pimpinan (holders of a struktural position) and admins must confirm a TOTP code after the password.
OTP_REQUIRED = env_bool("OTP_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Kantor Virtual")

# The benchmark's floor page (bench/urls.py), the yardstick product pages are compared with: not part
# of the product, so it exists only where `./kantor bench` turns it on.
BENCH_FLOOR = env_bool("BENCH_FLOOR", False)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
# Django keeps every connection's clock in UTC; what the database computes "today" for (who holds a
# position today, organisasi migration 0006) reads the office's day from this setting instead.
_connection_options = DATABASES["default"].setdefault("OPTIONS", {})
_connection_options["options"] = (
    f"{_connection_options.get('options', '')} -c kantor_virtual.time_zone={TIME_ZONE}".strip()
)
FORMAT_MODULE_PATH = ["kantor_virtual.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic_bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Scans and attachments live outside the web root and are served only through permission checks.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
# Files in one public submission (each within UPLOAD_MAX_MB).
PORTAL_MAX_DOCUMENTS = env_int("PORTAL_MAX_DOCUMENTS", 10)

EMAIL_URL = os.environ.get("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kantor Virtual <noreply@kantor-virtual.local>")
# Where links in e-mails point: the address users open Kantor Virtual at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Who signs: "local" (this installation's own authority) or "national" (a BSrE-style REST service).
TTE_BACKEND = os.environ.get("TTE_BACKEND", "local")
if TTE_BACKEND not in {"local", "national"}:
    raise ImproperlyConfigured(f"TTE_BACKEND harus 'local' atau 'national', bukan {TTE_BACKEND!r}.")
TTE_NATIONAL_URL = os.environ.get("TTE_NATIONAL_URL", "")
if TTE_BACKEND == "national" and not TTE_NATIONAL_URL:
    raise ImproperlyConfigured("TTE_NATIONAL_URL wajib diisi bila TTE_BACKEND=national.")
TTE_NATIONAL_TIMEOUT = env_int("TTE_NATIONAL_TIMEOUT", 30)  # seconds per signing request
# A signature waiting for the service holds the signer's (encrypted) passphrase: at most this long,
# then the request expires, the passphrase is wiped and the signer is asked to sign again.
TTE_REQUEST_TTL_HOURS = env_int("TTE_REQUEST_TTL_HOURS", 72)
if TTE_REQUEST_TTL_HOURS < 1:
    raise ImproperlyConfigured("TTE_REQUEST_TTL_HOURS harus sedikitnya 1 (jam).")

# OCR of image-only scans (kantor_virtual.ocr): a file gets OCR_MAX_RETRIES more tries, waiting about
# OCR_RETRY_BACKOFF_SECONDS, then twice that, and so on, before it is marked as unreadable.
OCR_TIMEOUT_SECONDS = env_int("OCR_TIMEOUT_SECONDS", 900)  # one file, every page
OCR_MAX_RETRIES = env_int("OCR_MAX_RETRIES", 4)
OCR_RETRY_BACKOFF_SECONDS = env_int("OCR_RETRY_BACKOFF_SECONDS", 60)


def email_settings(url: str) -> dict[str, object]:
    """smtp://user:pass@host:port (smtp+tls://, smtp+ssl://), file:///path, console:// or locmem://."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port
            or (465 if scheme == "smtp+ssl" else 587 if scheme == "smtp+tls" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtp+ssl",
        }
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path,
        }
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    raise ImproperlyConfigured(f"EMAIL_URL tidak dikenal: {url!r}")


globals().update(email_settings(EMAIL_URL))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 10) * 3600
CSRF_COOKIE_HTTPONLY = True
# Views that must be framed by our own pages (inline PDF scans) use kantor_virtual.security.framed_by_us.
X_FRAME_OPTIONS = "DENY"
# Scripts and styles come from our own origin only: no inline script, style element or style
# attribute runs, so markup slipped into a page cannot act. The one inline script is the rich-text
# editor's import map, which carries the request's nonce (kantor_virtual.templatetags.security).
# The one inline style element allowed is an empty one (the hash below is of the empty string):
# kv/editor.js places it so that the editor does not inject its own; its rules are in kantor.css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Served over HTTPS behind a proxy in production; the embedded demo on localhost sets HTTPS=false.
HTTPS = env_bool("HTTPS", not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A Redis that is down fails every cache call: say so once a minute, not once per call.
    "filters": {"once_a_minute": {"()": "kantor_virtual.cache_health.OncePerMinute"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint reports every rendering step at INFO; only its warnings matter to an operator.
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
        **{
            name: {"filters": ["once_a_minute"]}
            for name in ("django_redis.cache", "django.contrib.sessions", "kantor_virtual.cache_health")
        },
    },
}
