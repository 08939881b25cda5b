"""Large admin uploads stream to the S3 bucket while the request body arrives
(mediafiles/streaming.py, mediafiles/backends.py), on SeaweedFS under gunicorn.

A file larger than one part (8 MiB) goes up as a multipart upload under the name
its row will hold, started as soon as the first part has arrived. Whatever goes
wrong (the form refuses the request, the storage dies or freezes, the client
goes away), no row is written and no object or multipart upload is left behind.
"""

import http.client
import os
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from tests.families import case, deploy, variant
from tests.site import AdminSession, Site, rows

pytestmark = pytest.mark.slow

MIB = 1024 * 1024
S3 = "s3-compatible-private-bucket"
OUTAGE_MESSAGE = "could not be stored right now"


def stored_name_pattern(filename):
    """uploads/<year>/<month>/<16 random characters>/<file name>, as upload_to and
    mediafiles/storage.py name it."""
    now = datetime.now(UTC)
    return re.compile(rf"uploads/{now:%Y}/{now:%m}/[a-z0-9]{{16}}/{re.escape(filename)}")


def in_progress(adapter):
    """The bucket's multipart uploads that were neither completed nor aborted."""
    answer = adapter.server.client().list_multipart_uploads(Bucket=adapter.bucket)
    return [upload["Key"] for upload in answer.get("Uploads", [])]


def wait_for(condition, timeout=180, what="the condition"):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
    return found


class SlowUpload:
    """An admin add-form POST sent by hand: the body goes out piece by piece, and
    the test decides when the rest follows, or that it never does."""

    def __init__(self, admin, title, filename, data):
        boundary = uuid.uuid4().hex
        fields = {
            "csrfmiddlewaretoken": admin.cookies["csrftoken"],
            "title": title,
            "_continue": "Save and continue editing",
        }
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        self.body = head + data + f"\r\n--{boundary}--\r\n".encode()
        self.sent = 0
        self.connection = http.client.HTTPConnection("127.0.0.1", admin.site.port, timeout=180)
        self.connection.putrequest("POST", f"{admin.UPLOADS}add/")
        self.connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        self.connection.putheader("Content-Length", str(len(self.body)))
        cookies = "; ".join(f"{name}={value}" for name, value in admin.cookies.items())
        self.connection.putheader("Cookie", cookies)
        self.connection.endheaders()

    def send(self, size=None):
        """Send the next `size` bytes of the body (all that is left by default)."""
        end = len(self.body) if size is None else min(len(self.body), self.sent + size)
        view = memoryview(self.body)
        while self.sent < end:
            step = min(end, self.sent + MIB)
            self.connection.send(view[self.sent : step])
            self.sent = step

    def response(self):
        answer = self.connection.getresponse()
        return answer.status, answer.read().decode(errors="replace")

    def cut(self):
        """The client goes away in the middle of the body."""
        self.connection.sock.shutdown(2)
        self.connection.close()


@pytest.fixture
def own_server(projects, databases, tmp_path):
    """The S3 variant on a SeaweedFS of its own (to kill or freeze), served by gunicorn."""
    adapter = variant(S3).start(tmp_path / "server")
    with adapter:
        project, env = deploy(projects, adapter, databases, static_files=False)
        log_path = tmp_path / "gunicorn.log"
        with Site(project, env, workers=2, threads=4, log_path=log_path) as site:
            yield adapter, site


@pytest.mark.parametrize("adapter", [case(S3)], indirect=True)
def test_a_large_upload_streams_under_its_final_name(site, adapter):
    admin = AdminSession(site)
    data = os.urandom(40 * MIB + 12345)

    upload = SlowUpload(admin, "Large", "big.bin", data)
    upload.send(20 * MIB)
    # Half the body is in: the multipart upload is already under way, under the
    # name the row will hold.
    (key,) = wait_for(lambda: in_progress(adapter), what="a multipart upload")
    upload.send()
    status, page = upload.response()

    assert status == 302, page[:2000]
    ((row),) = rows(site.env)
    assert stored_name_pattern("big.bin").fullmatch(row["file"]), row
    assert key == f"media/{row['file']}"
    assert adapter.media_objects() == {row["file"]: data}
    assert in_progress(adapter) == []


@pytest.mark.parametrize("adapter", [case(S3)], indirect=True)
def test_a_form_error_leaves_no_object_and_no_multipart_upload(site, adapter):
    admin = AdminSession(site)

    response = admin.add_upload("", "big.bin", os.urandom(24 * MIB))

    assert response.status_code == 200
    assert "title" in admin.form_errors(response)
    assert rows(site.env) == []
    assert adapter.media_objects() == {}
    assert in_progress(adapter) == []


@pytest.mark.parametrize("adapter", [case(S3)], indirect=True)
def test_a_client_that_goes_away_mid_body_leaves_nothing(site, adapter):
    admin = AdminSession(site)
    upload = SlowUpload(admin, "Cut", "cut.bin", os.urandom(40 * MIB))
    upload.send(20 * MIB)
    wait_for(lambda: in_progress(adapter), what="a multipart upload")

    upload.cut()

    wait_for(lambda: not in_progress(adapter), what="the multipart upload to be aborted")
    assert adapter.media_objects() == {}
    assert rows(site.env) == []
    # The worker that had the request serves the next one.
    assert admin.request("GET", f"{admin.UPLOADS}").status_code == 200


@pytest.mark.parametrize("fault", ["killed", "frozen"])
def test_a_storage_failure_mid_upload_is_a_form_error_that_saves_nothing(own_server, fault):
    adapter, site = own_server
    admin = AdminSession(site)
    workers = site.worker_pids()
    upload = SlowUpload(admin, "Lost", "lost.bin", os.urandom(40 * MIB))
    upload.send(20 * MIB)
    wait_for(lambda: in_progress(adapter), what="a multipart upload")

    adapter.fail(fault)
    # The rest of the body may wait while the worker waits for the storage.
    sender = threading.Thread(target=upload.send)
    sender.start()
    status, page = upload.response()
    sender.join()

    assert status == 200, page[:2000]
    assert OUTAGE_MESSAGE in page
    assert rows(site.env) == []
    assert site.worker_pids() == workers, site.log_tail()
    if fault == "frozen":
        adapter.thaw()
        # The abort that the frozen storage could not answer is carried out once it runs.
        wait_for(lambda: not in_progress(adapter), timeout=30, what="the abort")
        assert adapter.media_objects() == {}
        # Thawed, the same workers stream uploads again.
        data = os.urandom(12 * MIB)
        assert admin.created_pk(admin.add_upload("Back", "back.bin", data))
        assert list(adapter.media_objects().values()) == [data]


@pytest.mark.parametrize("adapter", [case(S3)], indirect=True)
def test_parallel_large_uploads_all_land_intact(site, adapter):
    admin = AdminSession(site)
    files = {number: os.urandom(12 * MIB + number) for number in range(6)}

    def upload(number):
        return admin.add_upload(f"Big {number}", f"big-{number}.bin", files[number])

    with ThreadPoolExecutor(max_workers=len(files)) as pool:
        responses = list(pool.map(upload, files))

    assert [r.status_code for r in responses] == [302] * len(files), [
        admin.form_errors(r) for r in responses if r.status_code != 302
    ]
    objects = adapter.media_objects()
    stored = rows(site.env)
    assert len(stored) == len(objects) == len(files)
    for row in stored:
        number = int(row["title"].split()[-1])
        assert stored_name_pattern(f"big-{number}.bin").fullmatch(row["file"]), row
        assert objects[row["file"]] == files[number]
    assert in_progress(adapter) == []
