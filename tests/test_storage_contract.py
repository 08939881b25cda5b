"""What every storage family guarantees, proven on its real server under gunicorn.

The guarantees of every model are proven on a developer's own app, added to the
bake as a developer adds one (tests/developer_app.py: a plain
`admin.site.register`); what each variant does with its answers, on the sample's.

Each check runs on the variants of tests/families/ that have what it needs
(families.cases), each family on its own server (local disk, emulators, loopback
stand-ins). Checks share one server per family and test worker (the
`adapter` fixture empties its media first); the checks that kill or freeze a
server start one of their own.
"""

import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from tests.families import (
    CAPABILITIES,
    FAMILIES,
    MAIN_VARIANTS,
    STATIC_CACHE_CONTROL,
    URL_LIFETIME,
    VARIANTS,
    Lacks,
    case,
    cases,
    collect_static,
    deploy,
    deployed_to_fail,
)
from tests.helpers import http_get, png
from tests.site import PRIVATE_LINKS, PROFILE, AdminSession, Site, rows

pytestmark = pytest.mark.slow
PARALLEL = 20
OUTAGE_MESSAGE = "could not be stored right now"
MISCONFIGURED_MESSAGE = "storage is misconfigured"
# Refused: 403 or 401, as each server answers a missing or wrong signature.
REFUSED = {401, 403}


def document(number):
    return f"upload number {number:02d}\n".encode() * 2000


def test_every_variant_declares_every_capability():
    undeclared = [
        (adapter.id, name)
        for adapter in VARIANTS
        for name in CAPABILITIES
        if getattr(adapter, name) == Lacks("not declared")
    ]
    assert undeclared == []
    assert len({adapter.id for adapter in VARIANTS}) == len(VARIANTS)


# What every family guarantees (its main variant) ---------------------------------------


@pytest.mark.parametrize("adapter", FAMILIES, indirect=True)
def test_parallel_same_name_uploads_each_keep_their_own_bytes(developer_site, adapter):
    site = developer_site
    admin = AdminSession(site, model=PROFILE)

    def upload(number):
        return admin.add_upload(f"Report {number:02d}", "report.pdf", document(number))

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        responses = list(pool.map(upload, range(PARALLEL)))

    assert [r.status_code for r in responses] == [302] * PARALLEL, [
        admin.form_errors(r) for r in responses if r.status_code != 302
    ]
    stored = rows(site.env, PROFILE)
    objects = adapter.media_objects()
    assert len(stored) == PARALLEL
    assert len({row["file"] for row in stored}) == PARALLEL
    assert len(objects) == PARALLEL
    for row in stored:
        number = int(row["title"].split()[-1])
        assert objects[row["file"]] == document(number), row
        assert row["file"].endswith("/report.pdf")


SAVE_FROM_THREADS = """
import json
from concurrent.futures import ThreadPoolExecutor
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

def save(number):
    return default_storage.save("uploads/same.bin", ContentFile(b"writer %02d" % number))

with ThreadPoolExecutor(max_workers=20) as pool:
    print(json.dumps(list(pool.map(save, range(20)))))
"""


@pytest.mark.parametrize("adapter", FAMILIES, indirect=True)
def test_parallel_saves_through_the_storage_never_collide(projects, adapter, databases):
    project, env = deploy(projects, adapter, databases)

    names = project.shell(SAVE_FROM_THREADS, env)

    objects = adapter.media_objects()
    assert len(set(names)) == PARALLEL
    assert {name: objects.get(name) for name in names} == {
        name: b"writer %02d" % number for number, name in enumerate(names)
    }


@pytest.mark.parametrize("adapter", FAMILIES, indirect=True)
def test_replaced_cleared_and_deleted_files_leave_no_orphans(developer_site, adapter):
    site = developer_site
    admin = AdminSession(site, model=PROFILE)
    pk = admin.created_pk(
        admin.add_upload("Ada", "report.pdf", b"%PDF first", image=("photo.png", png()))
    )
    first = rows(site.env, PROFILE)[0]
    images = {first["image"], *adapter.thumbnails(first["image"])}
    assert set(adapter.media_objects()) == {first["file"], *images}

    response = admin.change_upload(pk, "Ada", file=("report.pdf", b"%PDF second"))
    assert response.status_code == 302, admin.form_errors(response)
    second = rows(site.env, PROFILE)[0]
    objects = adapter.media_objects()
    assert set(objects) == {second["file"], *images}
    assert objects[second["file"]] == b"%PDF second"

    response = admin.change_upload(pk, "Ada", image=("photo.png", png(3, 2)))
    assert response.status_code == 302, admin.form_errors(response)
    third = rows(site.env, PROFILE)[0]
    assert set(adapter.media_objects()) == {
        second["file"],
        third["image"],
        *adapter.thumbnails(third["image"]),
    }

    response = admin.change_upload(pk, "Ada", clear_image=True)
    assert response.status_code == 302, admin.form_errors(response)
    assert rows(site.env, PROFILE)[0]["image"] is None
    assert set(adapter.media_objects()) == {second["file"]}

    assert admin.delete_upload(pk).status_code == 302
    assert adapter.media_objects() == {}


