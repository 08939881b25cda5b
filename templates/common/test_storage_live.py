"""Round trips against the real storage service configured in the environment.

Deselected unless STORAGE_LIVE_TESTS=1. Start the local emulator as README.md
says, then:

    set -a && . ./.env && set +a && STORAGE_LIVE_TESTS=1 pytest -m live

Against your real bucket, export its variables (see .env.example) instead of .env.
"""

import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config import settings as project_settings
from tests.examples.models import Profile

pytestmark = [pytest.mark.live, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def real_storages(settings):
    """The storages of config/settings.py instead of the unit tests' doubles."""
    settings.STORAGES = project_settings.STORAGES
    settings.STATIC_URL = project_settings.STATIC_URL


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


{% if cookiecutter.media_access == "private" -%}
def signed_url(client, field_file):
    """The signed URL that a private file's link hands an allowed user (mediafiles/access.py)."""
    response = client.get(field_file.url)
    assert response.status_code == 302, response.status_code
    assert response["Cache-Control"] == "private, no-store"
    return response["Location"]


def fetched(client, field_file):
    """A file as its link gives it to an allowed user."""
    return http_get(signed_url(client, field_file))
{% else -%}
def fetched(client, field_file):
    """A file as a page links it."""
    return http_get(field_file.url)
{% endif %}

def upload(client, name, content):
    data = {"name": name, "cv": SimpleUploadedFile(name, content)}
    response = client.post(reverse("admin:examples_profile_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Profile.objects.order_by("-pk").first()


def test_admin_upload_round_trip(admin_client, django_capture_on_commit_callbacks):
    content = f"live round trip {uuid.uuid4()}\n".encode() * 64

    item = upload(admin_client, "live.txt", content)

    assert item.cv.name.startswith("cv/")
    with default_storage.open(item.cv.name) as stored:
        assert stored.read() == content
    assert fetched(admin_client, item.cv) == (200, content)
    with django_capture_on_commit_callbacks(execute=True):
        delete = reverse("admin:examples_profile_delete", args=[item.pk])
        admin_client.post(delete, {"post": "yes"})
    assert not default_storage.exists(item.cv.name)


def test_same_name_uploads_keep_both(admin_client):
    first = upload(admin_client, "same.txt", b"first")
    second = upload(admin_client, "same.txt", b"second")

    assert first.cv.name != second.cv.name
    assert fetched(admin_client, first.cv) == (200, b"first")
    assert fetched(admin_client, second.cv) == (200, b"second")
    for item in (first, second):
        default_storage.delete(item.cv.name)
{%- if cookiecutter.media_access == "private" and cookiecutter.__family != "filesystem" %}


# The query parameter that carries a signed URL's signature.
SIGNATURE = "{{ cookiecutter._families[cookiecutter.__family].signature }}"


def test_private_media_need_a_valid_signature(admin_client):
    item = upload(admin_client, "secret.txt", b"for signed eyes only")
    signed = signed_url(admin_client, item.cv)
    parts = urllib.parse.urlsplit(signed)
    unsigned = urllib.parse.urlunsplit(parts._replace(query=""))
    query = urllib.parse.parse_qsl(parts.query)
    tampered_query = [
        (key, value[:-4] + "0000" if key.lower() == SIGNATURE else value) for key, value in query
    ]
    tampered = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(tampered_query)))

    assert http_get(signed) == (200, b"for signed eyes only")
    assert http_get(unsigned)[0] == 403
    assert http_get(tampered)[0] == 403
    default_storage.delete(item.cv.name)
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}


def test_collectstatic_serves_hashed_files_from_the_bucket(settings):
    from django.core.files.storage import storages
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    # A fresh storage reads the manifest that collectstatic just wrote.
    static = storages.create_storage(settings.STORAGES["staticfiles"])
    url = static.url("admin/css/base.css")

    assert "/static/admin/css/base." in url
    with static.open(static.stored_name("admin/css/base.css")) as stored:
        assert http_get(url) == (200, stored.read())
{%- endif %}
