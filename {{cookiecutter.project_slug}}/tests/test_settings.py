"""The settings module, imported in a fresh process with a controlled environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'DEBUG': settings.DEBUG, 'ALLOWED_HOSTS': settings.ALLOWED_HOSTS}))"
)
PRODUCTION = {
    "SECRET_KEY": "a-production-secret-key-that-is-only-used-by-this-test-0123456789",
    "ALLOWED_HOSTS": "example.com",
{%- if cookiecutter.__family == "s3" %}
    "AWS_STORAGE_BUCKET_NAME": "example-media",
{%- if cookiecutter.storage_provider == "digitalocean-spaces" %}
    "AWS_S3_REGION_NAME": "nyc3",
{%- elif cookiecutter.storage_provider == "s3-compatible" %}
    "AWS_S3_ENDPOINT_URL": "https://0123456789abcdef.r2.cloudflarestorage.com",
{%- endif %}
{%- if cookiecutter.storage_provider != "aws-s3" %}
    "AWS_ACCESS_KEY_ID": "example-key",
    "AWS_SECRET_ACCESS_KEY": "example-secret",
{%- endif %}
{%- elif cookiecutter.__family == "gcs" %}
    "GS_BUCKET_NAME": "example-media",
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}
    "GS_STATIC_BUCKET_NAME": "example-static",
{%- endif %}
{%- elif cookiecutter.__family == "azure" %}
    "AZURE_ACCOUNT_NAME": "exampleaccount",
    "AZURE_ACCOUNT_KEY": "ZXhhbXBsZS1rZXk=",
    "AZURE_CONTAINER": "media",
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}
    "AZURE_STATIC_CONTAINER": "static",
{%- endif %}
{%- elif cookiecutter.__family == "cloudinary" %}
    "CLOUDINARY_URL": "cloudinary://111222333:s3cr3t@demo-cloud",
{%- endif %}
}

# What the storage needs, without the variables only production requires.
STORAGE_VARIABLES = {
    name: value for name, value in PRODUCTION.items() if name not in ("SECRET_KEY", "ALLOWED_HOSTS")
}


def load_settings(code=PRINT_SETTINGS, **variables):
    """Run code after importing config.settings with only these variables set (and no .env)."""
    env = {"PATH": os.environ["PATH"], "ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env={**env, **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION))
def test_production_stops_naming_a_missing_variable(missing):
    variables = {name: value for name, value in PRODUCTION.items() if name != missing}

    result = load_settings(**variables)

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


@pytest.mark.parametrize("empty", sorted(PRODUCTION))
def test_production_stops_naming_a_variable_set_but_empty(empty):
    result = load_settings(**{**PRODUCTION, empty: " "})

    assert result.returncode != 0
    assert f"Set the {empty} environment variable (it is empty)" in result.stderr


def test_production_starts_with_its_variables():
    result = load_settings(**PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"DEBUG": False, "ALLOWED_HOSTS": ["example.com"]}


def test_debug_needs_no_secret_key_or_hosts():
    result = load_settings(DEBUG="True", **STORAGE_VARIABLES)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["DEBUG"] is True


def test_list_variables_lose_their_blanks():
    result = load_settings(**{**PRODUCTION, "ALLOWED_HOSTS": " example.com, www.example.com ,"})

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ALLOWED_HOSTS"] == ["example.com", "www.example.com"]


def test_env_file_is_read_and_real_variables_win(tmp_path):
    env_file = tmp_path / "production.env"
    env_file.write_text(
        "SECRET_KEY=from-the-file-0123456789-0123456789-0123456789-0123456789\n"
        "ALLOWED_HOSTS=file.example.com  # inline comments are dropped\n"
        "DEBUG=True\n"
    )

    result = load_settings(ENV_FILE=str(env_file), DEBUG="False", **STORAGE_VARIABLES)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"DEBUG": False, "ALLOWED_HOSTS": ["file.example.com"]}
{%- if cookiecutter.__family == "s3" %}


# URLs are built offline by boto3: these checks need no bucket and no network.
# (The static storage is built without its manifest, which would be fetched from the bucket.)
PRINT_URLS = (
    "import json, django; django.setup(); "
    "from django.conf import settings; "
    "from storages.backends.s3 import S3Storage; "
    "options = {alias: s.get('OPTIONS', {}) for alias, s in settings.STORAGES.items()}; "
    "print(json.dumps({alias: S3Storage(**kw).url('a b.txt') for alias, kw in options.items()}))"
)


EXAMPLE_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "example"}


def storage_urls(**variables):
    result = load_settings(PRINT_URLS, **{**PRODUCTION, **variables})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
{%- if cookiecutter.storage_provider == "aws-s3" %}


def test_urls_point_at_the_aws_bucket_with_credentials_from_the_chain():
    urls = storage_urls(AWS_S3_REGION_NAME="eu-west-1", **EXAMPLE_KEYS)

    assert urls["default"].startswith("https://example-media.s3.")
    assert "amazonaws.com/media/a%20b.txt" in urls["default"]
{%- elif cookiecutter.storage_provider == "digitalocean-spaces" %}


def test_urls_point_at_the_space_of_the_region():
    urls = storage_urls()

    assert urls["default"].startswith(
        "https://example-media.nyc3.digitaloceanspaces.com/media/a%20b.txt"
    )
{%- else %}


def test_urls_point_at_the_endpoint_with_path_addressing():
    urls = storage_urls()

    assert urls["default"].startswith(
        "https://0123456789abcdef.r2.cloudflarestorage.com/example-media/media/a%20b.txt"
    )
{%- endif %}
{%- if cookiecutter.media_access == "private" %}


def test_private_media_urls_are_signed_with_s3v4_and_expire():
    url = storage_urls(AWS_QUERYSTRING_EXPIRE="600", **EXAMPLE_KEYS)["default"]

    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url
    assert "X-Amz-Expires=600" in url
    assert "X-Amz-Signature=" in url
{%- else %}


def test_public_media_urls_are_plain_and_use_the_custom_domain():
    urls = storage_urls(AWS_S3_CUSTOM_DOMAIN="cdn.example.com")

    assert urls["default"] == "https://cdn.example.com/media/a%20b.txt"
    assert "X-Amz-Signature" not in urls["default"]
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}


def test_static_files_go_to_the_static_prefix_unsigned():
    url = storage_urls(**EXAMPLE_KEYS)["staticfiles"]

    assert "/static/a%20b.txt" in url
    assert "X-Amz-Signature" not in url
{%- endif %}
{%- endif %}
