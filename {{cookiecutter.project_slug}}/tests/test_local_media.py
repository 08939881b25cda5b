"""Media on local disk (MEDIA_STORAGE_URL=file:...): served on request, refused on Heroku."""

import importlib
import io

import pytest
from django.core.checks import Error
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.urls import clear_url_caches

import config.urls
import mediafiles.urls
from mediafiles import local as local_media
from mediafiles.local import media_survives_restarts


@pytest.fixture(autouse=True)
def media_on_local_disk(settings, tmp_path):
    """Media on local disk, as MEDIA_STORAGE_URL=file:media gives them."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "mediafiles.local.LocalMediaStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": "/media/"},
        },
    }


@pytest.fixture
def serve_media(settings):
{%- if cookiecutter.use_docker %}
    """Reload the URLconf with SERVE_MEDIA on, as compose.yaml runs it."""
{%- else %}
    """Reload the URLconf with SERVE_MEDIA on."""
{%- endif %}

    def reload_urls():
        importlib.reload(local_media)
        importlib.reload(mediafiles.urls)
        importlib.reload(config.urls)
        clear_url_caches()

    settings.SERVE_MEDIA = True
    reload_urls()
    yield
    settings.SERVE_MEDIA = False
    reload_urls()


{% if cookiecutter.media_access == "private" -%}
@pytest.mark.django_db
def test_private_media_are_never_served_from_their_folder(admin_client, serve_media):
    """Even with SERVE_MEDIA on, and to a superuser: only the links of
    mediafiles/access.py hand out a private file (tests/test_private_media.py)."""
    name = default_storage.save("uploads/page.html", ContentFile(b"<script>alert(1)</script>"))

    assert admin_client.get(default_storage.url(name)).status_code == 404
{%- else -%}
@pytest.mark.django_db
def test_media_are_served_sandboxed_when_asked(client, serve_media):
    name = default_storage.save("uploads/page.html", ContentFile(b"<script>alert(1)</script>"))

    response = client.get(default_storage.url(name))

    assert response.status_code == 200
    assert response.getvalue() == b"<script>alert(1)</script>"
    response.close()
    assert response["Content-Security-Policy"] == "sandbox"
    assert client.get("/media/uploads/missing.txt").status_code == 404
    assert client.get("/media/../config/settings.py").status_code == 400
{%- endif %}


def test_media_are_not_served_by_default(client):
    name = default_storage.save("uploads/private.txt", ContentFile(b"private"))

    assert client.get(default_storage.url(name)).status_code == 404


def test_local_media_on_heroku_fails_the_checks(monkeypatch):
    monkeypatch.setenv("DYNO", "web.1")

    errors = media_survives_restarts(None)

    assert [error.id for error in errors] == ["mediafiles.E001"]
    assert isinstance(errors[0], Error)
    assert "wipes" in errors[0].msg
    with pytest.raises(SystemCheckError, match="mediafiles.E001"):
        call_command("check")


def test_local_media_off_heroku_pass_the_checks(monkeypatch):
    monkeypatch.delenv("DYNO", raising=False)

    assert media_survives_restarts(None) == []


def test_remote_media_on_heroku_pass_the_checks(monkeypatch, settings):
    monkeypatch.setenv("DYNO", "web.1")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }

    assert media_survives_restarts(None) == []


{% if cookiecutter.media_access == "private" -%}
def test_storage_check_proves_the_media_folder_is_not_served(live_server, serve_media):
    out = io.StringIO()

    call_command("storage_check", "--base-url", live_server.url, stdout=out)

    steps = {line.split()[0]: line for line in out.getvalue().splitlines() if line[:1].islower()}
    assert steps["fetch"].split()[1] == "skipped", out.getvalue()
    assert steps["unsigned"].split()[1] == "ok", out.getvalue()
    assert "refused with 404" in steps["unsigned"]
{%- else -%}
def test_storage_check_fetches_media_through_the_site(live_server, serve_media):
    out = io.StringIO()

    call_command("storage_check", "--base-url", live_server.url, stdout=out)

    fetch = [line for line in out.getvalue().splitlines() if line.startswith("fetch ")]
    assert fetch and fetch[0].split()[1] == "ok", out.getvalue()
    assert "200" in fetch[0]
{%- endif %}


def test_storage_check_names_a_media_root_that_is_not_a_directory(settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media directory should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": blocker / "media"}},
    }

    with pytest.raises(CommandError, match=r"^media directory missing: Not a directory"):
        call_command("storage_check", stdout=io.StringIO())


def test_storage_check_without_the_site_address_skips_the_fetch():
    out = io.StringIO()

    call_command("storage_check", stdout=out)

    assert "pass --base-url" in out.getvalue()
