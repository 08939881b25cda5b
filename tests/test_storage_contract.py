"""What every storage family guarantees, proven on its real server under gunicorn.

Each test runs once per family (tests/providers.py): local disk, SeaweedFS (S3),
fake-gcs-server, Azurite and the loopback Cloudinary, each started fresh for the test.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.emulators import fetch
from tests.helpers import http_get, png
from tests.providers import ADAPTERS, deploy
from tests.site import PASSWORD, AdminSession, Site, create_superuser, rows

pytestmark = pytest.mark.slow
PARALLEL = 20
OUTAGE_MESSAGE = "could not be stored right now"
MISCONFIGURED_MESSAGE = "storage is misconfigured"


@pytest.fixture(params=list(ADAPTERS))
def adapter(request, tmp_path):
    with ADAPTERS[request.param]().start(tmp_path / "server") as adapter:
        yield adapter


@pytest.fixture
def site(projects, adapter, tmp_path):
    """The adapter's project deployed and served by gunicorn, 2 workers x 10 threads."""
    project, env = deploy(projects, adapter, tmp_path)
    create_superuser(project, env, "admin", PASSWORD)
    with Site(project, env, workers=2, threads=10, log_path=tmp_path / "gunicorn.log") as site:
        yield site


def document(number):
    return f"upload number {number:02d}\n".encode() * 2000


def test_parallel_same_name_uploads_each_keep_their_own_bytes(site, adapter):
    admin = AdminSession(site, "admin", PASSWORD)

    def upload(number):
        return admin.add_upload(f"Report {number:02d}", "report.pdf", document(number))

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        responses = list(pool.map(upload, range(PARALLEL)))

    assert [r.status_code for r in responses] == [302] * PARALLEL, [
        admin.form_errors(r) for r in responses if r.status_code != 302
    ]
    stored = rows(site.env)
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


def test_parallel_saves_through_the_storage_never_collide(projects, adapter, tmp_path):
    project, env = deploy(projects, adapter, tmp_path)

    result = project.manage("shell", "-c", SAVE_FROM_THREADS, env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    names = json.loads(result.stdout.strip().splitlines()[-1])
    objects = adapter.media_objects()
    assert len(set(names)) == PARALLEL
    assert {name: objects.get(name) for name in names} == {
        name: b"writer %02d" % number for number, name in enumerate(names)
    }


def test_replaced_cleared_and_deleted_files_leave_no_orphans(site, adapter):
    admin = AdminSession(site, "admin", PASSWORD)
    pk = admin.created_pk(
        admin.add_upload("Report", "report.pdf", b"%PDF first", image=("photo.png", png()))
    )
    first = rows(site.env)[0]
    assert set(adapter.media_objects()) == {first["file"], first["image"]}

    response = admin.change_upload(pk, "Report", file=("report.pdf", b"%PDF second"))
    assert response.status_code == 302, admin.form_errors(response)
    second = rows(site.env)[0]
    assert adapter.media_objects() == {second["file"]: b"%PDF second", first["image"]: png()}

    response = admin.change_upload(pk, "Report", clear_image=True)
    assert response.status_code == 302, admin.form_errors(response)
    assert rows(site.env)[0]["image"] is None
    assert set(adapter.media_objects()) == {second["file"]}

    assert admin.delete_upload(pk).status_code == 302
    assert adapter.media_objects() == {}


def test_active_content_is_served_as_a_download_and_images_inline(site, adapter):
    admin = AdminSession(site, "admin", PASSWORD)
    files = {
        "page.html": b"<script>alert(document.cookie)</script>",
        "logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "scan.pdf": b"%PDF-1.7 a document",
        "photo.png": png(),
    }
    for name, data in files.items():
        pk = admin.created_pk(admin.add_upload(name, name, data))
        (url,) = admin.file_links(pk)
        status, headers, body = fetch(url)
        assert (status, body) == (200, data), name
        disposition = headers.get("content-disposition", "inline")
        if name.endswith((".html", ".svg")):
            assert disposition.startswith("attachment"), (name, headers)
        else:
            assert disposition.startswith("inline"), (name, headers)


FAULTS = [
    (family, fault)
    for family, adapter_class in ADAPTERS.items()
    for fault in ("killed", "frozen", "misconfigured")
    if adapter_class.can_fail or fault == "misconfigured"
]


@pytest.mark.parametrize(("family", "fault"), FAULTS, ids=["-".join(f) for f in FAULTS])
def test_pages_stay_up_and_uploads_fail_cleanly_when_the_storage_fails(
    projects, tmp_path, family, fault
):
    with ADAPTERS[family]().start(tmp_path / "server") as adapter:
        project, env = deploy(projects, adapter, tmp_path)
        create_superuser(project, env, "admin", PASSWORD)
        if fault == "misconfigured":
            env = adapter.misconfigured(env, tmp_path)
        with Site(project, env, workers=2, threads=4, log_path=tmp_path / "gunicorn.log") as site:
            admin = AdminSession(site, "admin", PASSWORD)
            workers = site.worker_pids()
            {"killed": adapter.kill, "frozen": adapter.freeze}.get(fault, lambda: None)()

            for path in ("/", f"{admin.UPLOADS}add/", f"{admin.UPLOADS}"):
                response = admin.request("GET", path)
                assert response.status_code == 200, (path, site.log_tail())
            response = admin.add_upload("Lost", "lost.txt", b"nothing is lost")

            assert response.status_code == 200, site.log_tail()
            (message,) = admin.form_errors(response)["file"]
            expected = MISCONFIGURED_MESSAGE if fault == "misconfigured" else OUTAGE_MESSAGE
            assert expected in message, message
            assert site.worker_pids() == workers, site.log_tail()
            adapter.thaw()
            assert rows(env) == []
            if fault == "frozen":
                # Thawed, the same workers store uploads again.
                assert admin.add_upload("Back", "back.txt", b"back").status_code == 302
                assert http_get(site.url("/healthz"))[0] == 200
