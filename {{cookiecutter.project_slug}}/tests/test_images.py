"""Uploaded images: metadata stripped, size limits, animations, thumbnails (mediafiles/images.py).

The storage is the unit tests' in-memory one, counting every call that would be
a request to a real storage; the template's own tests do the same on every
provider's real server.
"""

import io
import struct
import zlib

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import ExifTags, Image

from mediafiles.images import thumbnail_name
from mediafiles.storage import MemoryMediaStorage
from tests.examples.models import Profile

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:examples_profile_add")
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (2.0, 17.0, 40.0),
}
SERIAL = "CAMERA-SERIAL-0042"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.48N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def photo(width=800, height=600, orientation=6):
    """A JPEG as a phone writes it: GPS position, camera serial, XMP, and an EXIF
    orientation (6: the pixels are stored turned; shown upright, it is height x width).
    Its left half is red and its right half blue, as stored."""
    image = Image.new("RGB", (width, height), "red")
    image.paste((0, 0, 255), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Phone"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), xmp=XMP, comment=b"Jane's phone")
    return buffer.getvalue()


def bomb_png(width=20000, height=20000):
    """A PNG of a few kilobytes whose header says width x height (1 bit a pixel, all 0):
    decoded, it would take width x height bytes of memory."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class CountingStorage(MemoryMediaStorage):
    """The in-memory media storage, counting what would be requests to a real one."""

    calls = []

    def _save(self, name, content):
        self.calls.append(("save", name))
        return super()._save(name, content)

    def _open(self, name, mode="rb"):
        self.calls.append(("open", name))
        return super()._open(name, mode)

    def exists(self, name):
        self.calls.append(("exists", name))
        return super().exists(name)

    def size(self, name):
        self.calls.append(("size", name))
        return super().size(name)

    def delete(self, name):
        self.calls.append(("delete", name))
        return super().delete(name)

    def listdir(self, path):
        self.calls.append(("listdir", path))
        return super().listdir(path)
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}


class ResizingStorage(CountingStorage):
    """A storage that resizes images itself from their URL (abilities.ResizesByURL)."""

    def resized_url(self, name, width, height):
        return f"{self.url(name)}?fit={width}x{height}"
{%- endif %}


@pytest.fixture
def storage(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.CountingStorage"}}
    CountingStorage.calls = []
    return default_storage


def add(client, title="Photo", image=None, name="photo.jpg"):
    """Add a profile (a developer's model, plainly registered) with this avatar."""
    image = SimpleUploadedFile(name, photo() if image is None else image)
    return client.post(ADD_URL, {"name": title, "avatar": image})


def stored_image(name):
    with default_storage.open(name) as stored:
        data = stored.read()
    return data, Image.open(io.BytesIO(data))


def assert_no_private_metadata(data, image):
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif
    assert SERIAL.encode() not in data
    assert b"xmpmeta" not in data and b"GPSLatitude" not in data
    assert b"Jane" not in data
    assert "xmp" not in image.info and "comment" not in image.info


def thumbnails_of(profile):
    """{size: name} of an avatar's thumbnails, as they follow from the image's name."""
    return {size: thumbnail_name(profile.avatar.name, size) for size in settings.THUMBNAIL_SIZES}


def animation(frames=4, size=(40, 30)):
    """An animated GIF of `frames` frames of different colours, 70 ms each."""
    colours = ["red", "green", "blue", "yellow", "purple", "orange"]
    images = [Image.new("RGB", size, colours[number % len(colours)]) for number in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=70, loop=0)
    return buffer.getvalue()


def test_an_image_is_stored_upright_without_its_metadata(admin_client, storage):
    response = add(admin_client)

    assert response.status_code == 302
    upload = Profile.objects.get()
    data, image = stored_image(upload.avatar.name)
    assert_no_private_metadata(data, image)
    assert image.format == "JPEG"
    # Orientation 6 applied: the 800x600 pixels now stand 600x800, red above blue.
    assert image.size == (600, 800)
    assert image.getpixel((300, 100))[0] > 200 and image.getpixel((300, 700))[2] > 200
    assert ExifTags.Base.Orientation not in image.getexif()


def test_thumbnails_are_stored_beside_nothing_else_as_small_webp(admin_client, storage):
    add(admin_client)

    upload = Profile.objects.get()
    for size, name in thumbnails_of(upload).items():
        width, height = settings.THUMBNAIL_SIZES[size]
        assert name == f"thumbnails/{upload.avatar.name}/{size}-{width}x{height}.webp"
        data, image = stored_image(name)
        assert_no_private_metadata(data, image)
        assert image.format == "WEBP"
        # Fitted in the box, upright (portrait).
        assert image.height == height and image.width == round(height * 600 / 800)
        assert width >= image.width
        assert len(data) < 20_000


def test_a_small_image_is_not_enlarged(admin_client, storage, png_bytes):
    add(admin_client, image=png_bytes, name="tiny.png")

    upload = Profile.objects.get()
    assert stored_image(thumbnails_of(upload)["list"])[1].size == (4, 3)


def test_an_animated_image_keeps_every_frame_and_its_timing(admin_client, storage):
    response = add(admin_client, image=animation(), name="wave.gif")

    assert response.status_code == 302
    _, image = stored_image(Profile.objects.get().avatar.name)
    assert (image.format, image.n_frames) == ("GIF", 4)
    colours = []
    for frame in range(4):
        image.seek(frame)
        colours.append(image.convert("RGB").getpixel((20, 15)))
        assert image.info["duration"] == 70
    assert len(set(colours)) == 4


def test_an_animation_counts_every_frame_against_the_limit(admin_client, storage, settings):
    settings.IMAGE_MAX_PIXELS = 40 * 30 * 3

    response = add(admin_client, image=animation(frames=4), name="wave.gif")

    (message,) = response.context["adminform"].form.errors["avatar"]
    assert "40×30 pixels in each of 4 frames" in message
    assert not Profile.objects.exists()


def test_a_decompression_bomb_is_refused_before_it_is_decoded(admin_client, storage):
    response = add(admin_client, image=bomb_png(), name="bomb.png")

    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors["avatar"]
    assert "too large" in message and "megapixels" in message
    assert not Profile.objects.exists()
    assert [call for call in CountingStorage.calls if call[0] == "save"] == []


def test_an_image_above_the_limit_names_its_size(admin_client, storage, settings):
    settings.IMAGE_MAX_PIXELS = 400 * 300

    response = add(admin_client)

    (message,) = response.context["adminform"].form.errors["avatar"]
    assert "800×600 pixels" in message and "0.12 megapixels" in message
    assert not Profile.objects.exists()


def test_a_format_browsers_do_not_show_is_refused(admin_client, storage):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "TIFF")

    response = add(admin_client, image=buffer.getvalue(), name="scan.tiff")

    assert "JPEG, PNG, GIF or WebP" in response.context["adminform"].form.errors["avatar"][0]
    assert not Profile.objects.exists()


def fallback_url(profile, size):
    return reverse("thumbnail", args=["examples", "profile", profile.pk, "avatar", size])


def test_replacing_clearing_and_deleting_an_image_delete_its_thumbnails(
    admin_client, storage, django_capture_on_commit_callbacks
):
    add(admin_client)
    upload = Profile.objects.get()
    first = {upload.avatar.name, *thumbnails_of(upload).values()}
    change = reverse("admin:examples_profile_change", args=[upload.pk])
    assert all(default_storage.exists(name) for name in first)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change, {"name": "Photo", "avatar": SimpleUploadedFile("b.jpg", photo())})
    upload.refresh_from_db()
    second = {upload.avatar.name, *thumbnails_of(upload).values()}
    assert not second & first
    assert not any(default_storage.exists(name) for name in first)
    assert all(default_storage.exists(name) for name in second)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change, {"name": "Photo", "avatar-clear": "on"})
    upload.refresh_from_db()
    assert not upload.avatar
    assert not any(default_storage.exists(name) for name in second)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(change, {"name": "Photo", "avatar": SimpleUploadedFile("c.jpg", photo())})
    upload.refresh_from_db()
    third = {upload.avatar.name, *thumbnails_of(upload).values()}
    with django_capture_on_commit_callbacks(execute=True):
        delete = reverse("admin:examples_profile_delete", args=[upload.pk])
        admin_client.post(delete, {"post": "yes"})
    assert not any(default_storage.exists(name) for name in third)


