"""Settings for the test suite: the real settings, with test-only values.

The tests never read .env and need no server, so they behave the same on every machine:
the database is SQLite in memory unless DATABASE_URL names another (PostgreSQL, as
deployed; pytest-django creates and drops a `test_<name>` database beside it).
"""

import os

os.environ["ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
{%- include "providers/" ~ cookiecutter.__family ~ "/test_settings.py" ignore missing %}

from config.settings import *  # noqa: E402, F403

STORAGES = {
    **STORAGES,  # noqa: F405
    # Tests render admin pages without running collectstatic first.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
{%- if cookiecutter.__family != "filesystem" %}
# Unit tests keep uploads in memory, named as the real media storage names them;
# tests/test_storage_live.py runs against the real service.
STORAGES["default"] = {"BACKEND": "mediafiles.storage.MemoryMediaStorage"}
{%- endif %}
STATIC_URL = "/static/"
# A developer's own app (tests/examples): the file guarantees are proven on its models.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.examples"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
