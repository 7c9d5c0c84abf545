"""One settings module, read from the environment; safe defaults when DEBUG is off."""

import os
from pathlib import Path

import dj_database_url

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
    "speechdraft.library",
    "speechdraft.drafting",
    "speechdraft.checks",
    "speechdraft.export",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

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
if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
    X_FRAME_OPTIONS = "SAMEORIGIN"  # the print preview embeds a PDF served by the app itself

# Where the app keeps what it owns at run time: jieba's cache, the 查重 fingerprint index.
SPEECHDRAFT_CACHE_DIR = Path(os.environ.get("SPEECHDRAFT_CACHE_DIR", VAR_DIR / "cache"))
SPEECHDRAFT_INDEX_DIR = Path(os.environ.get("SPEECHDRAFT_INDEX_DIR", VAR_DIR / "index"))
SPEECHDRAFT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
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