def test_a_thumbnail_missing_from_the_storage_is_made_again(client, admin_client, storage):
    add(admin_client)
    upload = Profile.objects.get()
    lost = thumbnails_of(upload)["list"]
    default_storage.delete(lost)

{%- if cookiecutter.media_access == "private" %}
    # A private image: only a user its rule allows gets it (mediafiles/access.py).
    assert client.get(fallback_url(upload, "list")).status_code == 302  # to log in
    assert not default_storage.exists(lost)
    client = admin_client
{%- endif %}
    response = client.get(fallback_url(upload, "list"))

    assert response.status_code == 302
    assert response["Location"] == default_storage.url(lost)
    assert stored_image(lost)[1].format == "WEBP"
    # Once there, it is not made again.
    CountingStorage.calls = []
    again = client.get(fallback_url(upload, "list"))
    assert again["Location"] == response["Location"]
    assert [call for call in CountingStorage.calls if call[0] == "save"] == []
    assert client.get(fallback_url(upload, "huge")).status_code == 404
    for args in (
        ["examples", "profile", upload.pk, "cv", "list"],  # not an image field
        ["examples", "profile", upload.pk, "name", "list"],
        ["examples", "profile", "not-a-pk", "avatar", "list"],
        ["examples", "nothing", upload.pk, "avatar", "list"],
        ["examples", "profile", upload.pk + 1, "avatar", "list"],
    ):
        assert client.get(reverse("thumbnail", args=args)).status_code == 404, args