@pytest.mark.parametrize("adapter", FAMILIES, indirect=True)
def test_files_stored_for_rows_not_saved_are_deleted_under_parallel_requests(
    developer_site, adapter
):
    """The developer's own views (tests/developer_app.py), 20 requests at once: half
    save a profile with Django's plain ModelForm, half store a file for a row whose
    transaction rolls back. Only the saved rows' files are left."""
    site = developer_site
    session = AdminSession(site, model=PROFILE)

    def post(number):
        path = "/profiles/new" if number % 2 else "/profiles/rolled-back"
        files = {"cv": ("cv.pdf", document(number))}
        return session.post(path, {"name": f"Profile {number:02d}"}, files)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        statuses = [response.status_code for response in pool.map(post, range(PARALLEL))]

    assert statuses == [409, 201] * (PARALLEL // 2), site.log_tail()
    saved = rows(site.env, PROFILE)
    assert sorted(row["title"] for row in saved) == [
        f"Profile {number:02d}" for number in range(1, PARALLEL, 2)
    ]
    objects = adapter.media_objects()
    assert objects == {row["file"]: document(int(row["title"].split()[-1])) for row in saved}


@pytest.mark.parametrize("adapter", FAMILIES, indirect=True)
def test_active_content_is_served_as_a_download_and_images_inline(developer_site, adapter):
    site = developer_site
    admin = AdminSession(site, model=PROFILE)
    files = {
        "page.html": b"<script>alert(document.cookie)</script>",
        "logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "scan.pdf": b"%PDF-1.7 a document",
        "photo.png": png(),
    }
    for name, data in files.items():
        pk = admin.created_pk(admin.add_upload(name, name, data))
        (url,) = admin.file_links(pk)
        response = admin.fetch(url)
        assert (response.status, response.body) == (200, data), name
        disposition = response.headers.get("content-disposition", "inline")
        if name.endswith((".html", ".svg")):
            assert disposition.startswith("attachment"), (name, response.headers)
        else:
            assert disposition.startswith("inline"), (name, response.headers)


FAULTS = [
    case(adapter.id, fault)
    for adapter in MAIN_VARIANTS
    for fault in ("killed", "frozen", "misconfigured")
    if adapter.can_fail or fault == "misconfigured"
]


@pytest.mark.parametrize(("main", "fault"), FAULTS)
def test_pages_stay_up_and_uploads_fail_cleanly_when_the_storage_fails(
    projects, server_pool, databases, tmp_path, main, fault
):
    deployed = deployed_to_fail(
        projects, server_pool, databases, tmp_path, main, fault, developer_app=True
    )
    log_path = tmp_path / "gunicorn.log"
    with (
        deployed as (adapter, project, env),
        Site(project, env, workers=2, threads=4, log_path=log_path) as site,
    ):
        admin = AdminSession(site, model=PROFILE)
        workers = site.worker_pids()
        adapter.fail(fault)

        for path in ("/", f"{admin.UPLOADS}add/", f"{admin.UPLOADS}"):
            response = admin.request("GET", path)
            assert response.status_code == 200, (path, site.log_tail())
        # At once: the admin's form, and the developer's own view with Django's plain
        # ModelForm (a storage that does not answer keeps both waiting side by side).
        with ThreadPoolExecutor(max_workers=2) as pool:
            admin_upload = pool.submit(admin.add_upload, "Lost", "lost.txt", b"nothing is lost")
            own_view = pool.submit(
                admin.post, "/profiles/new", {"name": "Lost"}, {"cv": ("cv.pdf", b"lost")}
            )
            response, plain = admin_upload.result(), own_view.result()

        assert response.status_code == 200, site.log_tail()
        (message,) = admin.form_errors(response)[PROFILE.file]
        expected = MISCONFIGURED_MESSAGE if fault == "misconfigured" else OUTAGE_MESSAGE
        assert expected in message, message
        # The developer's own view: a 503 page, no row.
        assert plain.status_code == 503, site.log_tail()
        assert "Nothing was saved" in plain.text and expected in plain.text, plain.text
        assert site.worker_pids() == workers, site.log_tail()
        adapter.thaw()
        assert rows(env, PROFILE) == []
        if fault == "frozen":
            # Thawed, the same workers store uploads again.
            assert admin.add_upload("Back", "back.txt", b"back").status_code == 302
            assert http_get(site.url("/healthz")).status == 200


# What every variant does with its answers ------------------------------------------------


def pixels(data):
    """An image's size and RGB pixels."""
    with Image.open(io.BytesIO(data)) as image:
        return image.size, image.convert("RGB").tobytes()


def plain(adapter, url):
    """A media URL without its signature (the same URL where media are public)."""
    return adapter.signed_urls.unsigned(url) if adapter.signed_urls else url


@pytest.mark.parametrize("adapter", [case(adapter.id) for adapter in VARIANTS], indirect=True)
def test_uploads_round_trip_keep_same_names_apart_and_delete(site, adapter):
    admin = AdminSession(site)
    # The first file is larger than FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): Django spools
    # it to a temporary file, which the storage uploads from disk.
    first_bytes, second_bytes = b"%PDF-1.7 first\n" * 200_000, b"%PDF-1.7 second\n" * 200
    first_pk = admin.created_pk(
        admin.add_upload("First", "report.pdf", first_bytes, image=("photo.png", png()))
    )
    second_pk = admin.created_pk(admin.add_upload("Second", "report.pdf", second_bytes))

    first, second = rows(site.env)
    assert first["file"] != second["file"]
    assert first["file"].endswith("/report.pdf") and second["file"].endswith("/report.pdf")
    objects = adapter.media_objects()
    thumbnails = adapter.thumbnails(first["image"])
    assert set(objects) == {first["file"], first["image"], *thumbnails, second["file"]}
    assert (objects[first["file"]], objects[second["file"]]) == (first_bytes, second_bytes)
    # The image is stored again without its metadata: the same pixels (tests/test_images.py).
    assert pixels(objects[first["image"]]) == pixels(png())
    file_url, image_url = admin.file_links(first_pk)
    (second_url,) = admin.file_links(second_pk)
    for url, name, data in (
        (file_url, first["file"], first_bytes),
        (image_url, first["image"], objects[first["image"]]),
        (second_url, second["file"], second_bytes),
    ):
        if url.startswith(site.url(PRIVATE_LINKS)):
            # Private files that the site sends itself (adapter.sends_private_files).
            assert url.startswith(site.url("/media-files/uploads/upload/")), url
        else:
            assert plain(adapter, url) == site.absolute(adapter.media_url(name))
        response = admin.fetch(url)
        assert (response.status, response.body) == (200, data), url
        if adapter.media_cache_control:
            assert response.headers.get("cache-control") == adapter.media_cache_control

    assert admin.delete_upload(first_pk).status_code == 302

    assert adapter.media_objects() == {second["file"]: second_bytes}
    assert admin.fetch(file_url).status == 404
    assert admin.fetch(image_url).status == 404
    assert admin.fetch(second_url).body == second_bytes


@pytest.mark.parametrize("adapter", cases("signed_urls"), indirect=True)
def test_private_media_need_a_valid_signature(site, adapter):
    signature = adapter.require("signed_urls")
    admin = AdminSession(site)
    content = b"%PDF-1.7 for signed eyes only\n" * 500
    pk = admin.created_pk(admin.add_upload("Contract", "contract.pdf", content))

    (signed,) = admin.file_links(pk)
    if signed.startswith(site.url(PRIVATE_LINKS)):
        # The site relays the file (the storage's signed URLs never expire, so none
        # is handed out): the storage's own signed URL of it.
        (row,) = rows(site.env)
        signed = site.project.shell(SIGNED_URL.format(name=row["file"]), site.env)

    assert signature.signature(signed), signed
    assert http_get(signed).body == content
    assert http_get(signature.unsigned(signed)).status in REFUSED
    assert signature.tampered(signed) != signed
    assert http_get(signature.tampered(signed)).status in REFUSED


SIGNED_URL = """
import json
from django.core.files.storage import default_storage
print(json.dumps(default_storage.url({name!r})))
"""

SIGN_NOW_AND_EARLIER = """
import json
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage as storage

name = storage.save("uploads/expiring.txt", ContentFile(b"for a while only"))
print(json.dumps([storage.url(name), signed_earlier(storage, name)]))
"""


@pytest.mark.parametrize("adapter", cases("expiring_urls"), indirect=True)
def test_signed_urls_expire(projects, adapter, databases):
    """The project signs one URL now and one as if two hours earlier: no test waits."""
    expiry = adapter.require("expiring_urls")
    project, env = deploy(projects, adapter, databases)

    fresh, stale = project.shell(expiry.sign_earlier + SIGN_NOW_AND_EARLIER, env)

    now = datetime.now(UTC)
    assert now < expiry.read(fresh) <= now + timedelta(seconds=URL_LIFETIME + 60)
    assert expiry.read(stale) < now - timedelta(seconds=URL_LIFETIME / 2)
    assert http_get(fresh).body == b"for a while only"
    assert http_get(stale).status in REFUSED


STATIC_URL = """
import json
from django.contrib.staticfiles.storage import staticfiles_storage
print(json.dumps(staticfiles_storage.url("admin/css/base.css")))
"""


@pytest.mark.parametrize("adapter", cases("static_on_bucket"), indirect=True)
def test_static_files_are_served_hashed_from_the_bucket_and_cached_for_good(
    projects, adapter, databases
):
    adapter.require("static_on_bucket")
    project, env = deploy(projects, adapter, databases)  # collectstatic, as a release does

    url = project.shell(STATIC_URL, env)

    prefix = adapter.static_url("")
    assert re.fullmatch(re.escape(prefix) + r"admin/css/base\.[0-9a-f]{12}\.css", url), url
    stored = adapter.static_object(url.removeprefix(prefix))
    response = http_get(url)
    assert (response.status, response.body) == (200, stored.data)
    assert response.headers["content-type"].startswith("text/css")
    assert stored.cache_control == STATIC_CACHE_CONTROL
    assert response.headers["cache-control"] == STATIC_CACHE_CONTROL
    # Pages read the manifest from local disk where collectstatic ran, never from the bucket.
    assert (project.root / "staticfiles" / "staticfiles.json").is_file()


@pytest.mark.parametrize("adapter", cases("incremental_static"), indirect=True)
def test_a_collectstatic_rerun_uploads_nothing(projects, adapter, databases):
    adapter.require("incremental_static")
    project, env = deploy(projects, adapter, databases)  # collectstatic, as a release does
    written = adapter.static_objects()

    rerun = collect_static(project, env)

    assert re.search(r"\b0 static files copied", rerun.stdout), rerun.stdout
    assert len(written) > 100
    assert adapter.static_objects() == written


@pytest.mark.parametrize("adapter", cases("wrong_credentials"), indirect=True)
def test_wrong_credentials_are_a_form_error_that_saves_nothing(
    projects, adapter, databases, tmp_path
):
    wrong = adapter.require("wrong_credentials")
    project, env = deploy(projects, adapter, databases)

    log_path = tmp_path / "gunicorn.log"
    with Site(project, wrong(env), workers=1, threads=2, log_path=log_path) as site:
        admin = AdminSession(site)
        started = time.monotonic()
        response = admin.add_upload("Notes", "notes.txt", b"notes")
        elapsed = time.monotonic() - started

    assert response.status_code == 200, site.log_tail()
    (message,) = admin.form_errors(response)["file"]
    assert MISCONFIGURED_MESSAGE in message, message
    assert elapsed < 30, "no retries for an error that no retry can mend"
    assert rows(env) == []
    assert adapter.media_objects() == {}


@pytest.mark.parametrize("adapter", cases("live_tests"), indirect=True)
def test_the_projects_own_live_tests_pass(projects, adapter, databases):
    live = adapter.require("live_tests")
    project, env = deploy(projects, adapter, databases)

    result = project.run(
        "pytest", "-q", "-p", "no:cacheprovider", "-m", "live", env={**env, **live.env}
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b[1-9]\d* passed", result.stdout), result.stdout
    assert not re.search(r"\b(skipped|failed|errors?|xfailed)\b", result.stdout), result.stdout
