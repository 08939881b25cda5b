"""Private media: the application decides who reads each file (mediafiles/access.py).

Proven on a developer's own models (tests/examples): Payslip (an owner: the
default rule), Report (a rule of its own) and Profile (no owner: staff only).
The template's own tests prove the same on every provider's real server.
"""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mediafiles.access import readable
from mediafiles.images import thumbnail_name
from tests.examples.models import Payslip, Profile, Report

pytestmark = pytest.mark.django_db

SECRET = b"%PDF-1.7 salary: private\n"


@pytest.fixture
def users(django_user_model):
    make = django_user_model.objects.create_user
    return {
        "owner": make("owner"),
        "other": make("other"),
        "staff": make("staff", is_staff=True),
        "viewer": make("viewer", is_staff=True),
        "superuser": django_user_model.objects.create_superuser("root"),
    }


@pytest.fixture
def payslip(users):
    users["viewer"].user_permissions.add(Permission.objects.get(codename="view_payslip"))
    name = default_storage.save("payslips/payslip.pdf", ContentFile(SECRET))
    return Payslip.objects.create(owner=users["owner"], file=name)


def on_local_disk():
    return isinstance(storages["default"], FileSystemStorage)


def assert_hands_out(response, name, content):
    """The response gives the stored file, and no cache may keep it: a redirect to
    the storage's (signed) URL, or, on local disk, the file itself."""
    assert response["Cache-Control"] == "private, no-store"
    if on_local_disk():
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Security-Policy"] == "sandbox"
    else:
        assert response.status_code == 302
        assert response["Location"] == default_storage.url(name)


def get_as(client, user, url):
    client.force_login(user)
    try:
        return client.get(url)
    finally:
        client.logout()


def test_a_private_file_url_is_the_sites_link_never_the_storages(payslip):
    url = payslip.file.url

    assert url == f"/media-files/examples/payslip/{payslip.pk}/file"
    assert default_storage.url(payslip.file.name) != url


def test_anonymous_visitors_are_sent_to_log_in_whether_the_row_exists_or_not(client, payslip):
    for pk in (payslip.pk, payslip.pk + 1000):
        url = f"/media-files/examples/payslip/{pk}/file"
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("who", ["owner", "viewer", "superuser"])
def test_the_owner_and_staff_who_may_view_the_model_get_the_file(client, users, payslip, who):
    response = get_as(client, users[who], payslip.file.url)

    assert_hands_out(response, payslip.file.name, SECRET)


@pytest.mark.parametrize("who", ["other", "staff"])
def test_a_user_the_rule_refuses_gets_the_same_404_as_for_no_row(client, users, payslip, who):
    refused = get_as(client, users[who], payslip.file.url)
    missing = get_as(client, users[who], f"/media-files/examples/payslip/{payslip.pk + 1000}/file")

    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert "Location" not in refused


def test_an_inactive_owner_gets_nothing(client, users, payslip):
    users["owner"].is_active = False
    users["owner"].save()

    # The session of a user who is no longer active is not a login (ModelBackend).
    assert get_as(client, users["owner"], payslip.file.url).status_code == 302


def test_links_refuse_what_is_not_a_private_file(client, users, payslip):
    client.force_login(users["superuser"])
    for path in (
        f"/media-files/examples/payslip/{payslip.pk}/owner",  # not a file field
        "/media-files/examples/payslip/not-a-pk/file",
        f"/media-files/examples/nothing/{payslip.pk}/file",
        f"/media-files/nothing/payslip/{payslip.pk}/file",
    ):
        assert client.get(path).status_code == 404, path


def test_a_model_with_its_own_rule_decides_per_field(client, users):
    summary = default_storage.save("summaries/summary.txt", ContentFile(b"summary"))
    draft = default_storage.save("drafts/draft.txt", ContentFile(b"draft"))
    report = Report.objects.create(author=users["owner"], summary=summary, draft=draft)

    assert_hands_out(get_as(client, users["other"], report.summary.url), summary, b"summary")
    assert get_as(client, users["other"], report.draft.url).status_code == 404
    assert_hands_out(get_as(client, users["owner"], report.draft.url), draft, b"draft")
    # Its own rule replaces the default: staff who may view reports get no draft.
    assert get_as(client, users["superuser"], report.draft.url).status_code == 404


