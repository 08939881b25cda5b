"""mediafiles.backends with the SDK's HTTP layer replaced: no network.

tests/test_cloudinary_live.py runs the same storage against a real account.
"""

import base64
import hashlib
import json
import re
from types import SimpleNamespace

import cloudinary.uploader
import pytest
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from mediafiles.backends import CloudinaryStorage, account_options, resource_type_for

ACCOUNT = "cloudinary://111222333:s3cr3t@demo-cloud"
RESULT = {"version": 1767225600, "bytes": 5}


class FakeHttp:
    """Records requests and answers them in turn, as urllib3 would."""

    def __init__(self):
        self.requests, self.answers = [], []

    def answer(self, status=200, payload=None, data=b"", headers=None):
        body = json.dumps(payload).encode() if payload is not None else data
        self.answers.append(SimpleNamespace(status=status, data=body, headers=headers or {}))

    def request(self, method, url, fields=(), headers=None, timeout=None, **kwargs):
        self.requests.append(
            SimpleNamespace(method=method, url=url, fields=dict(fields), headers=headers or {})
        )
        return self.answers.pop(0)


@pytest.fixture
def http(monkeypatch):
    fake = FakeHttp()
    monkeypatch.setattr(cloudinary.uploader, "_http", fake)
    return fake


def make_storage(http, **options):
    storage = CloudinaryStorage(cloudinary_url=ACCOUNT, **options)
    storage.http = http
    return storage


@pytest.mark.parametrize(
    ("filename", "resource_type"),
    [
        ("photo.png", "image"),
        ("photo.JPEG", "image"),
        ("clip.mp4", "video"),
        ("song.mp3", "video"),
        ("report.pdf", "raw"),
        ("notes.txt", "raw"),
        ("README", "raw"),
    ],
)
def test_resource_type_follows_the_file_name(filename, resource_type):
    assert resource_type_for(filename) == resource_type


def test_names_are_new_every_time_and_carry_the_resource_type(http):
    storage = make_storage(http)

    names = {storage.get_available_name("images/2026/05/photo.png") for _ in range(50)}

    assert len(names) == 50
    assert all(
        re.fullmatch(r"image/upload/media/images/2026/05/[a-z0-9]{16}/photo\.png", n) for n in names
    )
    assert storage.exists(names.pop()) is False
    assert http.requests == []


def test_long_names_are_cut_to_fit(http):
    storage = make_storage(http)

    name = storage.get_available_name("uploads/" + "x" * 200 + ".pdf", max_length=100)

    assert len(name) == 100
    assert re.fullmatch(r"raw/upload/media/uploads/[a-z0-9]{16}/x+\.pdf", name), name
    with pytest.raises(SuspiciousFileOperation):
        storage.get_available_name("uploads/" + "y" * 90 + "/a.pdf", max_length=100)


def test_save_uploads_with_a_signed_request(http):
    storage = make_storage(http)
    http.answer(
        payload={
            **RESULT,
            "public_id": "media/uploads/r_abc",
            "resource_type": "raw",
            "type": "upload",
        }
    )
    http.answer(
        payload={
            **RESULT,
            "public_id": "media/images/p_abc",
            "resource_type": "image",
            "type": "upload",
            "format": "jpg",
        }
    )

    raw = storage._save("raw/upload/media/uploads/r_abc.txt", ContentFile(b"hello"))
    image = storage._save("image/upload/media/images/p_abc.jpeg", ContentFile(b"jpeg!"))

    assert raw == "raw/upload/media/uploads/r_abc"
    assert image == "image/upload/media/images/p_abc.jpg"
    sent = http.requests[0]
    assert sent.url == "https://api.cloudinary.com/v1_1/demo-cloud/raw/upload"
    assert sent.fields["public_id"] == "media/uploads/r_abc.txt"
    assert sent.fields["file"] == ("r_abc.txt", b"hello")
    assert (sent.fields["type"], sent.fields["overwrite"], sent.fields["api_key"]) == (
        "upload",
        "0",
        "111222333",
    )
    signed = "&".join(
        f"{key}={sent.fields[key]}"
        for key in sorted(("overwrite", "public_id", "timestamp", "type"))
    )
    assert (
        sent.fields["signature"]
        == hashlib.sha1(f"{signed}s3cr3t".encode(), usedforsecurity=False).hexdigest()
    )
    assert http.requests[1].url.endswith("/demo-cloud/image/upload")
    assert http.requests[1].fields["public_id"] == "media/images/p_abc"


