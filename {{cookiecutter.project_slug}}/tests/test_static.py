import gzip
import re

import brotli
import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

# Closing a response ends the request, which checks the database connection.
pytestmark = pytest.mark.django_db

PRODUCTION_STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture
def collected_static(settings, tmp_path):
    """Production static storage, collected into a fresh STATIC_ROOT."""
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


def fetch(url, accept_encoding):
    """GET a static URL through the middleware; return the response and its body."""
    response = Client().get(url, headers={"accept-encoding": accept_encoding})
    try:
        return response, b"".join(response.streaming_content) if response.streaming else b""
    finally:
        response.close()


@pytest.mark.parametrize("name", ["admin/css/base.css", "css/site.css"])
def test_whitenoise_serves_hashed_files_compressed_and_immutable(collected_static, name):
    url = staticfiles_storage.url(name)
    assert re.search(r"\.[0-9a-f]{12}\.css$", url), url
    original = (collected_static / url.removeprefix("/static/")).read_bytes()

    response, body = fetch(url, "br, gzip")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert "immutable" in response["Cache-Control"]
    assert brotli.decompress(body) == original


def test_whitenoise_falls_back_to_gzip(collected_static):
    url = staticfiles_storage.url("admin/css/base.css")
    original = (collected_static / url.removeprefix("/static/")).read_bytes()

    response, body = fetch(url, "gzip")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == original


def test_unknown_static_file_is_a_404(collected_static):
    response, _ = fetch("/static/admin/css/missing.css", "br, gzip")

    assert response.status_code == 404


def test_favicon_ico_leads_to_the_collected_icon(collected_static):
    redirect = Client().get("/favicon.ico")
    assert redirect.status_code == 302
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.ico", redirect["Location"])

    response, body = fetch(redirect["Location"], "identity")

    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert body == (django_settings.BASE_DIR / "static" / "favicon.ico").read_bytes()
