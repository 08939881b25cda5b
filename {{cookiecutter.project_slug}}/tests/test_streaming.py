"""Large admin uploads stream to the storage while the request arrives (mediafiles/streaming.py),
for every model's admin: here a developer's own, plainly registered (tests/examples).

The storage here is the in-memory media storage with the two methods a streaming
storage offers (mediafiles/backends.py has them where the provider can), in parts of
64 KiB, and a record of every multipart upload it saw.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mediafiles import streaming
from mediafiles.storage import MemoryMediaStorage
from tests.examples.models import Profile

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:examples_profile_add")
PART = 64 * 1024
# Every multipart upload of the test: {name: FakeMultipart}.
STARTED = {}


class FakeMultipart:
    def __init__(self, storage, name, content_type):
        self.storage, self.name, self.content_type = storage, name, content_type
        self.parts, self.state = {}, "open"

    def send_part(self, number, body):
        if self.storage.fail_at_part == number:
            raise ConnectionError("storage service went away")
        self.parts[number] = bytes(body.read())
        return number

    def complete(self, numbers):
        assert numbers == sorted(self.parts) == list(range(1, len(numbers) + 1))
        data = b"".join(self.parts[number] for number in numbers)
        self.storage._save(self.name, ContentFile(data))
        self.state = "completed"

    def abort(self):
        self.state = "aborted"


class StreamingMemoryStorage(MemoryMediaStorage):
    stream_part_size = PART
    fail_at_part = None

    def start_multipart(self, name, content_type):
        STARTED[name] = FakeMultipart(self, name, content_type)
        return STARTED[name]


class FailingStreamingStorage(StreamingMemoryStorage):
    fail_at_part = 3


def use(settings, storage_class):
    backend = f"{__name__}.{storage_class.__name__}"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}


@pytest.fixture(autouse=True)
def streaming_storage(settings):
    STARTED.clear()
    use(settings, StreamingMemoryStorage)


def large(size=PART * 5 + 1234):
    return bytes(range(256)) * (size // 256) + b"end"


def post_upload(client, title, name, content):
    return client.post(ADD_URL, {"name": title, "cv": SimpleUploadedFile(name, content)})


def test_a_large_file_streams_under_its_final_name(admin_client):
    content = large()

    response = post_upload(admin_client, "Large", "big.bin", content)

    assert response.status_code == 302
    upload = Profile.objects.get()
    assert upload.cv.name.startswith("cv/") and upload.cv.name.endswith("/big.bin")
    # Streamed in parts, under exactly the name the row holds: nothing was copied.
    assert list(STARTED) == [upload.cv.name]
    assert STARTED[upload.cv.name].state == "completed"
    assert len(STARTED[upload.cv.name].parts) == 6
    with default_storage.open(upload.cv.name) as stored:
        assert stored.read() == content


def test_a_file_smaller_than_a_part_takes_the_usual_way(admin_client):
    content = b"x" * (PART - 10)

    response = post_upload(admin_client, "Small", "small.txt", content)

    assert response.status_code == 302
    assert STARTED == {}
    with default_storage.open(Profile.objects.get().cv.name) as stored:
        assert stored.read() == content


def test_a_form_error_deletes_the_streamed_file(admin_client):
    response = post_upload(admin_client, "", "big.bin", large())

    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not Profile.objects.exists()
    ((name, upload),) = STARTED.items()
    assert upload.state == "completed"
    assert not default_storage.exists(name)


def test_a_storage_failure_while_streaming_is_a_form_error_and_aborts(admin_client, settings):
    use(settings, FailingStreamingStorage)

    response = post_upload(admin_client, "Lost", "big.bin", large())

    assert response.status_code == 200
    assert "could not be stored" in response.context["adminform"].form.errors["cv"][0]
    assert not Profile.objects.exists()
    ((name, upload),) = STARTED.items()
    assert upload.state == "aborted"
    assert not default_storage.exists(name)


def test_a_replacement_streams_and_the_old_file_goes_once_committed(
    admin_client, django_capture_on_commit_callbacks
):
    old = default_storage.save("cv/old.txt", ContentFile(b"old"))
    upload = Profile.objects.create(name="Report", cv=old)
    url = reverse("admin:examples_profile_change", args=[upload.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"name": "Report", "cv": SimpleUploadedFile("new.bin", large())}
        )

    assert response.status_code == 302
    upload.refresh_from_db()
    assert list(STARTED) == [upload.cv.name]
    assert default_storage.exists(upload.cv.name)
    assert not default_storage.exists(old)


def test_the_csrf_check_still_applies_and_keeps_nothing(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    client.cookies["csrftoken"] = "a" * 32  # the browser's own cookie; the form lacks the token

    response = post_upload(client, "Forged", "big.bin", large())

    assert response.status_code == 403
    assert not Profile.objects.exists()
    # The body was read (and the file streamed) before the token was checked.
    ((name, upload),) = STARTED.items()
    assert upload.state == "completed"
    assert not default_storage.exists(name)


def test_an_interrupted_file_is_aborted():
    class Field:
        name = "file"
        storage = StreamingMemoryStorage()

    stream = streaming.Stream(Field, "uploads/cut.bin", "cut.bin", "", None, {})
    stream.write(large(PART * 3))

    stream.abort()
    stream.end_of_request()

    assert STARTED["uploads/cut.bin"].state == "aborted"
    assert not Field.storage.exists("uploads/cut.bin")


def test_only_plain_file_fields_with_a_streaming_storage_stream():
    assert list(streaming.streamable_fields(Profile)) == ["cv"]  # not the image
