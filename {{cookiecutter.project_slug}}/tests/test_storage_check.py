"""manage.py storage_check: every step, every cause, and the probe always deleted.

The storage is the unit tests' own (config/test_settings.py); its URLs are served
by small views of this module under Django's live server, as a storage service
would serve them: as stored, refused, with other bytes, or not at all.
"""

import io
import socket

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404, HttpResponse
from django.urls import path

{% if cookiecutter.media_access == "private" and cookiecutter.__family == "filesystem" -%}
from mediafiles.local import LocalMediaStorage
{% endif -%}
from mediafiles.storage import MemoryMediaStorage

STEPS = ["write", "read", "url", "fetch", "unsigned", "delete", "gone"]


def stored(request, name):
    try:
        with default_storage.open(name) as file:
            data = file.read()
    except FileNotFoundError as error:
        raise Http404(name) from error
    return HttpResponse(data, content_type="text/plain")


def forbidden(request, name):
    return HttpResponse(b"Access Denied", status=403)


def other_bytes(request, name):
    return HttpResponse(b"a page that is not the probe")
{%- if cookiecutter.media_access == "private" and cookiecutter.__family != "filesystem" %}


def signed_only(request, name):
    if request.GET.get("signature") != "valid":
        return HttpResponse(b"Access Denied", status=403)
    return stored(request, name)
{%- endif %}


urlpatterns = [
    path("served/<path:name>", stored),
    path("forbidden/<path:name>", forbidden),
    path("other-bytes/<path:name>", other_bytes),
{%- if cookiecutter.media_access == "private" and cookiecutter.__family != "filesystem" %}
    path("signed/<path:name>", signed_only),
    path("leaky/<path:name>", stored),
{%- endif %}
]


{% if cookiecutter.media_access == "private" and cookiecutter.__family != "filesystem" -%}
class SignedStorage(MemoryMediaStorage):
    """URLs that carry a signature, as private media have them (abilities.SignsURLs)."""

    def url(self, name):
        return super().url(name) + "?signature=valid"

    def unsigned_url(self, url):
        return url.partition("?")[0]


{% endif -%}
{% if cookiecutter.media_access == "private" and cookiecutter.__family == "filesystem" -%}
class ServedLocalStorage(LocalMediaStorage):
    """Local disk whose folder URL serves its files, as public media are: the steps
    below are checked on it (tests/test_local_media.py checks the private folder)."""

    private = False


{% endif -%}
class RefusingStorage(MemoryMediaStorage):
    """A storage that refuses every write, and knows why."""

    def _save(self, name, content):
        raise PermissionError("refused")

    def diagnose(self, error):
        return "credentials refused: the test says so"


class UndeletableStorage(MemoryMediaStorage):
    def delete(self, name):
        pass


@pytest.fixture
def media(settings, tmp_path):
    """Media served (or not) under /<prefix>/ by the views above, from a storage class."""

    def use(prefix, storage_class=None):
        settings.ROOT_URLCONF = __name__
        default = settings.STORAGES["default"]
{%- if cookiecutter.media_access == "private" and cookiecutter.__family == "filesystem" %}
        storage_class = storage_class or ServedLocalStorage
{%- endif %}
        if storage_class is not None:
            default = {"BACKEND": f"{__name__}.{storage_class.__name__}"}
        options = {"location": tmp_path / "media", "base_url": f"/{prefix}/"}
        settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}

    return use


def storage_check(*args):
    """(output lines, CommandError or None) of a run."""
    out = io.StringIO()
    try:
        call_command("storage_check", *args, stdout=out)
    except CommandError as error:
        return out.getvalue().splitlines(), error
    return out.getvalue().splitlines(), None


def states(lines):
    """Each step's state: {"write": "ok", "fetch": "skipped", ...}."""
    words = [line.split() for line in lines if line.split() and line.split()[0] in STEPS]
    return {step: state for step, state, *_ in words}


def line(lines, step):
    (found,) = [text for text in lines if text.startswith(f"{step} ")]
    return found


