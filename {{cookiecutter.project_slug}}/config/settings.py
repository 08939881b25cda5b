"""Django settings.

Everything that differs between machines comes from the environment; a `.env`
file is read first when present. `.env.example` lists every variable.
Without configuration the project runs in production mode: DEBUG is on only when
asked for, and production variables that are missing or empty stop startup by name.
"""

from pathlib import Path

import environ
{%- if cookiecutter.__family == "s3" %}
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
{%- endif %}
from django.core.exceptions import ImproperlyConfigured

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
{%- if cookiecutter.static_storage == "whitenoise" %}
    "whitenoise.runserver_nostatic",
{%- elif cookiecutter.__family == "s3" %}
    "collectfasta",
{%- endif %}
    "django.contrib.staticfiles",
    "uploads",
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
{%- if cookiecutter.static_storage == "bucket" %}
# collectstatic keeps the manifest of hashed names here, where the site runs, so
# rendering a page never reads the bucket (config/storages.py).
STATIC_MANIFEST_ROOT = BASE_DIR / "staticfiles"
{%- endif %}
{%- if cookiecutter.static_storage == "whitenoise" %}
# Static files are collected into STATIC_ROOT and served by whitenoise with
# hashed names, far-future caching and brotli/gzip variants.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
{%- endif %}
{%- if cookiecutter.__family == "filesystem" %}

# Uploaded media live on local disk under MEDIA_ROOT (a named volume in Docker).
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Django serves MEDIA_ROOT itself when DEBUG is on, or when asked to (compose.yaml).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)

