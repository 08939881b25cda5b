"""The Cloudinary storage against a real account: uploads, URLs, downloads, deletes.

Deselected unless STORAGE_LIVE_TESTS=1 (see conftest.py), against the account in
MEDIA_STORAGE_URL. Use a development account: the tests delete what they upload.

    MEDIA_STORAGE_URL=cloudinary://KEY:SECRET@CLOUD STORAGE_LIVE_TESTS=1 pytest -m live
"""

import urllib.error
import urllib.request
import uuid

import pytest
from django.core.files.base import ContentFile

from config import settings as project_settings
from mediafiles.backends import CloudinaryStorage

pytestmark = pytest.mark.live


@pytest.fixture
def storage():
    """The storage exactly as config/settings.py configures it."""
    return CloudinaryStorage(**project_settings.STORAGES["default"]["OPTIONS"])


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize(
    ("filename", "resource_type"), [("live.png", "image"), ("live.txt", "raw")]
)
def test_round_trip(storage, png_bytes, filename, resource_type):
    content = png_bytes if resource_type == "image" else f"live {uuid.uuid4()}\n".encode()

    name = storage.save(f"live-tests/{filename}", ContentFile(content))
    try:
        assert name.startswith(f"{resource_type}/{storage.delivery_type}/media/live-tests/")
        with storage.open(name) as stored:
            assert stored.read() == content
        assert storage.size(name) == len(content)
        assert http_get(storage.url(name)) == (200, content)
    finally:
        storage.delete(name)
    with pytest.raises(FileNotFoundError):
        storage.open(name)


def test_same_name_uploads_keep_both(storage):
    first = storage.save("live-tests/same.txt", ContentFile(b"first"))
    second = storage.save("live-tests/same.txt", ContentFile(b"second"))
    try:
        assert first != second
        assert storage.open(first).read() == b"first"
        assert storage.open(second).read() == b"second"
    finally:
        storage.delete(first)
        storage.delete(second)
{%- if cookiecutter.media_access == "private" %}


def test_private_media_need_the_signature(storage):
    name = storage.save("live-tests/secret.txt", ContentFile(b"for signed eyes only"))
    try:
        signed = storage.url(name)
        unsigned = signed.replace(signed.split("/")[6] + "/", "")

        assert "/raw/authenticated/s--" in signed
        assert http_get(signed) == (200, b"for signed eyes only")
        assert http_get(unsigned)[0] != 200
    finally:
        storage.delete(name)
{%- endif %}
