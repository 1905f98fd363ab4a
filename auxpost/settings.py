"""Settings, read from environment variables only (ARCHITECTURE: one settings module).

AUXPOST_VAR_DIR      where the SQLite file, secret key, uploads and backups live (default ./var)
DATABASE_URL         PostgreSQL when set (postgres://...), else SQLite under var/
AUXPOST_DEBUG        "1" turns DEBUG on (never in production)
AUXPOST_ALLOWED_HOSTS comma-separated host names (default 127.0.0.1,localhost)
AUXPOST_DEMO         "1" when the demo district is loaded (enables demo logins note)
AUXPOST_SESSION_IDLE_SECONDS idle session expiry (default 1800)
AUXPOST_UPLOAD_MAX_BYTES the largest uploaded photo or note accepted (default 10 MB)
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AUXPOST_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """A secret key generated once into var/ on first run, so nothing secret is committed."""
    if os.environ.get("AUXPOST_SECRET_KEY"):
        return os.environ["AUXPOST_SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(50))
        tmp.chmod(0o600)
        os.replace(tmp, path)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("AUXPOST_DEBUG", "") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("AUXPOST_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("AUXPOST_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
DEMO_MODE = os.environ.get("AUXPOST_DEMO", "") == "1"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auxpost.core",
    "auxpost.audit",
    "auxpost.org",
    "auxpost.accounts",
    "auxpost.duties",
    "auxpost.people",
    "auxpost.imports",
    "auxpost.policy",
    "auxpost.points",
    "auxpost.assessment",
    "auxpost.grading",
    "auxpost.workcal",
    "auxpost.evaluation",
    "auxpost.incentives",
    "auxpost.recruitment",
    "auxpost.training",
    "auxpost.separation",
    "auxpost.files",
    "auxpost.duty",
    "auxpost.patrol",
    "auxpost.leave",
    "auxpost.meetings",
    "auxpost.uniform",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "auxpost.accounts.middleware.IdleSessionExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "auxpost.urls"
WSGI_APPLICATION = "auxpost.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "auxpost.core.context_processors.navigation",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    if os.environ.get("TEST_DATABASE_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "auxpost.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside one writer; IMMEDIATE avoids lock upgrades that deadlock.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["auxpost.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock-out after repeated failed logins and idle session expiry (issue 2 §4).
LOGIN_MAX_FAILURES = int(os.environ.get("AUXPOST_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("AUXPOST_LOGIN_LOCKOUT_SECONDS", "900"))
SESSION_IDLE_SECONDS = int(os.environ.get("AUXPOST_SESSION_IDLE_SECONDS", "1800"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "auxpost" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# §5.3 uploaded photos and notes (auxpost.files): the largest file accepted, and the types accepted
# (detected from the content, never from the name).
AUXPOST_UPLOAD_MAX_BYTES = int(os.environ.get("AUXPOST_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
AUXPOST_UPLOAD_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("AUXPOST_TESTING") == "1":
    # Tests render templates without running collectstatic first.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "auxpost API",
    "DESCRIPTION": "城管执法辅助岗位职业化建设 — REST API (SPEC §12)",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several apps have a choice field called "kind"; each set gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "auxpost.org.models.UnitKind",
        "BasicRecordKindEnum": "auxpost.grading.models.RecordKind",
        "CommendationLevelEnum": "auxpost.grading.models.CommendationLevel",
        "CalendarYearSourceEnum": "auxpost.workcal.models.YearSource",
        "ScoreSourceEnum": "auxpost.assessment.models.ScoreSource",
        "RecruitmentCheckResultEnum": "auxpost.recruitment.models.CheckResult",
        "RecruitmentCheckInputEnum": ["", "pass", "fail"],
        "MeetingStatusEnum": "auxpost.meetings.models.MeetingStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("AUXPOST_LOG_LEVEL", "WARNING")},
}
