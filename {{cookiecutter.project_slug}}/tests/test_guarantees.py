"""The file guarantees hold for a model the developer adds (tests/examples), with a
plain `admin.site.register`, an inline, and views of their own (mediafiles/guarantees.py).

The storage is the unit tests' in-memory one; the template's own tests prove the
same on every provider's real server.
"""

import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib import admin
from django.contrib.admin.sites import all_sites
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import ExifTags, Image

from mediafiles import checks
from mediafiles.guarantees import delete_unsaved_files, start_remembering
from mediafiles.images import thumbnail_name
from mediafiles.middleware import FileRefusedMiddleware
from tests.examples.models import Album, Document, Photo, Profile
from tests.examples.views import rolled_back

pytestmark = pytest.mark.django_db

PROFILES = "admin:examples_profile"
ALBUMS = "admin:examples_album"


class UnreachableStorage(Storage):
    """Stands in for a storage service that is down."""

    def _save(self, name, content):
        raise ConnectionError("storage service unreachable")

    def exists(self, name):
        return False


class MisconfiguredStorage(UnreachableStorage):
    """Stands in for a storage service that refuses the project's credentials."""

    def configuration_problem(self, error):
        return "SignatureDoesNotMatch: the secret key is wrong"


def use_storage(settings, storage_class):
    backend = f"{__name__}.{storage_class.__name__}"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}


def gps_photo(size=(64, 48)):
    """A JPEG with a GPS position in its EXIF."""
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.0)}
    )
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def add_profile(client, name="Ada", avatar=None, cv=None):
    data = {"name": name}
    if avatar is not None:
        data["avatar"] = SimpleUploadedFile("me.jpg", avatar)
    if cv is not None:
        data["cv"] = SimpleUploadedFile("cv.pdf", cv)
    return client.post(reverse(f"{PROFILES}_add"), data)


def change_profile(client, profile, **data):
    return client.post(reverse(f"{PROFILES}_change", args=[profile.pk]), {"name": "Ada", **data})


def errors(response):
    return response.context["adminform"].form.errors


def stored(name):
    with default_storage.open(name) as file:
        return file.read()


def every_name():
    """Every file in the media storage."""

    def walk(folder):
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:  # local disk: no media folder yet
            return
        for file in files:
            yield f"{folder}/{file}".lstrip("/")
        for sub in folders:
            yield from walk(f"{folder}/{sub}".lstrip("/"))

    return set(walk(""))


def test_a_plain_registered_model_stores_images_cleaned_with_thumbnails(admin_client, settings):
    response = add_profile(admin_client, avatar=gps_photo(), cv=b"%PDF-1.7 cv")

    assert response.status_code == 302, errors(response)
    profile = Profile.objects.get()
    assert profile.avatar.name.startswith("avatars/") and profile.cv.name.startswith("cv/")
    with Image.open(io.BytesIO(stored(profile.avatar.name))) as image:
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for size in settings.THUMBNAIL_SIZES:
        assert default_storage.exists(thumbnail_name(profile.avatar.name, size))
    assert stored(profile.cv.name) == b"%PDF-1.7 cv"


def test_a_decompression_bomb_is_a_form_error_on_any_model(admin_client, settings):
    settings.IMAGE_MAX_PIXELS = 32 * 32

    response = add_profile(admin_client, avatar=gps_photo())

    assert response.status_code == 200
    assert "too large" in errors(response)["avatar"][0]
    assert not Profile.objects.exists()
    assert every_name() == set()


@pytest.mark.parametrize(
    ("storage_class", "message"),
    [
        (UnreachableStorage, "could not be stored right now"),
        (MisconfiguredStorage, "misconfigured"),
    ],
)
def test_a_storage_failure_is_a_form_error_and_writes_no_row(
    admin_client, settings, storage_class, message
):
    use_storage(settings, storage_class)

    response = add_profile(admin_client, cv=b"%PDF lost")

    assert response.status_code == 200
    assert message in errors(response)["cv"][0]
    assert not Profile.objects.exists()


def test_a_failure_after_one_file_was_stored_deletes_it(admin_client, settings):
    settings.IMAGE_MAX_PIXELS = 32 * 32  # the avatar (stored second) is refused

    response = add_profile(admin_client, cv=b"%PDF kept?", avatar=gps_photo())

    assert "avatar" in errors(response)
    assert every_name() == set()


def test_an_unusable_file_name_is_a_field_error(admin_client):
    response = admin_client.post(
        reverse(f"{PROFILES}_add"), {"name": "Ada", "cv": SimpleUploadedFile("   ", b"x")}
    )

    assert "cannot be stored" in errors(response)["cv"][0]
    assert not Profile.objects.exists()