def files_left(directory=""):
    """Every file still in the default storage."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return []
    found = [f"{directory}{name}" for name in files]
    for folder in folders:
        found += files_left(f"{directory}{folder}/")
    return found


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_working_storage_passes_every_step(live_server, media):
    media("served")

    lines, error = storage_check("--base-url", live_server.url)

    assert error is None, lines
    assert states(lines) == {
        "write": "ok",
        "read": "ok",
        "url": "ok",
        "fetch": "ok",
        "unsigned": "skipped",
        "delete": "ok",
        "gone": "ok",
    }
    assert line(lines, "write").split()[-1].startswith("storage-check/")
    assert " ms " in line(lines, "fetch") and "200" in line(lines, "fetch")
    assert "its URL served" in lines[-1]
    assert files_left() == []


def test_a_relative_url_is_not_fetched_without_the_site_address(media):
    media("served")

    lines, error = storage_check()

    assert error is None, lines
    assert states(lines)["fetch"] == "skipped"
    assert "pass --base-url" in line(lines, "fetch")
    assert "not fetched" in lines[-1]
    assert files_left() == []


def test_a_refused_public_url_is_public_read_blocked_and_the_probe_deleted(live_server, media):
    media("forbidden")

    lines, error = storage_check("--base-url", live_server.url)

    assert error is not None
    assert str(error).startswith("public read blocked: "), error
    assert "answered 403" in str(error)
    assert states(lines) == {**dict.fromkeys(STEPS, "ok"), "fetch": "FAILED", "unsigned": "skipped"}
    assert files_left() == []


@pytest.mark.parametrize(
    ("prefix", "cause"),
    [("other-bytes", "other bytes"), ("nowhere", "answered 404")],
)
def test_a_url_that_does_not_serve_the_probe_is_not_served(live_server, media, prefix, cause):
    media(prefix)

    lines, error = storage_check("--base-url", live_server.url)

    assert str(error).startswith("URL not served: "), error
    assert cause in str(error)
    assert states(lines)["delete"] == "ok" and states(lines)["gone"] == "ok"
    assert files_left() == []


def test_a_site_that_does_not_answer_is_unreachable(media):
    media("served")

    lines, error = storage_check("--base-url", f"http://127.0.0.1:{closed_port()}")

    assert str(error).startswith("unreachable: http://127.0.0.1:"), error
    assert "connection refused" in str(error)
    assert files_left() == []
{%- if cookiecutter.media_access == "private" and cookiecutter.__family != "filesystem" %}


def test_signed_urls_must_be_refused_without_their_signature(live_server, media):
    media("signed", SignedStorage)

    lines, error = storage_check("--base-url", live_server.url)

    assert error is None, lines
    assert states(lines)["unsigned"] == "ok"
    assert "refused with 403" in line(lines, "unsigned")
    assert "(signed)" in line(lines, "url")


def test_signed_urls_served_without_their_signature_are_a_leak(live_server, media):
    media("leaky", SignedStorage)

    lines, error = storage_check("--base-url", live_server.url)

    assert str(error).startswith("private media leak: "), error
    assert states(lines)["fetch"] == "ok" and states(lines)["unsigned"] == "FAILED"
    assert files_left() == []
{%- endif %}


def test_a_refused_write_names_the_storage_diagnosis_and_leaves_nothing(media):
    media("served", RefusingStorage)

    lines, error = storage_check()

    assert str(error) == "credentials refused: the test says so"
    assert states(lines) == {**dict.fromkeys(STEPS, "skipped"), "write": "FAILED"}
    assert "nothing was written" in line(lines, "delete")


def test_a_probe_still_there_after_delete_fails_the_check(media):
    media("served", UndeletableStorage)

    lines, error = storage_check()

    assert "not deleted: " in str(error) and "still there" in str(error)
    assert states(lines)["gone"] == "FAILED"


def test_an_unknown_storage_alias_is_refused():
    with pytest.raises(CommandError, match="nowhere"):
        call_command("storage_check", "--storage", "nowhere", stdout=io.StringIO())