def test_rebuild_thumbnails_makes_the_missing_and_then_every_one(admin_client, storage, settings):
    add(admin_client)
    add(admin_client, title="Kept")
    lost_upload, kept_upload = Profile.objects.order_by("pk")
    default_storage.delete(thumbnails_of(lost_upload)["admin"])
    kept = thumbnails_of(kept_upload)
    CountingStorage.calls = []

    call_command("rebuild_thumbnails", "--missing")

    assert default_storage.exists(thumbnails_of(lost_upload)["admin"])
    saved = [name for call, name in CountingStorage.calls if call == "save"]
    assert saved == [thumbnails_of(lost_upload)["admin"]]

    settings.THUMBNAIL_SIZES = {**settings.THUMBNAIL_SIZES, "list": (100, 100)}
    call_command("rebuild_thumbnails")

    assert not default_storage.exists(kept["list"])  # made for the old box
    assert default_storage.exists(kept["admin"])
    _, image = stored_image(thumbnails_of(kept_upload)["list"])
    assert image.size == (75, 100)
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}


def test_a_storage_that_resizes_by_url_stores_no_copies(client, admin_client, settings):
    from mediafiles.images import thumbnail

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.ResizingStorage"}}
    ResizingStorage.calls = []
    add(admin_client)
    upload = Profile.objects.get()

    found = thumbnail(upload.avatar, "list")

    assert [name for _, name in ResizingStorage.calls if name.startswith("thumbnails/")] == []
    url = default_storage.resized_url(upload.avatar.name, *settings.THUMBNAIL_SIZES["list"])
{%- if cookiecutter.media_access == "private" %}
    # A private image: the page gets the site's link, which hands out the storage's URL.
    assert found == {"url": upload.avatar.link("list"), "fallback": None}
    assert admin_client.get(found["url"])["Location"] == url
    # Asked anyway, the fallback hands out the same URL.
    assert admin_client.get(fallback_url(upload, "list"))["Location"] == url
{%- else %}
    assert found == {"url": url, "fallback": None}
{%- endif %}
{%- endif %}


def test_a_stored_image_is_read_back_for_thumbnails(storage):
    name = default_storage.save("images/old.jpg", ContentFile(photo()))
    upload = Profile.objects.create(name="Old", avatar=name)

    call_command("rebuild_thumbnails", "--missing")

    assert stored_image(thumbnails_of(upload)["list"])[1].height == 384