def test_large_files_go_up_in_parts_and_stay_open(http):
    storage = make_storage(http, chunk_size=4)
    for _ in range(3):
        http.answer(
            payload={**RESULT, "public_id": "media/b_abc", "resource_type": "raw", "type": "upload"}
        )
    content = ContentFile(b"0123456789", name="b.bin")

    name = storage._save("raw/upload/media/b_abc.bin", content)

    assert name == "raw/upload/media/b_abc"
    parts = [(r.headers["Content-Range"], r.fields["file"][1]) for r in http.requests]
    assert parts == [("bytes 0-3/10", b"0123"), ("bytes 4-7/10", b"4567"), ("bytes 8-9/10", b"89")]
    assert len({r.headers["X-Unique-Upload-Id"] for r in http.requests}) == 1
    assert not content.closed


def test_an_upload_that_would_replace_a_file_raises(http):
    storage = make_storage(http)
    http.answer(
        payload={
            **RESULT,
            "public_id": "media/uploads/r_abc",
            "resource_type": "raw",
            "type": "upload",
            "existing": True,
        }
    )

    with pytest.raises(FileExistsError):
        storage._save("raw/upload/media/uploads/r_abc", ContentFile(b"new"))


def test_refused_upload_raises(http):
    storage = make_storage(http)
    http.answer(status=401, payload={"error": {"message": "Invalid Signature"}})

    with pytest.raises(cloudinary.exceptions.AuthorizationRequired):
        storage.save("uploads/lost.txt", ContentFile(b"lost"))


@pytest.mark.parametrize(
    ("name", "url"),
    [
        (
            "image/upload/media/images/p_abc.png",
            "https://res.cloudinary.com/demo-cloud/image/upload/v1/media/images/p_abc.png",
        ),
        (
            "video/upload/media/uploads/c_abc.mp4",
            "https://res.cloudinary.com/demo-cloud/video/upload/v1/media/uploads/c_abc.mp4",
        ),
        (
            "raw/upload/media/uploads/r_abc.pdf",
            "https://res.cloudinary.com/demo-cloud/raw/upload/v1/media/uploads/r_abc.pdf",
        ),
    ],
)
def test_public_urls(http, name, url):
    assert make_storage(http).url(name) == url


def test_authenticated_urls_are_signed(http):
    storage = make_storage(http, delivery_type="authenticated")

    url = storage.url("raw/authenticated/media/uploads/r_abc.pdf")

    match = re.fullmatch(
        r"https://res\.cloudinary\.com/demo-cloud/raw/authenticated/s--([\w-]{8})--/v1/media/uploads/r_abc\.pdf",
        url,
    )
    assert match
    other_secret = CloudinaryStorage(
        cloudinary_url="cloudinary://111222333:other@demo-cloud", delivery_type="authenticated"
    )
    assert other_secret.url("raw/authenticated/media/uploads/r_abc.pdf") != url


def test_resized_urls_ask_cloudinary_for_a_webp_fitted_in_the_box(http):
    storage = make_storage(http)

    url = storage.resized_url("image/upload/media/images/k3v9/photo.jpg", 288, 384)

    assert url == (
        "https://res.cloudinary.com/demo-cloud/image/upload/c_limit,h_384,q_80,w_288/"
        "v1/media/images/k3v9/photo.webp"
    )
    assert http.requests == []


def test_resized_authenticated_urls_sign_the_transformation(http):
    storage = make_storage(http, delivery_type="authenticated")
    name = "image/authenticated/media/images/k3v9/photo.jpg"

    url = storage.resized_url(name, 288, 384)

    (signature,) = re.findall(r"/s--([\w-]{8})--/c_limit,h_384,q_80,w_288/v1/", url)
    to_sign = "c_limit,h_384,q_80,w_288/media/images/k3v9/photo.webp" + "s3cr3t"
    expected = hashlib.sha1(to_sign.encode(), usedforsecurity=False).digest()
    assert signature == base64.urlsafe_b64encode(expected)[:8].decode()


def test_open_and_size_fetch_the_delivery_url(http):
    storage = make_storage(http)
    name = "raw/upload/media/uploads/r_abc.txt"
    http.answer(data=b"stored bytes")
    http.answer(headers={"Content-Length": "12"})
    http.answer(status=404)

    assert storage.open(name).read() == b"stored bytes"
    assert storage.size(name) == 12
    with pytest.raises(FileNotFoundError):
        storage.open(name)
    assert [(r.method, r.url) for r in http.requests] == [
        (method, storage.url(name)) for method in ("GET", "HEAD", "GET")
    ]
    with pytest.raises(ValueError, match="read-only"):
        storage.open(name, "wb")


