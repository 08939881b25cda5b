"""The Google Cloud Storage configuration, checked offline.

The storages are built from config.settings.STORAGES (the test settings keep
media in memory) with credentials that need no network.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
{%- if cookiecutter.static_storage == "bucket" %}
from django.contrib.staticfiles.storage import ManifestFilesMixin
{%- endif %}
from django.core.files.storage import storages
{%- if cookiecutter.static_storage == "bucket" %}
from django.utils.module_loading import import_string
{%- endif %}
from google.auth.credentials import AnonymousCredentials
from google.oauth2 import service_account

from config import settings as configured

# The bucket the test settings' storage URL names (config/test_settings.py).
BUCKET = "test-media"


def build(alias, credentials):
    storage = configured.STORAGES[alias]
    options = {**storage["OPTIONS"], "credentials": credentials, "project_id": "test"}
    return storages.create_storage({**storage, "OPTIONS": options})


@pytest.fixture(scope="module")
def signing_credentials():
    """A service account with a fresh private key, as a key file would give."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return service_account.Credentials.from_service_account_info(
        {
            "client_email": "signer@test.iam.gserviceaccount.com",
            "private_key": pem,
            "token_uri": "https://oauth2.googleapis.com/token",
            "project_id": "test",
        }
    )


def test_media_go_under_media_and_are_never_overwritten():
    storage = build("default", AnonymousCredentials())

    assert storage.bucket_name == BUCKET
    assert storage.location == "media"
    names = {storage.get_available_name("uploads/report.pdf") for _ in range(20)}
    assert len(names) == 20
    assert storage.default_acl is None
    assert storage.object_parameters["cache_control"]
{%- if cookiecutter.media_access == "private" %}


def test_private_media_urls_are_signed_and_expire(signing_credentials):
    storage = build("default", signing_credentials)

    url = storage.url("uploads/report.pdf")

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path == f"/{BUCKET}/media/uploads/report.pdf"
    assert query["X-Goog-Expires"] == ["60"]
    assert query["X-Goog-Credential"][0].startswith("signer@test.iam.gserviceaccount.com/")
    assert len(query["X-Goog-Signature"][0]) == 512
{%- else %}


def test_public_media_urls_are_plain_and_unsigned(signing_credentials):
    storage = build("default", signing_credentials)

    url = storage.url("uploads/report.pdf")

    assert url == f"https://storage.googleapis.com/{BUCKET}/media/uploads/report.pdf"
    assert not parse_qs(urlsplit(url).query)
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}


def test_static_files_are_public_under_static_with_hashed_names():
    # Building the storage would read its manifest from the bucket: check the settings.
    static = configured.STORAGES["staticfiles"]
    options = static["OPTIONS"]

    assert issubclass(import_string(static["BACKEND"]), ManifestFilesMixin)
    assert options["bucket_name"] == "test-static"
    assert options["location"] == "static"
    assert options["querystring_auth"] is False
    assert "immutable" in options["object_parameters"]["cache_control"]
{%- endif %}
