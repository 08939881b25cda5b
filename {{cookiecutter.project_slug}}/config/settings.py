"""Django settings.

Everything that differs between machines comes from the environment; a `.env`
file is read first when present. `.env.example` lists every variable.
Without configuration the project runs in production mode: DEBUG is on only when
asked for, and production variables that are missing or empty stop startup by name.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

{% if cookiecutter.static_storage == "bucket" -%}
from config.storage_url import is_local, static_beside, storage_from_url
{%- else -%}
from config.storage_url import is_local, storage_from_url
{%- endif %}

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    env.read_env(ENV_FILE, parse_comments=True)


def missing(name):
    state = "is empty" if name in env.ENVIRON else "is missing"
    return ImproperlyConfigured(f"Set the {name} environment variable (it {state}).")


def env_str(name, default=environ.Env.NOTSET):
    """A variable's value. Empty counts as unset: the default, or an error naming it."""
    value = env.str(name, default="").strip()
    if value or default is not environ.Env.NOTSET:
        return value or default
    raise missing(name)


def env_list(name, default=environ.Env.NOTSET):
    """A comma-separated variable as a list, without blanks. Empty counts as unset."""
    items = [item.strip() for item in env.str(name, default="").split(",") if item.strip()]
    if items or default is not environ.Env.NOTSET:
        return items or default
    raise missing(name)


DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", default="django-insecure-local-development-only")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, whose default site gives every model the file guarantees
    # (mediafiles/admin.py).
    "mediafiles.admin.MediaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
{%- if cookiecutter.static_storage == "whitenoise" %}
    "whitenoise.runserver_nostatic",
{%- endif %}
{%- include "providers/" ~ cookiecutter.__family ~ "/settings-apps.py" ignore missing %}
    "django.contrib.staticfiles",
    "health_check",
    # Storages, file guarantees, images and thumbnails, media commands: see README.md.
    "mediafiles",
    # The sample app (README.md says how to remove it).
    "uploads",
    # Deletes replaced and deleted files once the transaction commits (keep it last).
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
{%- if cookiecutter.static_storage == "whitenoise" %}
    "whitenoise.middleware.WhiteNoiseMiddleware",
{%- endif %}
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A file that cannot be stored is a 503 or 400 page, never a 500 (mediafiles/middleware.py).
    "mediafiles.middleware.FileRefusedMiddleware",
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
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The project's own static files, beside those of the apps.
STATICFILES_DIRS = [BASE_DIR / "static"]
{%- include "common/settings-static-root-" ~ cookiecutter.static_storage ~ ".py" %}

# Where uploaded media live, as one URL (config/storage_url.py lists the forms).
{%- include ["providers/" ~ cookiecutter.__family ~ "/settings-media-url.py", "common/settings-media-url.py"] %}
{%- include ["providers/" ~ cookiecutter.__family ~ "/settings-static-url-" ~ cookiecutter.static_storage ~ "-" ~ cookiecutter.media_access ~ ".py", "common/settings-static-url-" ~ cookiecutter.static_storage ~ ".py"] ignore missing %}

{% include "providers/" ~ cookiecutter.__family ~ "/settings.py" %}

# Media on local disk: Django serves them when DEBUG is on, or when asked to
# (SERVE_MEDIA), and a Heroku release refuses them (mediafiles/local.py).
if is_local(STORAGES["default"]):
    MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
    MEDIA_URL = STORAGES["default"]["OPTIONS"]["base_url"]
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
{%- include "common/settings-static-local-" ~ cookiecutter.static_storage ~ ".py" ignore missing %}
# HTTPS: the platform's proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
# Start low and raise to a year (31536000) once HTTPS works everywhere.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# /healthz/deep (config/health.py) answers requests that carry this bearer token,
# and staff; without it, staff only.
HEALTH_CHECK_TOKEN = env_str("HEALTH_CHECK_TOKEN", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
{%- include "providers/" ~ cookiecutter.__family ~ "/settings-logging.py" ignore missing %}
}

# Uploaded images, in every ImageField of every app (mediafiles/images.py): an image
# of more pixels than this (all frames of an animation together) is refused before
# it is decoded (a 50-megapixel image takes about 150 MB while it is processed, one
# at a time per process). Each is stored without its metadata, with a WebP
# thumbnail per size, fitted in its (width, height) box, under thumbnails/ in the
# media storage. After changing the sizes: python manage.py rebuild_thumbnails
IMAGE_MAX_PIXELS = 50_000_000
THUMBNAIL_SIZES = {
    "list": (384, 384),  # the home page, shown at up to 192 CSS pixels (2x screens)
    "admin": (240, 240),  # the admin's change page
}
# Image fields ("app_label.Model.field") or whole models ("app_label.Model") whose
# images are stored as uploaded: no pixel limit, metadata kept, no thumbnails.
MEDIA_IMAGES_AS_UPLOADED = []
{%- include "common/settings-media-" ~ cookiecutter.media_access ~ ".py" ignore missing %}
