"""The sample app: its admin, its list page and the thumbnails on them.

What every model gets (tests/test_guarantees.py, tests/test_images.py) is proven on
a developer's own model instead, so this file goes when the sample app goes.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

{% if cookiecutter.media_access == "public" -%}
from mediafiles.images import thumbnail_name
{% endif -%}
from tests.test_images import CountingStorage, photo
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


{% if cookiecutter.media_access == "private" -%}
def test_the_home_page_lists_only_what_the_user_may_read(client, django_user_model):
    owner = django_user_model.objects.create_user("owner")
    other = django_user_model.objects.create_user("other")
    mine = Upload.objects.create(
        title="Mine", file=default_storage.save("uploads/mine.txt", ContentFile(b"m")), owner=owner
    )
    theirs = default_storage.save("uploads/theirs.txt", ContentFile(b"t"))
    Upload.objects.create(title="Theirs", file=theirs, owner=other)

    anonymous = client.get(reverse("home"))
    client.force_login(owner)
    response = client.get(reverse("home"))

    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"{reverse('login')}?next=/"
    assert response.status_code == 200
    assert "Mine" in response.text and "Theirs" not in response.text
    # The site's link, never a storage URL; and no shared cache keeps the page.
    assert f'href="{mine.file.url}"' in response.text
    assert mine.file.url.startswith("/media-files/uploads/upload/")
    assert default_storage.url(mine.file.name) not in response.text
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
{%- else -%}
def test_home_page_links_each_upload(client):
    name = default_storage.save("uploads/listed.txt", ContentFile(b"listed"))
    Upload.objects.create(title="Listed", file=name)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert default_storage.url(name) in response.text
    assert "Listed" in response.text
{%- endif %}


def thumbnail_url(image, size):
{%- if cookiecutter.media_access == "private" %}
    """The URL a page shows for an image's thumbnail: the site's link, which checks
    who may see it (mediafiles/access.py)."""
    return image.link(size)
{%- else %}
    """The URL a page shows for an image's thumbnail."""
    return default_storage.url(thumbnail_name(image.name, size))
{%- endif %}


@pytest.fixture
def counting_storage(settings):
    backend = "tests.test_images.CountingStorage"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}
    CountingStorage.calls = []


def add_photo(client, title):
    image = SimpleUploadedFile("photo.jpg", photo())
    return post_upload(client, title, "notes.txt", b"notes", image=image)


def test_the_list_page_shows_thumbnails_without_asking_the_storage(
    client, admin_client, counting_storage
):
    for number in range(3):
        add_photo(admin_client, f"Photo {number}")
    uploads = list(Upload.objects.all())
    CountingStorage.calls = []

    page = {{ "admin_client" if cookiecutter.media_access == "private" else "client" }}.get(reverse("home")).text

    assert CountingStorage.calls == []
    for upload in uploads:
        small = thumbnail_url(upload.image, "list")
        fallback = reverse("thumbnail", args=["uploads", "upload", upload.pk, "image", "list"])
        assert f'src="{small}"' in page
        # The original is linked, never shown.
        assert f'href="{upload.image.url}"' in page
        assert f'src="{upload.image.url}"' not in page
        assert f'data-fallback="{fallback}"' in page


def test_the_admin_change_page_shows_its_own_thumbnail(admin_client, counting_storage):
    add_photo(admin_client, "Photo")
    upload = Upload.objects.get()
    CountingStorage.calls = []

    page = admin_client.get(reverse("admin:uploads_upload_change", args=[upload.pk])).text

    assert CountingStorage.calls == []
    small = thumbnail_url(upload.image, "admin")
    assert f'src="{small}"' in page
    assert "js/thumbnails.js" in page