STORAGES = {
    "default": {
        "BACKEND": "config.storages.MediaStorage",
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
{%- elif cookiecutter.__family == "s3" %}

# Uploaded media{% if cookiecutter.static_storage == "bucket" %} and static files{% endif %} live in one bucket
{%- if cookiecutter.storage_provider == "aws-s3" %} on AWS S3,
{%- elif cookiecutter.storage_provider == "digitalocean-spaces" %} on DigitalOcean Spaces,
{%- else %} on an S3-compatible service
# (Cloudflare R2, Backblaze B2, MinIO, SeaweedFS, Wasabi...),
{%- endif %}
# under media/{% if cookiecutter.static_storage == "bucket" %} and static/{% endif %}. The AWS_* names are django-storages' own settings.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
{%- if cookiecutter.storage_provider == "aws-s3" %}
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", default="us-east-1")
# Only for S3-compatible test doubles or VPC endpoints; unset for AWS itself.
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", default=None)
# Unset keys leave credentials to boto3's chain: instance or task roles, IRSA, ~/.aws.
AWS_S3_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID", default=None)
AWS_S3_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY", default=None)
# s3v4 signatures, bounded waits, and boto3's default checksums on AWS itself
# (other endpoints often refuse its aws-chunked uploads).
checksums = "when_required" if AWS_S3_ENDPOINT_URL else "when_supported"
AWS_S3_CLIENT_CONFIG = Config(
    signature_version="s3v4",
    request_checksum_calculation=checksums,
    response_checksum_validation=checksums,
{%- else %}
{%- if cookiecutter.storage_provider == "digitalocean-spaces" %}
# The Space's region, e.g. nyc3, ams3, sgp1, fra1.
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME")
AWS_S3_ENDPOINT_URL = env_str(
    "AWS_S3_ENDPOINT_URL", default=f"https://{AWS_S3_REGION_NAME}.digitaloceanspaces.com"
)
{%- else %}
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL")
# "auto" for Cloudflare R2; the service's region name elsewhere.
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", default="us-east-1")
{%- endif %}
AWS_S3_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID")
AWS_S3_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY")
# s3v4 signatures, bounded waits, and checksums only where required: boto3's
# default aws-chunked uploads are refused by most services other than AWS.
AWS_S3_CLIENT_CONFIG = Config(
    signature_version="s3v4",
    s3={"addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", default="
{%- if cookiecutter.storage_provider == "digitalocean-spaces" %}virtual{% else %}path{% endif %}")},
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
{%- endif %}
    # Bounded waits: 5 s to connect, 15 s without a byte, one retry, so a frozen
    # service gives the upload form its error well within gunicorn's timeout.
    connect_timeout=5,
    read_timeout=15,
    retries={"mode": "standard", "max_attempts": 2},
)
# Large files go up in 8 MiB parts, four at a time, with at most four parts read
# ahead (boto3 takes that one only as an attribute): a worker buffers ~32 MiB, not
# the ~125 MiB of boto3's defaults, whatever the file size.
AWS_S3_TRANSFER_CONFIG = TransferConfig(multipart_chunksize=8 * 1024 * 1024, max_concurrency=4)
AWS_S3_TRANSFER_CONFIG.max_in_memory_upload_chunks = 4
# No ACLs (new buckets refuse them): public prefixes come from a bucket policy.
AWS_DEFAULT_ACL = None
{%- if cookiecutter.media_access == "public" %}
# Public media: plain URLs, through a CDN or custom domain when one is set.
AWS_QUERYSTRING_AUTH = False
AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN", default=None)
{%- else %}
# Private media: every URL is signed and expires after this many seconds.
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=3600)
{%- endif %}

STORAGES = {
    "default": {
        "BACKEND": "config.storages.MediaStorage",
        "OPTIONS": {
            "location": "media",
            "object_parameters": {
                "CacheControl": env_str("MEDIA_CACHE_CONTROL", default="
{%- if cookiecutter.media_access == "public" %}public, max-age=86400{% else %}private, max-age=3600{% endif %}"),
            },
        },
    },
{%- if cookiecutter.static_storage == "bucket" %}
    "staticfiles": {
        "BACKEND": "config.storages.StaticStorage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STATIC_BUCKET_NAME", default=AWS_STORAGE_BUCKET_NAME),
            "location": "static",
            "querystring_auth": False,
{%- if cookiecutter.media_access == "private" %}
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN", default=None),
{%- endif %}
            "object_parameters": {
                "CacheControl": env_str(
                    "STATIC_CACHE_CONTROL", default="public, max-age=31536000, immutable"
                ),
            },
        },
    },
{%- else %}
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
{%- endif %}
}
{%- if cookiecutter.static_storage == "bucket" %}
# Static URLs come from the storage: the bucket, or the custom domain when set.
STATIC_URL = "static/"
# collectstatic compares files with one listing of the bucket and uploads only changes.
COLLECTFASTA_STRATEGY = "config.storages.StaticFilesStrategy"
{%- endif %}
{%- elif cookiecutter.__family == "gcs" %}

# Uploaded media live in a Google Cloud Storage bucket under media/. The Google
# client finds its credentials itself: the service-account key file named by
# GOOGLE_APPLICATION_CREDENTIALS, or the workload identity on Cloud Run and GKE.
# The bucket uses uniform bucket-level access, so no object ACLs are sent.
GS_BUCKET_NAME = env_str("GS_BUCKET_NAME")
MEDIA_URL = f"https://storage.googleapis.com/{GS_BUCKET_NAME}/media/"
{%- if cookiecutter.media_access == "private" %}
# Media are private: every URL is signed and expires after GS_EXPIRATION seconds.
# Signing needs a private key: without a key file (workload identity), set
# GS_IAM_SIGN_BLOB=True to sign through the IAM API as GS_SA_EMAIL (by default
# the credentials' own service account, which needs the Token Creator role).
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}

# Static files must stay public, so they go to a public bucket of their own,
# under static/ with hashed names (config/storages.py).
GS_STATIC_BUCKET_NAME = env_str("GS_STATIC_BUCKET_NAME")
STATIC_URL = f"https://storage.googleapis.com/{GS_STATIC_BUCKET_NAME}/static/"
{%- elif cookiecutter.static_storage == "bucket" %}

# Static files go to the same bucket (or a bucket of their own), under static/
# with hashed names (config/storages.py).
GS_STATIC_BUCKET_NAME = env_str("GS_STATIC_BUCKET_NAME", default=GS_BUCKET_NAME)
STATIC_URL = f"https://storage.googleapis.com/{GS_STATIC_BUCKET_NAME}/static/"
{%- endif %}

STORAGES = {
    "default": {
        "BACKEND": "config.storages.MediaStorage",
        "OPTIONS": {
            "bucket_name": GS_BUCKET_NAME,
            "location": "media",
            "default_acl": None,
{%- if cookiecutter.media_access == "private" %}
            # False only for an emulator that cannot sign (fake-gcs-server).
            "querystring_auth": env.bool("GS_QUERYSTRING_AUTH", default=True),
            "expiration": env.int("GS_EXPIRATION", default=3600),
            "iam_sign_blob": env.bool("GS_IAM_SIGN_BLOB", default=False),
            "sa_email": env_str("GS_SA_EMAIL", default=None),
            "object_parameters": {
                "cache_control": env_str("GS_CACHE_CONTROL", default="private, max-age=3600"),
            },
{%- else %}
            "querystring_auth": False,
            "object_parameters": {
                "cache_control": env_str("GS_CACHE_CONTROL", default="public, max-age=86400"),
            },
{%- endif %}
        },
    },
{%- if cookiecutter.static_storage == "bucket" %}
    "staticfiles": {
        "BACKEND": "config.storages.StaticStorage",
        "OPTIONS": {
            "bucket_name": GS_STATIC_BUCKET_NAME,
            "location": "static",
            "default_acl": None,
            "querystring_auth": False,
            "object_parameters": {"cache_control": "public, max-age=31536000, immutable"},
        },
    },
{%- else %}
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
{%- endif %}
}
{%- elif cookiecutter.__family == "azure" %}

# Uploaded media live in an Azure Blob Storage container under media/. The
# storage authenticates with the account key, or with a connection string when
# one is set (the local .env sets one for Azurite, the emulator).
AZURE_ACCOUNT_NAME = env_str("AZURE_ACCOUNT_NAME")
AZURE_CONTAINER = env_str("AZURE_CONTAINER")
AZURE_CONNECTION_STRING = env_str("AZURE_CONNECTION_STRING", default=None)
if AZURE_CONNECTION_STRING:
    AZURE_CREDENTIALS = {"connection_string": AZURE_CONNECTION_STRING}
else:
    AZURE_CREDENTIALS = {
        "account_name": AZURE_ACCOUNT_NAME,
        "account_key": env_str("AZURE_ACCOUNT_KEY"),
    }
MEDIA_URL = f"https://{AZURE_ACCOUNT_NAME}.blob.core.windows.net/{AZURE_CONTAINER}/media/"
# Bounded waits: 5 s to connect, 15 s without a byte, one retry, so a frozen
# service gives the upload form its error well within gunicorn's timeout.
AZURE_CLIENT_OPTIONS = {
    "connection_timeout": 5,
    "read_timeout": 15,
    "retry_total": 1,
    "initial_backoff": 1,
    "increment_base": 2,
}
{%- if cookiecutter.media_access == "private" %}
# Media are private: the container allows no anonymous reads, and every URL
# carries a SAS signature that expires after AZURE_URL_EXPIRATION_SECS seconds.
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}

