"""One settings module, read from the environment; safe defaults when DEBUG is off."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SPEECHDRAFT_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and os.environ.get("SPEECHDRAFT_REQUIRE_SECRET") == "1":
        raise RuntimeError("SECRET_KEY must be set when SPEECHDRAFT_REQUIRE_SECRET=1")
    # An intranet install without a configured key still needs a stable one across restarts,
    # otherwise every restart logs everybody out.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key(), encoding="utf-8")
    SECRET_KEY = key_file.read_text(encoding="utf-8").strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "speechdraft.login_protection.LoginProtectionConfig",  # django-axes, named in Chinese
    "speechdraft.library",
    "speechdraft.drafting",
    "speechdraft.checks",
    "speechdraft.export",
    "speechdraft.review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "speechdraft.sessions.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "speechdraft.roles.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "speechdraft.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Every page template uses {% partialdef %}; loading it per template would be noise.
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "speechdraft.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "speechdraft.sqlite3")),
            "OPTIONS": {
                # Several secretaries autosave at once: WAL lets readers proceed during a write,
                # IMMEDIATE takes the write lock up front so two writers queue instead of deadlocking.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests use a file, not SQLite's shared in-memory database, so that threads (two people
            # saving at once) and the live server meet the same WAL locking as production.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    # "zhangsan" for user zhangsan, a birthday "20240701", a phone number: all refused.
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from one
# address, that account is locked for that address for AXES_COOLOFF_TIME. Keyed on the pair so that a
# mistyping colleague, or every user behind one proxy address, does not lock out the whole office.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "speechdraft.roles.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # replaced by a Chinese page in library/admin.py where a 管理员 unlocks

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
NODE_MODULES = BASE_DIR / "node_modules"
# Only the built files the pages load, from the npm lockfile; the rest of node_modules (sources,
# maps, thousands of files) would slow every static lookup and collectstatic for nothing.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap/dist", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons/font", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx.org/dist", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Without collectstatic (tests, a developer's first run) WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 200

SESSION_COOKIE_AGE = 60 * 60 * 12
# Sliding expiry: the 12 hours count from the last request, so a writer whose editor autosaves is
# never logged out mid-work; an idle session still ends.
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie (htmx sends the token from the page), so it can be HttpOnly too.
CSRF_COOKIE_HTTPONLY = True
# Pages are never framed; the print preview's PDF allows its own page (xframe_options_sameorigin).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS=1: the app is served over TLS, by a reverse proxy (nginx) in front of gunicorn that sets
# X-Forwarded-Proto and is the only way to reach gunicorn (bind it to 127.0.0.1). See README 生产部署.
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    # Harmless for an intranet name (browsers preload only names submitted to their list).
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith("[")]

# Content-Security-Policy (django-csp), always on so that development and the browser tests meet the
# policy production has: scripts only from the app's own static files, no inline script or handler,
# no eval (htmx runs with allowEval false, see base.html). Inline style attributes stay allowed; a
# <style> element does not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# Where the app keeps what it owns at run time: jieba's cache, the 查重 fingerprint index.
SPEECHDRAFT_CACHE_DIR = Path(os.environ.get("SPEECHDRAFT_CACHE_DIR", VAR_DIR / "cache"))
SPEECHDRAFT_INDEX_DIR = Path(os.environ.get("SPEECHDRAFT_INDEX_DIR", VAR_DIR / "index"))
SPEECHDRAFT_MAX_UPLOAD_BYTES = int(os.environ.get("SPEECHDRAFT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# An imported document longer than this is refused with a clear message (a speech is ~5,000–30,000).
SPEECHDRAFT_MAX_IMPORT_CHARS = int(os.environ.get("SPEECHDRAFT_MAX_IMPORT_CHARS", "300000"))
SPEECHDRAFT_CHARS_PER_MINUTE = int(os.environ.get("SPEECHDRAFT_CHARS_PER_MINUTE", "200"))
SPEECHDRAFT_SOFFICE = os.environ.get("SPEECHDRAFT_SOFFICE", "soffice")
SPEECHDRAFT_PREVIEW_TIMEOUT = float(os.environ.get("SPEECHDRAFT_PREVIEW_TIMEOUT", "60"))
# Font names written into exported .docx files, as the office's Word/WPS knows them
# (offices differ: 仿宋_GB2312 on older installs, 仿宋 on newer ones).
SPEECHDRAFT_EXPORT_FONTS = {
    "body": os.environ.get("SPEECHDRAFT_FONT_BODY", "仿宋_GB2312"),
    "title": os.environ.get("SPEECHDRAFT_FONT_TITLE", "方正小标宋简体"),
    "heading": os.environ.get("SPEECHDRAFT_FONT_HEADING", "黑体"),
    "kai": os.environ.get("SPEECHDRAFT_FONT_KAI", "楷体_GB2312"),
    "page_number": os.environ.get("SPEECHDRAFT_FONT_PAGE_NUMBER", "宋体"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
