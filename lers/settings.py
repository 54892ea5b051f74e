"""Django settings: every value comes from the environment (see README, "Configuration").

With no variable set, lers runs on embedded defaults: SQLite and files under LERS_DATA_DIR.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from lers.env import Env
from lers.exchange.mapping import DEMO_MAPPING

env = Env()

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent
# A source checkout keeps its data next to the code (var/); an installed package in the user's
# data directory.
_DEFAULT_DATA_DIR = (
    _CHECKOUT / "var"
    if (_CHECKOUT / "pyproject.toml").exists()
    else Path.home() / ".local" / "share" / "lers"
)

LERS_MODE = env.choice("LERS_MODE", ["development", "production"], "development")
PRODUCTION = LERS_MODE == "production"
DEBUG = env.bool("LERS_DEBUG", default=not PRODUCTION)

DATA_DIR = env.path("LERS_DATA_DIR", _DEFAULT_DATA_DIR)
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    value = env.str("SECRET_KEY")
    if value is not None:
        if len(value) < 32:
            raise ImproperlyConfigured("SECRET_KEY: must be at least 32 characters")
        return value
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY: required when LERS_MODE=production")
    # Embedded default: a random key made once per data directory, never a constant in code.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS: required when LERS_MODE=production")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
# Where people reach lers: links in emails are built on it.
LERS_BASE_URL = env.str("LERS_BASE_URL", "http://127.0.0.1:8000")

_database_url = env.str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'lers.sqlite3'}")
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=60 if PRODUCTION else 0)
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL: {exc}") from exc
if _database["ENGINE"] not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    raise ImproperlyConfigured(
        f"DATABASE_URL: lers supports sqlite and postgres, got {_database['ENGINE']}"
    )
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # The worker and the web server share the file: wait for the lock instead of failing, and
    # take the write lock at BEGIN so read-then-write transactions cannot deadlock.
    _database["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _database["TEST"] = {"NAME": env.str("LERS_TEST_SQLITE", None)}
else:
    _database["TEST"] = {"NAME": env.str("LERS_TEST_DATABASE", None)}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The policy profile of this deployment: a shipped name (ju, hx97, binance) or a TOML path.
LERS_POLICY = env.str("LERS_POLICY", "binance")
# An officer account younger than this is a fraud signal on its cases.
LERS_NEW_OFFICER_DAYS = env.int("LERS_NEW_OFFICER_DAYS", 30)
# The transparency report shows counts below this as "<N" (0: every count as it is; X-09).
LERS_REPORT_SUPPRESS_BELOW = env.int("LERS_REPORT_SUPPRESS_BELOW", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "lers.core",
    "lers.exchange",
    "lers.accounts",
    "lers.audit",
    "lers.jobs",
    "lers.agencies",
    "lers.cases",
    "lers.actions",
    "lers.productions",
    "lers.reports",
    "lers.intake",
    "lers.api",
    "ninja",  # its OpenAPI page's scripts, served from here (no CDN)
    "lers.portal",
    "lers.workbench",
    "lers.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Django's own refusals under /api/ (a method a path does not take) in the API's shape.
    "lers.api.middleware.ApiErrorShapeMiddleware",
    # Before anything reads the body: a request far over the upload limit is answered at once.
    "lers.core.middleware.UploadLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lers.core.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lers.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "lers.urls"
WSGI_APPLICATION = "lers.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Sign-in (django-allauth): officers sign in with their email (their username), staff with a
# username. Accounts are not opened by sign-up but by an approved access request (portal).
ACCOUNT_ADAPTER = "lers.accounts.adapter.LersAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_EMAIL_VERIFICATION = "none"  # the access request proves the mailbox with its own code
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# Failed sign-ins are limited per address and per account; the answer never says which failed.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LERS_LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
# A second factor for every account: TOTP or a passkey / security key, with recovery
# codes. lers.core.middleware sends an account without one to set it up before anything else.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_FORMS = {"activate_totp": "lers.accounts.forms.StableActivateTOTPForm"}
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_ALLOW_UNVERIFIED_EMAIL = True  # addresses are proven by lers's own access-request code
MFA_TOTP_ISSUER = env.str("LERS_TOTP_ISSUER", "lers")
# One step either side of now (RFC 6238 section 5.2): a code typed as its 30 s end arrives
# in the next step and still counts. Each code is still accepted once only.
MFA_TOTP_TOLERANCE = env.int("LERS_TOTP_TOLERANCE", 1)
# Never skip WebAuthn's origin check: browsers treat http://localhost as secure already (the
# demo's passkeys work there; an IP address such as 127.0.0.1 cannot be a relying party).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lers.core.context_processors.policy",
                "lers.portal.onboarding.onboarding",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
TIME_ZONE = "UTC"
FORMAT_MODULE_PATH = ["lers.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = env.path("LERS_MEDIA_DIR", DATA_DIR / "files")

# Documents and productions: files under MEDIA_ROOT, or S3-compatible object storage. Files are
# never served by URL: downloads go through lers, which checks and records them.
LERS_STORAGE = env.choice("LERS_STORAGE", ["filesystem", "s3"], "filesystem")
if LERS_STORAGE == "s3":
    _bucket = env.str("LERS_S3_BUCKET")
    if not _bucket:
        raise ImproperlyConfigured("LERS_S3_BUCKET: required when LERS_STORAGE=s3")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": env.str("LERS_S3_ENDPOINT_URL"),
            "region_name": env.str("LERS_S3_REGION"),
            "access_key": env.str("LERS_S3_ACCESS_KEY_ID"),
            "secret_key": env.str("LERS_S3_SECRET_ACCESS_KEY"),
            "location": env.str("LERS_S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            # Encrypted at rest by the object store (SSE-S3) unless a KMS key is named.
            "object_parameters": (
                {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": env.str("LERS_S3_KMS_KEY_ID")}
                if env.str("LERS_S3_KMS_KEY_ID")
                else {"ServerSideEncryption": "AES256"}
            ),
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o600},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Email: SMTP when EMAIL_HOST is set, otherwise one .eml file per message under DATA_DIR/mail.
EMAIL_HOST = env.str("EMAIL_HOST")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "lers@localhost")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

# The law-enforcement mailbox that ``lers intake imap`` polls (JU-03). TLS from the first byte
# ("ssl", port 993) by default; "starttls" upgrades a plain connection; "none" only for a
# server on this machine. Each message is taken once: lers keeps the last UID it took.
LERS_IMAP_HOST = env.str("LERS_IMAP_HOST")
LERS_IMAP_SECURITY = env.choice("LERS_IMAP_SECURITY", ["ssl", "starttls", "none"], "ssl")
LERS_IMAP_PORT = env.int("LERS_IMAP_PORT", 993 if LERS_IMAP_SECURITY == "ssl" else 143, minimum=1)
LERS_IMAP_USER = env.str("LERS_IMAP_USER", "")
LERS_IMAP_PASSWORD = env.str("LERS_IMAP_PASSWORD", "")
LERS_IMAP_MAILBOX = env.str("LERS_IMAP_MAILBOX", "INBOX")
# Seconds between polls when the worker polls the mailbox (0: only the command polls).
LERS_IMAP_POLL_SECONDS = env.int("LERS_IMAP_POLL_SECONDS", 0, minimum=0)

# REST API: the longest life of a personal token, and the request rate each token (and
# each address without one) may keep up, as "N/s", "N/min", "N/hour" or "N/day".
LERS_API_TOKEN_MAX_DAYS = env.int("LERS_API_TOKEN_MAX_DAYS", 90, minimum=1)
LERS_API_RATE = env.str("LERS_API_RATE", "600/min")
LERS_API_ANON_RATE = env.str("LERS_API_ANON_RATE", "60/min")
# How many proxies in front of lers append to X-Forwarded-For: the client's address (for the
# per-address limits) is read that many hops from the end; 0 (no proxy): the connection's.
NINJA_NUM_PROXIES = env.int("LERS_PROXIES", 0, minimum=0)
# The same count for the sign-in limits (allauth): behind a proxy, each officer is limited by
# their own address, not all of them by the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = NINJA_NUM_PROXIES
# How long an Idempotency-Key and its answer are kept.
LERS_API_IDEMPOTENCY_HOURS = env.int("LERS_API_IDEMPOTENCY_HOURS", 24, minimum=1)

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
if env.bool("LERS_TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("LERS_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("LERS_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("LERS_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("LERS_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Key of the audit chain's HMAC links, kept outside the database (see lers/audit/chain.py).
# Set it before the first event is written and never change it: verify needs the same key.
LERS_AUDIT_KEY = env.str("LERS_AUDIT_KEY")
# Signed checkpoints of the audit tree (lers/audit/checkpoints.py), kept outside the database:
# the Ed25519 signing key (``lers audit keygen`` makes one), the key that checks them (by
# default the signing key's own; an auditor's machine needs only this one), the directory they
# are written to, how often the worker writes one, and the name the checkpoints carry.
LERS_AUDIT_SIGNING_KEY = env.str("LERS_AUDIT_SIGNING_KEY")
LERS_AUDIT_VERIFIER_KEY = env.str("LERS_AUDIT_VERIFIER_KEY")
LERS_AUDIT_CHECKPOINT_DIR = Path(
    env.str("LERS_AUDIT_CHECKPOINT_DIR", str(DATA_DIR / "audit-checkpoints"))
)
LERS_AUDIT_CHECKPOINT_MINUTES = env.int("LERS_AUDIT_CHECKPOINT_MINUTES", 60, minimum=0)
LERS_AUDIT_ORIGIN = env.str("LERS_AUDIT_ORIGIN", "")
LERS_AUDIT_CHECKPOINT_EMAIL = env.list("LERS_AUDIT_CHECKPOINT_EMAIL", [])

# Worker: seconds between polls of the job table when it is idle.
LERS_WORKER_POLL_SECONDS = env.int("LERS_WORKER_POLL_SECONDS", 2, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "lers": {"handlers": ["console"], "level": env.str("LERS_LOG_LEVEL", "INFO")},
    },
}

# Rate limits and one-time codes need a cache every process shares: files under the data
# directory by default (one machine), Redis when REDIS_URL is set (several machines).
REDIS_URL = env.str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    )
}

# Largest accepted upload (documents, attachments), in MB.
LERS_MAX_UPLOAD_BYTES = env.int("LERS_MAX_UPLOAD_MB", 50, minimum=1) * 2**20

# The exchange's database, read through SQLAlchemy (the demo builds a synthetic one here).
LERS_EXCHANGE_DATABASE_URL = env.str(
    "EXCHANGE_DATABASE_URL", f"sqlite:///{DATA_DIR / 'exchange.sqlite3'}"
)
# Which of the exchange's tables and columns hold each record (lers/exchange/mappings/*.toml).
LERS_EXCHANGE_MAPPING = env.str("EXCHANGE_MAPPING", str(DEMO_MAPPING))
# Seconds between the worker's refreshes of lers's index of the exchange's KYC names (names in
# a request are searched there; before its first refresh, by a scan of the KYC table). 0: only
# ``lers names index`` refreshes it.
LERS_NAME_INDEX_REFRESH_SECONDS = env.int("LERS_NAME_INDEX_REFRESH_SECONDS", 3600, minimum=0)
# How lers asks the exchange to act (freeze, release, legal hold, user notice): "demo" acts on
# the demo exchange's tables; "webhook" POSTs signed JSON to the exchange's back office.
LERS_EXCHANGE_ACTIONS = env.choice("EXCHANGE_ACTIONS", ["demo", "webhook"], "demo")
LERS_EXCHANGE_WEBHOOK_URL = env.str("EXCHANGE_WEBHOOK_URL", "")
LERS_EXCHANGE_WEBHOOK_SECRET = env.str("EXCHANGE_WEBHOOK_SECRET", "")
LERS_EXCHANGE_WEBHOOK_TIMEOUT = env.int("EXCHANGE_WEBHOOK_TIMEOUT", 10, minimum=1)
if LERS_EXCHANGE_WEBHOOK_TIMEOUT > 30:  # well inside the delivery job's 120 s lease
    raise ImproperlyConfigured("EXCHANGE_WEBHOOK_TIMEOUT: at most 30 seconds")
if LERS_EXCHANGE_ACTIONS == "webhook" and not (
    LERS_EXCHANGE_WEBHOOK_URL and LERS_EXCHANGE_WEBHOOK_SECRET
):
    raise ImproperlyConfigured(
        "EXCHANGE_ACTIONS=webhook needs EXCHANGE_WEBHOOK_URL and EXCHANGE_WEBHOOK_SECRET"
    )
# Password of the demo accounts that `lers demo` creates (never used in production mode).
LERS_DEMO_PASSWORD = env.str("LERS_DEMO_PASSWORD", "lers-demo-pass")