# Static files must stay public, so they go to a container of their own with
# anonymous blob reads, under static/ with hashed names (config/storages.py).
AZURE_STATIC_CONTAINER = env_str("AZURE_STATIC_CONTAINER")
STATIC_URL = f"https://{AZURE_ACCOUNT_NAME}.blob.core.windows.net/{AZURE_STATIC_CONTAINER}/static/"
{%- elif cookiecutter.static_storage == "bucket" %}

# Static files go to the same container (or a container of their own), under
# static/ with hashed names (config/storages.py).
AZURE_STATIC_CONTAINER = env_str("AZURE_STATIC_CONTAINER", default=AZURE_CONTAINER)
STATIC_URL = f"https://{AZURE_ACCOUNT_NAME}.blob.core.windows.net/{AZURE_STATIC_CONTAINER}/static/"
{%- endif %}

STORAGES = {
    "default": {
        "BACKEND": "config.storages.MediaStorage",
        "OPTIONS": {
            **AZURE_CREDENTIALS,
            "azure_container": AZURE_CONTAINER,
            "location": "media",
            # Create-only writes; names are unique anyway (config/storages.py).
            "overwrite_files": False,
            "client_options": AZURE_CLIENT_OPTIONS,
{%- if cookiecutter.media_access == "private" %}
            "expiration_secs": env.int("AZURE_URL_EXPIRATION_SECS", default=3600),
            "cache_control": env_str("AZURE_CACHE_CONTROL", default="private, max-age=3600"),
{%- else %}
            "cache_control": env_str("AZURE_CACHE_CONTROL", default="public, max-age=86400"),
{%- endif %}
        },
    },
{%- if cookiecutter.static_storage == "bucket" %}
    "staticfiles": {
        "BACKEND": "config.storages.StaticStorage",
        "OPTIONS": {
            **AZURE_CREDENTIALS,
            "azure_container": AZURE_STATIC_CONTAINER,
            "location": "static",
            "overwrite_files": True,
            "client_options": AZURE_CLIENT_OPTIONS,
            "cache_control": "public, max-age=31536000, immutable",
        },
    },
{%- else %}
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
{%- endif %}
}
{%- elif cookiecutter.__family == "cloudinary" %}

# Uploaded media live on Cloudinary under media/ (config/storages.py).
# The account, in the SDK's own format: cloudinary://API_KEY:API_SECRET@CLOUD_NAME.
CLOUDINARY_URL = env_str("CLOUDINARY_URL")

STORAGES = {
    "default": {
        "BACKEND": "config.storages.CloudinaryStorage",
        "OPTIONS": {
            "location": "media",
{%- if cookiecutter.media_access == "private" %}
            # Files are delivered only through signed URLs, which storage.url() builds.
            "delivery_type": "authenticated",
{%- else %}
            "delivery_type": "upload",
{%- endif %}
        },
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
{%- endif %}

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
{%- if cookiecutter.storage_provider == "azure" %}
    # The Azure SDK logs every HTTP request and response at INFO.
    "loggers": {"azure": {"level": "WARNING"}},
{%- endif %}
}
