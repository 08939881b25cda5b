import gzip
import re

import brotli
import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client, override_settings

# Closing a response ends the request, which checks the database connection.
pytestmark = pytest.mark.django_db

PRODUCTION_STATIC_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def production_static(static_root):
    """The settings of production's static storage, collected into static_root."""
    return {
        "STATIC_ROOT": static_root,
        "STORAGES": {
            **django_settings.STORAGES,
            "staticfiles": {"BACKEND": PRODUCTION_STATIC_STORAGE},
        },
    }


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """A STATIC_ROOT that collectstatic filled with production's static storage,
    once for this module's tests (they only read it)."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(**production_static(root)):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def collected_static(settings, static_root):
    """Production static storage, serving the collected STATIC_ROOT."""
    for name, value in production_static(static_root).items():
        setattr(settings, name, value)
    return static_root


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
