import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image

from uploads.models import Upload

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:uploads_upload_add")


class UnreachableStorage(Storage):
    """Stands in for a storage service that is down."""

    def _save(self, name, content):
        raise ConnectionError("storage service unreachable")

    def exists(self, name):
        return False


def post_upload(client, title, name, content, **extra):
    data = {"title": title, "file": SimpleUploadedFile(name, content), **extra}
    return client.post(ADD_URL, data)


def test_admin_upload_is_stored_and_read_back(admin_client):
    content = b"quarterly figures\n" * 100

    response = post_upload(admin_client, "Figures", "figures.txt", content)

    assert response.status_code == 302
    upload = Upload.objects.get()
    assert upload.file.name.startswith("uploads/")
    assert default_storage.exists(upload.file.name)
    assert default_storage.size(upload.file.name) == len(content)
    with default_storage.open(upload.file.name) as stored:
        assert stored.read() == content


def test_admin_image_upload_keeps_the_image(admin_client, png_bytes):
    image = SimpleUploadedFile("photo.png", png_bytes, content_type="image/png")

    response = post_upload(admin_client, "Photo", "notes.txt", b"notes", image=image)

    assert response.status_code == 302
    upload = Upload.objects.get()
    assert upload.image.name.startswith("images/")
    assert upload.image.name.endswith("/photo.png")
    # Stored again without metadata (tests/test_images.py): the same pixels.
    with default_storage.open(upload.image.name) as stored, Image.open(stored) as kept:
        assert kept.format == "PNG"
        assert kept.size == (4, 3)
        assert kept.convert("RGB").tobytes() == Image.open(io.BytesIO(png_bytes)).tobytes()


def test_admin_rejects_a_file_that_is_not_an_image(admin_client):
    fake = SimpleUploadedFile("photo.png", b"not a picture", content_type="image/png")

    response = post_upload(admin_client, "Photo", "notes.txt", b"notes", image=fake)

    assert response.status_code == 200
    assert "image" in response.context["adminform"].form.errors
    assert not Upload.objects.exists()


def test_same_name_uploads_keep_both_files(admin_client):
    post_upload(admin_client, "First", "report.pdf", b"first version")
    post_upload(admin_client, "Second", "report.pdf", b"second version")

    first, second = Upload.objects.order_by("pk")
    assert first.file.name != second.file.name
    with default_storage.open(first.file.name) as stored:
        assert stored.read() == b"first version"
    with default_storage.open(second.file.name) as stored:
        assert stored.read() == b"second version"


def test_deleting_an_upload_deletes_its_files(
    admin_client, png_bytes, django_capture_on_commit_callbacks
):
    image = SimpleUploadedFile("photo.png", png_bytes, content_type="image/png")
    post_upload(admin_client, "Old", "old.txt", b"old", image=image)
    upload = Upload.objects.get()
    names = [upload.file.name, upload.image.name]
    delete_url = reverse("admin:uploads_upload_delete", args=[upload.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(delete_url, {"post": "yes"})

    assert response.status_code == 302
    assert not Upload.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_storage_failure_is_a_clean_form_error_and_saves_nothing(admin_client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.UnreachableStorage"},
    }

    response = post_upload(admin_client, "Lost", "lost.txt", b"lost")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "could not be stored" in errors["file"][0]
    assert not Upload.objects.exists()


def test_home_page_links_each_upload(client):
    name = default_storage.save("uploads/listed.txt", ContentFile(b"listed"))
    Upload.objects.create(title="Listed", file=name)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert default_storage.url(name) in response.text
    assert "Listed" in response.text


class MisconfiguredStorage(UnreachableStorage):
    """Stands in for a storage service that refuses the project's credentials."""

    def configuration_problem(self, error):
        return "SignatureDoesNotMatch: the secret key is wrong"


def use_storage(settings, storage_class):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.{storage_class.__name__}"},
    }


def test_a_refused_configuration_is_not_told_to_try_again(admin_client, settings, caplog):
    use_storage(settings, MisconfiguredStorage)

    response = post_upload(admin_client, "Lost", "lost.txt", b"lost")

    assert response.status_code == 200
    message = response.context["adminform"].form.errors["file"][0]
    assert "misconfigured" in message and "try again in a moment" not in message
    assert "SignatureDoesNotMatch: the secret key is wrong" in caplog.text
    assert not Upload.objects.exists()


def test_an_unusable_file_name_is_a_field_error(admin_client):
    response = post_upload(admin_client, "Blank", "   ", b"content")

    assert response.status_code == 200
    assert "cannot be stored" in response.context["adminform"].form.errors["file"][0]
    assert not Upload.objects.exists()


def change_upload(client, upload, **data):
    url = reverse("admin:uploads_upload_change", args=[upload.pk])
    return client.post(url, {"title": upload.title, **data})


def test_replacing_a_file_deletes_the_old_one_once_committed(
    admin_client, django_capture_on_commit_callbacks
):
    post_upload(admin_client, "Report", "report.pdf", b"first")
    upload = Upload.objects.get()
    old = upload.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = change_upload(admin_client, upload, file=SimpleUploadedFile("r.pdf", b"new"))

    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.file.name != old
    assert not default_storage.exists(old)
    with default_storage.open(upload.file.name) as stored:
        assert stored.read() == b"new"


def test_clearing_an_image_deletes_it_once_committed(
    admin_client, png_bytes, django_capture_on_commit_callbacks
):
    image = SimpleUploadedFile("photo.png", png_bytes, content_type="image/png")
    post_upload(admin_client, "Photo", "notes.txt", b"notes", image=image)
    upload = Upload.objects.get()
    image_name = upload.image.name

    with django_capture_on_commit_callbacks(execute=True):
        change_upload(admin_client, upload, **{"image-clear": "on"})

    upload.refresh_from_db()
    assert upload.image.name == ""
    assert not default_storage.exists(image_name)
    assert default_storage.exists(upload.file.name)


def test_a_replacement_rolled_back_keeps_the_old_file(
    admin_client, django_capture_on_commit_callbacks
):
    post_upload(admin_client, "Report", "report.pdf", b"first")
    upload = Upload.objects.get()
    old = upload.file.name

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        upload.file = default_storage.save("uploads/other.pdf", ContentFile(b"other"))
        upload.save()
        raise RuntimeError("the request failed after saving")

    assert callbacks == []
    assert default_storage.exists(old)
    assert Upload.objects.get().file.name == old


def test_bulk_delete_deletes_every_file(admin_client, django_capture_on_commit_callbacks):
    for number in range(3):
        post_upload(admin_client, f"Item {number}", "item.txt", b"item %d" % number)
    names = [upload.file.name for upload in Upload.objects.all()]
    changelist = reverse("admin:uploads_upload_changelist")
    pks = [str(pk) for pk in Upload.objects.values_list("pk", flat=True)]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist, {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
        )

    assert response.status_code == 302
    assert not Upload.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_same_name_saves_from_many_threads_all_keep_their_bytes():
    # The storage is built before the threads start: Django's storage handler builds
    # one lazily, and threads racing to do so could each get an in-memory storage
    # of their own.
    storage = storages["default"]

    def save(number):
        return storage.save("uploads/same.bin", ContentFile(b"writer %d" % number))

    with ThreadPoolExecutor(max_workers=20) as pool:
        names = list(pool.map(save, range(20)))

    assert len(set(names)) == 20
    for number, name in enumerate(names):
        assert name.endswith("/same.bin")
        with storage.open(name) as stored:
            assert stored.read() == b"writer %d" % number