def test_replaced_cleared_and_deleted_files_go_once_committed(
    admin_client, django_capture_on_commit_callbacks
):
    add_profile(admin_client, avatar=gps_photo(), cv=b"%PDF first")
    profile = Profile.objects.get()
    first = every_name()
    assert len(first) == 4  # the avatar, its two thumbnails, the CV

    with django_capture_on_commit_callbacks(execute=True):
        response = change_profile(
            admin_client, profile, cv=SimpleUploadedFile("cv.pdf", b"%PDF second")
        )
    assert response.status_code == 302
    old_cv = profile.cv.name
    profile.refresh_from_db()
    assert every_name() == first - {old_cv} | {profile.cv.name}
    assert stored(profile.cv.name) == b"%PDF second"

    with django_capture_on_commit_callbacks(execute=True):
        change_profile(admin_client, profile, **{"avatar-clear": "on"})
    profile.refresh_from_db()
    assert every_name() == {profile.cv.name}

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse(f"{PROFILES}_delete", args=[profile.pk]), {"post": "yes"})
    assert every_name() == set()


def test_a_rolled_back_replacement_keeps_the_old_file(django_capture_on_commit_callbacks):
    profile = Profile.objects.create(name="Ada", cv=ContentFile(b"old", name="cv.pdf"))
    old = profile.cv.name

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        profile.cv = ContentFile(b"new", name="cv.pdf")
        profile.save()
        raise RuntimeError("the request failed after saving")

    assert callbacks == []
    assert default_storage.exists(old)
    assert Profile.objects.get().cv.name == old


def test_bulk_delete_deletes_every_file(admin_client, django_capture_on_commit_callbacks):
    for number in range(3):
        add_profile(admin_client, name=f"P{number}", cv=b"cv %d" % number)
    pks = [str(pk) for pk in Profile.objects.values_list("pk", flat=True)]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse(f"{PROFILES}_changelist"),
            {"action": "delete_selected", "_selected_action": pks, "post": "yes"},
        )

    assert every_name() == set()


def album_form(title, cover=None, photo=None):
    """The album add form with one inline photo (the inline's management form included)."""
    data = {
        "title": title,
        "photos-TOTAL_FORMS": "1",
        "photos-INITIAL_FORMS": "0",
        "photos-MIN_NUM_FORMS": "0",
        "photos-MAX_NUM_FORMS": "1000",
    }
    if cover is not None:
        data["cover"] = SimpleUploadedFile("cover.jpg", cover)
    if photo is not None:
        data["photos-0-image"] = SimpleUploadedFile("photo.jpg", photo)
    return data


def test_inline_files_are_stored_with_the_same_rules(admin_client):
    response = admin_client.post(
        reverse(f"{ALBUMS}_add"), album_form("Trip", cover=gps_photo(), photo=gps_photo())
    )

    assert response.status_code == 302
    photo = Photo.objects.get()
    with Image.open(io.BytesIO(stored(photo.image.name))) as image:
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert default_storage.exists(thumbnail_name(photo.image.name, "list"))


def test_an_inline_refused_leaves_no_row_and_no_file_of_the_main_form(admin_client, settings):
    response = admin_client.post(
        reverse(f"{ALBUMS}_add"), album_form("Trip", cover=gps_photo(), photo=b"not an image")
    )

    assert response.status_code == 200
    assert not Album.objects.exists() and not Photo.objects.exists()
    # The cover was stored while the main form validated; the request stored no row.
    assert every_name() == set()


def test_an_inline_storage_failure_is_a_form_error(admin_client, settings):
    use_storage(settings, UnreachableStorage)

    response = admin_client.post(reverse(f"{ALBUMS}_add"), album_form("Trip", photo=gps_photo()))

    assert response.status_code == 200
    (formset,) = response.context["inline_admin_formsets"]
    assert "could not be stored" in formset.formset.errors[0]["image"][0]
    assert not Album.objects.exists()


@pytest.mark.urls("tests.examples.urls")
def test_a_view_with_the_form_base_gets_the_form_error(client, settings):
    use_storage(settings, UnreachableStorage)

    response = client.post(
        "/profiles/stored-files-form", {"name": "Ada", "cv": SimpleUploadedFile("cv.pdf", b"x")}
    )

    assert response.status_code == 400
    assert "could not be stored" in json.loads(response.content)["cv"][0]
    assert not Profile.objects.exists()


@pytest.mark.urls("tests.examples.urls")
@pytest.mark.parametrize(
    ("storage_class", "status", "message"),
    [(UnreachableStorage, 503, "try again"), (MisconfiguredStorage, 503, "misconfigured")],
)
def test_a_view_with_a_plain_form_answers_a_clear_page_and_writes_no_row(
    client, settings, storage_class, status, message
):
    use_storage(settings, storage_class)

    response = client.post(
        "/profiles/plain-form", {"name": "Ada", "cv": SimpleUploadedFile("cv.pdf", b"x")}
    )

    assert response.status_code == status
    assert message in response.text and "Nothing was saved" in response.text
    assert response["Retry-After"] == "60"
    assert not Profile.objects.exists()