def test_a_model_without_an_owner_is_read_by_staff_only(client, users):
    profile = Profile.objects.create(
        name="Ada", cv=default_storage.save("cv/cv.txt", ContentFile(b"cv"))
    )

    assert get_as(client, users["other"], profile.cv.url).status_code == 404
    assert get_as(client, users["staff"], profile.cv.url).status_code == 404
    assert_hands_out(get_as(client, users["superuser"], profile.cv.url), profile.cv.name, b"cv")


def test_list_pages_get_the_rows_the_rule_allows(users, payslip):
    Payslip.objects.create(
        owner=users["other"], file=default_storage.save("payslips/b.pdf", ContentFile(b"b"))
    )
    everyone = Payslip.objects.all()

    assert list(readable(everyone, users["owner"])) == [payslip]
    assert readable(everyone, users["viewer"]).count() == 2
    assert readable(everyone, users["staff"]).count() == 0
    report = Report.objects.create(
        author=users["owner"], summary=default_storage.save("summaries/s.txt", ContentFile(b"s"))
    )
    assert list(readable(Report.objects.all(), users["other"])) == [report]


def add_profile(admin_client):
    data = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(data, format="JPEG")
    image = SimpleUploadedFile("photo.jpg", data.getvalue())
    response = admin_client.post(
        reverse("admin:examples_profile_add"), {"name": "Ada", "avatar": image}
    )
    assert response.status_code == 302
    return Profile.objects.get()


def test_thumbnails_are_links_with_the_same_rule(client, admin_client, users, settings):
    profile = add_profile(admin_client)

    for size in settings.THUMBNAIL_SIZES:
        link = profile.avatar.link(size)
        assert link == f"/media-files/examples/profile/{profile.pk}/avatar/{size}"
        name = thumbnail_name(profile.avatar.name, size)
        with default_storage.open(name) as stored:
            content = stored.read()
        assert client.get(link).status_code == 302  # to log in
        assert get_as(client, users["other"], link).status_code == 404
        assert_hands_out(get_as(client, users["superuser"], link), name, content)
    assert get_as(client, users["superuser"], profile.avatar.link("huge")).status_code == 404


def test_the_thumbnail_fallback_applies_the_rule_before_making_anything(
    client, admin_client, users, settings
):
    profile = add_profile(admin_client)
    lost = thumbnail_name(profile.avatar.name, "list")
    default_storage.delete(lost)
    fallback = reverse("thumbnail", args=["examples", "profile", profile.pk, "avatar", "list"])

    assert client.get(fallback).status_code == 302  # to log in
    assert get_as(client, users["other"], fallback).status_code == 404
    assert not default_storage.exists(lost)
    response = get_as(client, users["superuser"], fallback)
    assert default_storage.exists(lost)
    with default_storage.open(lost) as stored:
        assert_hands_out(response, lost, stored.read())


def test_no_page_of_the_admin_carries_a_storage_url(admin_client):
    profile = add_profile(admin_client)

    page = admin_client.get(reverse("admin:examples_profile_change", args=[profile.pk]))

    assert page.status_code == 200
    assert f'href="{profile.avatar.url}"' in page.text
    assert default_storage.url(profile.avatar.name) not in page.text


def test_local_files_can_be_sent_by_a_front_server(client, users, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "mediafiles.local.LocalMediaStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": "/media/"},
        },
    }
    name = default_storage.save("payslips/payslip.pdf", ContentFile(SECRET))
    payslip = Payslip.objects.create(owner=users["owner"], file=name)

    sent = get_as(client, users["owner"], payslip.file.url)
    settings.MEDIA_SENDFILE = "X-Accel-Redirect"
    nginx = get_as(client, users["owner"], payslip.file.url)
    settings.MEDIA_SENDFILE = "X-Sendfile"
    apache = get_as(client, users["owner"], payslip.file.url)

    assert b"".join(sent.streaming_content) == SECRET
    assert nginx.content == apache.content == b""
    assert nginx["X-Accel-Redirect"] == f"/protected-media/{name}"
    assert apache["X-Sendfile"] == default_storage.path(name)
    for response in (sent, nginx, apache):
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Security-Policy"] == "sandbox"
