"""Settings for the test suite: the real settings, with test-only values.

The tests never read .env and need no server, so they behave the same on every machine.
"""

import os

os.environ["ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
{%- if cookiecutter.__family == "s3" %}
os.environ.setdefault("AWS_STORAGE_BUCKET_NAME", "test-bucket")
{%- if cookiecutter.storage_provider == "digitalocean-spaces" %}
os.environ.setdefault("AWS_S3_REGION_NAME", "nyc3")
{%- elif cookiecutter.storage_provider == "s3-compatible" %}
os.environ.setdefault("AWS_S3_ENDPOINT_URL", "http://localhost:8333")
{%- endif %}
{%- if cookiecutter.storage_provider != "aws-s3" %}
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test-key")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test-secret")
{%- endif %}
{%- elif cookiecutter.__family == "gcs" %}
os.environ.setdefault("GS_BUCKET_NAME", "test-media")
{%- if cookiecutter.static_storage == "bucket" %}
os.environ.setdefault("GS_STATIC_BUCKET_NAME", "test-static")
{%- endif %}
{%- elif cookiecutter.__family == "azure" %}
os.environ.setdefault("AZURE_ACCOUNT_NAME", "testaccount")
os.environ.setdefault("AZURE_ACCOUNT_KEY", "dGVzdC1vbmx5LWtleQ==")
os.environ.setdefault("AZURE_CONTAINER", "test-media")
{%- if cookiecutter.static_storage == "bucket" %}
os.environ.setdefault("AZURE_STATIC_CONTAINER", "test-static")
{%- endif %}
{%- elif cookiecutter.__family == "cloudinary" %}
# tests/test_cloudinary_live.py runs only with a real account in CLOUDINARY_URL.
CLOUDINARY_LIVE = bool(os.environ.get("CLOUDINARY_URL"))
os.environ.setdefault("CLOUDINARY_URL", "cloudinary://test-key:test-secret@test-cloud")
{%- endif %}

{% if cookiecutter.__family != "filesystem" -%}
from django.core.files.storage import InMemoryStorage  # noqa: E402

{% endif -%}
from config.settings import *  # noqa: E402, F403
{% if cookiecutter.__family != "filesystem" -%}
from uploads.storage import UniqueNames  # noqa: E402


class MemoryMediaStorage(UniqueNames, InMemoryStorage):
    """Uploads in memory, named as the real media storage names them."""

{% endif %}
STORAGES = {
    **STORAGES,  # noqa: F405
{%- if cookiecutter.__family != "filesystem" %}
{%- if cookiecutter.__family == "cloudinary" %}
    # Unit tests keep uploads in memory; tests/test_cloudinary_storage.py covers Cloudinary.
{%- else %}
    # Unit tests keep uploads in memory; tests/test_storage_live.py uses the real bucket.
{%- endif %}
    "default": {"BACKEND": "config.test_settings.MemoryMediaStorage"},
{%- endif %}
    # Tests render admin pages without running collectstatic first.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
{%- if cookiecutter.static_storage == "bucket" %}
STATIC_URL = "/static/"
{%- endif %}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