@pytest.mark.urls("tests.examples.urls")
def test_a_view_with_a_plain_form_refuses_a_bomb_with_a_400(client, settings):
    settings.IMAGE_MAX_PIXELS = 32 * 32

    response = client.post(
        "/profiles/plain-form",
        {"name": "Ada", "avatar": SimpleUploadedFile("me.jpg", gps_photo())},
    )

    assert response.status_code == 400
    assert "too large" in response.text
    assert not Profile.objects.exists()
    assert every_name() == set()


@pytest.mark.urls("tests.examples.urls")
def test_a_file_whose_row_rolled_back_is_deleted_when_the_request_ends(client):
    response = client.post("/profiles/rolled-back", {"cv": SimpleUploadedFile("cv.pdf", b"x")})

    assert response.status_code == 409
    assert not Profile.objects.exists()
    assert every_name() == set()


def test_a_rolled_back_file_is_gone_before_the_response_leaves(rf):
    """The middleware deletes it once the view has answered: a client never gets a
    response while the file is still stored (request_finished comes after sending)."""
    request = rf.post("/profiles/rolled-back", {"cv": SimpleUploadedFile("cv.pdf", b"x")})
    # What request_started and request_finished do for the files (sending the signals
    # themselves would also close the test's database connection).
    start_remembering()
    try:
        response = FileRefusedMiddleware(rolled_back)(request)

        assert response.status_code == 409
        assert every_name() == set()
    finally:
        delete_unsaved_files()


@pytest.mark.urls("tests.examples.urls")
def test_a_file_whose_row_the_default_manager_hides_is_kept(client):
    response = client.post("/documents/archived", {"file": SimpleUploadedFile("a.pdf", b"x")})

    assert response.status_code == 201
    (document,) = Document._base_manager.all()
    assert every_name() == {document.file.name}


def test_a_model_saved_in_code_gets_the_same_rules(settings):
    profile = Profile.objects.create(name="Ada", avatar=ContentFile(gps_photo(), name="me.jpg"))

    with Image.open(io.BytesIO(stored(profile.avatar.name))) as image:
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert default_storage.exists(thumbnail_name(profile.avatar.name, "admin"))


def test_images_kept_as_uploaded_keep_their_metadata_and_get_no_thumbnails(settings):
    settings.MEDIA_IMAGES_AS_UPLOADED = ["examples.Profile.avatar"]

    profile = Profile.objects.create(name="Ada", avatar=ContentFile(gps_photo(), name="me.jpg"))

    assert stored(profile.avatar.name) == gps_photo()
    assert every_name() == {profile.avatar.name}


def test_same_name_saves_from_many_threads_all_keep_their_bytes():
    # The storage is built before the threads start: Django's storage handler builds
    # one lazily, and threads racing to do so could each get an in-memory storage
    # of their own.
    storage = storages["default"]

    def save(number):
        return storage.save("cv/same.pdf", ContentFile(b"writer %d" % number))

    with ThreadPoolExecutor(max_workers=20) as pool:
        names = list(pool.map(save, range(20)))

    assert len(set(names)) == 20
    for number, name in enumerate(names):
        with storage.open(name) as file:
            assert file.read() == b"writer %d" % number


def test_utf8_text_is_stored_with_its_charset():
    storage = storages["default"]
    text = ContentFile("Grüße aus Köln\n".encode(), name="note.txt")
    latin = ContentFile("Grüße".encode("latin-1"), name="note.txt")

    storage.save("cv/note.txt", text)
    storage.save("cv/latin.txt", latin)

    assert text.content_type == "text/plain; charset=utf-8"
    assert latin.content_type == "text/plain"


def test_an_admin_site_of_its_own_is_named_by_the_checks():
    site = admin.AdminSite(name="elsewhere")
    site.register(Profile)
    try:
        found = [message for message in run_checks() if message.id == "mediafiles.W001"]
    finally:
        all_sites.discard(site)

    assert len(found) == 1
    assert "examples.Profile (avatar, cv)" in found[0].msg
    assert "MediaAdminSite" in found[0].hint


def test_a_field_on_a_storage_of_its_own_is_named_by_the_checks(monkeypatch, tmp_path):
    monkeypatch.setattr(Profile._meta.get_field("cv"), "storage", FileSystemStorage(tmp_path))

    found = [message for message in checks.fields_use_the_media_rules(None)]

    assert [message.id for message in found] == ["mediafiles.W002"]
    assert "examples.Profile.cv" in found[0].msg


def test_unknown_names_kept_as_uploaded_are_errors(settings):
    settings.MEDIA_IMAGES_AS_UPLOADED = ["examples.Profile.cv", "examples.Nothing", "uploads"]

    found = [m.id for m in checks.settings_name_what_exists(None)]

    assert found == ["mediafiles.E002"] * 3


def test_the_project_passes_its_own_checks():
    assert [message.id for message in run_checks() if message.id.startswith("mediafiles")] == []