def test_delete_destroys_with_the_resource_and_delivery_type(http):
    storage = make_storage(http, delivery_type="authenticated")
    http.answer(payload={"result": "ok"})
    http.answer(payload={"result": "not found"})
    http.answer(payload={"result": "error"})

    storage.delete("video/authenticated/media/uploads/c_abc.mp4")
    storage.delete("video/authenticated/media/uploads/c_abc.mp4")
    with pytest.raises(OSError, match="did not delete"):
        storage.delete("image/authenticated/media/images/p_abc.png")

    destroy = http.requests[0]
    assert destroy.url == "https://api.cloudinary.com/v1_1/demo-cloud/video/destroy"
    assert (destroy.fields["public_id"], destroy.fields["type"]) == (
        "media/uploads/c_abc",
        "authenticated",
    )
    assert http.requests[2].url.endswith("/image/destroy")


def test_a_deleted_file_is_confirmed_gone_by_a_second_destroy(http):
    storage = make_storage(http)
    http.answer(payload={"result": "not found"})
    http.answer(payload={"result": "ok"})

    assert storage.confirm_deleted("raw/upload/media/storage-check/r_abc.txt") is True
    assert storage.confirm_deleted("raw/upload/media/storage-check/r_abc.txt") is False
    assert [r.url.rpartition("/")[2] for r in http.requests] == ["destroy", "destroy"]


@pytest.mark.parametrize(
    ("message", "cause"),
    [
        ("Invalid cloud_name demo-cloud", "cloud missing: Invalid cloud_name demo-cloud"),
        ("Invalid Signature 0123abcd. String to sign - 'x'.", "credentials refused: the API"),
        ("Unknown API key 111222333", "credentials refused: Unknown API key 111222333"),
    ],
)
def test_refusals_are_diagnosed_by_their_cause(http, message, cause):
    storage = make_storage(http)
    http.answer(status=401, payload={"error": {"message": message}})

    with pytest.raises(cloudinary.exceptions.AuthorizationRequired) as refused:
        storage.save("uploads/lost.txt", ContentFile(b"lost"))

    assert storage.diagnose(refused.value).startswith(cause)


def test_names_from_elsewhere_are_refused(http):
    with pytest.raises(ValueError, match="not a name this storage gave out"):
        make_storage(http).url("uploads/2026/05/report.pdf")
    with pytest.raises(ValueError, match="not a name this storage gave out"):
        make_storage(http).delete("report.pdf")


def test_cloudinary_url_is_read_like_the_sdk_reads_it():
    options = account_options(
        "cloudinary://111222333:s%2Fecret@demo-cloud?secure_distribution=media.example.com&cdn_subdomain=true"
    )

    assert options == {
        "cloud_name": "demo-cloud",
        "api_key": "111222333",
        "api_secret": "s/ecret",
        "secure_distribution": "media.example.com",
        "cdn_subdomain": True,
    }


@pytest.mark.parametrize("url", ["", "https://demo-cloud", "cloudinary://key@demo-cloud"])
def test_a_malformed_cloudinary_url_is_named(url):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE_URL must look like"):
        account_options(url)


def test_settings_use_the_storage_for_media_only():
    from config import settings as project_settings

    default = project_settings.STORAGES["default"]
    assert default["BACKEND"] == "mediafiles.backends.CloudinaryStorage"
    assert default["OPTIONS"]["location"] == "media"
    assert default["OPTIONS"]["cloudinary_url"] == project_settings.MEDIA_STORAGE_URL
{%- if cookiecutter.media_access == "private" %}
    assert default["OPTIONS"]["delivery_type"] == "authenticated"
{%- else %}
    assert default["OPTIONS"]["delivery_type"] == "upload"
{%- endif %}
    assert "whitenoise" in project_settings.STORAGES["staticfiles"]["BACKEND"]
    assert isinstance(storages.create_storage(default), CloudinaryStorage)


def test_storage_is_deconstructible_without_secrets():
    path, args, kwargs = CloudinaryStorage(delivery_type="authenticated").deconstruct()

    assert path == "mediafiles.backends.CloudinaryStorage"
    assert kwargs == {"delivery_type": "authenticated"}
