"""`manage.py copy_media` on every family's real server: media uploaded while they
lived on local disk move into the bucket (container, directory) with every name and
byte kept, a rerun copies nothing, a run killed in the middle of a large file
leaves nothing under its name and a rerun finishes it, the site then serves the
old rows' files from their new home, and the media come back to local disk (a
copy to local disk killed in the middle is finished by a rerun too).

The servers are the adapters' (tests/families/); each family's main variant whose
storage copy_media takes (adapter.copies_media; a family that it refuses has the
test of its refusal in its own place).
"""

import json
import os
import re
import signal
import subprocess
import threading
import urllib.parse
import uuid

import pytest

from tests.families import MAIN_VARIANTS, case, deploy
from tests.helpers import clean_env
from tests.proxy import CountingProxy
from tests.site import AdminSession, Site

pytestmark = pytest.mark.slow

MIB = 1024 * 1024
# What the command names a file it is still writing on local disk (mediafiles/storage.py).
PARTIAL_SUFFIX = ".copy-media-part"
COPYABLE = [case(adapter.id) for adapter in MAIN_VARIANTS if adapter.copies_media]
# "Listed 5 files at the source and 0 at the destination in 0.12 s: 5 to copy (9.0 MiB), 0 ..."
LISTED = re.compile(r"^Listed (\d+) files .*: (?P<pending>\d+) to copy .*, (?P<there>\d+) already")
DONE = re.compile(r"^Done in [\d.]+ s: (?P<copied>\d+) copied .*, (?P<failed>\d+) failed")


def old_media():
    """Names as the FileFields of rows uploaded to local disk hold them -> bytes: unicode,
    spaces and punctuation, nested folders, an empty file and one larger than a part
    (8 MiB: multipart, resumable or block uploads)."""
    return {
        "uploads/2025/11/k3v9x0qa7hw2mz4c/Résumé ünïcødé 東京.txt": "Grüße aus 東京\n".encode(),
        "uploads/2025/11/7hw2mz4ck3v9x0qa/a b & c (1).pdf": b"%PDF-1.4\n" + os.urandom(3000),
        "uploads/2025/12/0qa7hw2mz4ck3v9x/empty.txt": b"",
        "uploads/2026/01/mz4ck3v9x0qa7hw2/deep folder/nested/data.bin": os.urandom(9 * MIB + 17),
        "images/2026/02/x0qa7hw2mz4ck3v9/photo.png": b"\x89PNG\r\n\x1a\n" + os.urandom(500),
    }


def write_tree(root, files):
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def read_tree(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.endswith(PARTIAL_SUFFIX)
    }


def without_partials(objects):
    return {name: data for name, data in objects.items() if not name.endswith(PARTIAL_SUFFIX)}


def copy_media(project, env, *args):
    result = project.manage("copy_media", *args, env=env)
    return result, result.stdout + result.stderr


def counts(output):
    """(to copy, already there) from the listing line, (copied, failed) from the summary."""
    listed = next(m for line in output.splitlines() if (m := LISTED.match(line)))
    done = next(m for line in output.splitlines() if (m := DONE.match(line)))
    return (
        int(listed["pending"]),
        int(listed["there"]),
        int(done["copied"]),
        int(done["failed"]),
    )


def create_rows(project, env, names):
    """Upload rows that hold these names, as if uploaded before the move: their pks."""
    script = (
        "import json\n"
        "from uploads.models import Upload\n"
        f"names = json.loads({json.dumps(json.dumps(names))})\n"
        "print(json.dumps([Upload.objects.create(title=n, file=n).pk for n in names]))\n"
    )
    return project.shell(script, env)


@pytest.mark.parametrize("adapter", COPYABLE, indirect=True)
def test_local_media_move_to_the_storage_and_back_with_every_name_kept(
    projects, adapter, databases, tmp_path
):
    project, env = deploy(projects, adapter, databases)
    files = old_media()
    source = write_tree(tmp_path / "old-media", files)
    names = [name for name in files if name.startswith("uploads/")]
    rows = dict(zip(create_rows(project, env, names), names, strict=True))

    result, output = copy_media(project, env, "--from", f"file://{source}")

    assert result.returncode == 0, output
    assert counts(output) == (len(files), 0, len(files), 0), output
    assert without_partials(adapter.media_objects()) == files

    # A rerun lists both sides and copies nothing.
    result, output = copy_media(project, env, "--from", f"file://{source}")

    assert result.returncode == 0, output
    assert counts(output) == (0, len(files), 0, 0), output

    # The site, on the storage now, serves every old row's file (signed where private).
    with Site(project, env, workers=1, threads=4, log_path=tmp_path / "gunicorn.log") as site:
        admin = AdminSession(site)
        for pk, name in rows.items():
            (link,) = admin.file_links(pk)
            response = admin.fetch(link)
            assert response.status == 200, (link, response.status)
            assert response.body == files[name], link

    # And back to local disk, from the storage.
    back = tmp_path / "back"
    result, output = copy_media(project, env, "--from", "default", "--to", f"file://{back}")

    assert result.returncode == 0, output
    assert read_tree(back) == files


def killed_in_the_large_file(project, env, adapter, *args):
    """Run copy_media with the server behind a proxy that passes 16 MiB and then holds
    every connection, so the largest file (64 MiB, copied first) cannot finish however
    fast the machine; SIGKILL it once the proxy holds: its output."""
    target = urllib.parse.urlsplit(adapter.server.url).netloc
    command = [
        project.venv / "bin" / "python", "manage.py", "copy_media", *args,
        "--workers", "2", "--progress-every", "0.05",
    ]  # fmt: skip
    with CountingProxy(target) as proxy:
        proxy.hold_after(16 * MIB)
        process = subprocess.Popen(
            command,
            cwd=project.root,
            env=clean_env(**proxy.route(env)),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

        def kill_once_held():
            if proxy.held.wait(timeout=600):
                process.send_signal(signal.SIGKILL)

        killer = threading.Thread(target=kill_once_held, daemon=True)
        killer.start()
        try:
            output = process.stdout.read()
        finally:
            process.kill()
            process.wait(timeout=60)
    assert proxy.held.is_set(), output
    assert process.returncode == -signal.SIGKILL, output
    return output


BIG = "uploads/2026/03/k3v9x0qa7hw2mz4c/large video.mp4"
# Local disk to local disk copies 64 MiB from the page cache within a few milliseconds,
# before any progress line: the local side is killed while it receives from a bucket.
BUCKETS = [
    adapter for adapter in MAIN_VARIANTS if adapter.copies_media and not adapter.on_local_disk
]
KILLED = [
    *(case(adapter.id, "to the storage") for adapter in BUCKETS),
    case(BUCKETS[0].id, "to local disk"),
]


@pytest.mark.parametrize(("adapter", "direction"), KILLED, indirect=["adapter"])
def test_a_copy_killed_in_a_large_file_leaves_nothing_under_its_name_and_a_rerun_finishes(
    projects, adapter, direction, databases, tmp_path
):
    project, env = deploy(projects, adapter, databases)
    files = {BIG: os.urandom(64 * MIB), **old_media()}
    source = write_tree(tmp_path / "old-media", files)
    arguments = ["--from", f"file://{source}"]
    back = tmp_path / "back"
    if direction == "to local disk":
        result, output = copy_media(project, env, *arguments)
        assert result.returncode == 0, output
        arguments = ["--from", "default", "--to", f"file://{back}"]

    killed_output = killed_in_the_large_file(project, env, adapter, *arguments)

    stored = adapter.media_objects() if direction == "to the storage" else read_tree(back)
    assert BIG not in stored, f"the killed transfer left a file under its name\n{killed_output}"
    assert all(files[name] == data for name, data in without_partials(stored).items())

    if direction == "to local disk":
        # The killed copy's unfinished files, as if ten minutes had passed (the next
        # copy deletes them), and one that a copy beside it is writing (left alone).
        leftovers = list(back.rglob(f"*{PARTIAL_SUFFIX}"))
        assert leftovers, killed_output
        for leftover in leftovers:
            written = leftover.stat().st_mtime
            os.utime(leftover, (written - 601, written - 601))
        busy = back / "uploads" / f".busy.bin.k3v9x0qa{PARTIAL_SUFFIX}"
        busy.write_bytes(b"being written")

    result, output = copy_media(project, env, *arguments)

    assert result.returncode == 0, output
    stored = adapter.media_objects() if direction == "to the storage" else read_tree(back)
    assert without_partials(stored) == files
    if direction == "to local disk":
        deleted = f"Deleted {len(leftovers)} unfinished files left by killed copies"
        assert deleted in output, output
        assert list(back.rglob(f"*{PARTIAL_SUFFIX}")) == [busy]


def new_bucket(adapter):
    """An empty bucket (container) of this test's own on the adapter's server."""
    name = f"copy-{uuid.uuid4().hex[:12]}"
    adapter.create_bucket(name)
    return name


@pytest.mark.parametrize("adapter", [case(a.id) for a in BUCKETS], indirect=True)
def test_bucket_to_bucket_by_storage_url(projects, adapter, databases, tmp_path):
    project, env = deploy(projects, adapter, databases)
    files = old_media()
    source = write_tree(tmp_path / "old-media", files)
    result, output = copy_media(project, env, "--from", f"file://{source}")
    assert result.returncode == 0, output
    other = new_bucket(adapter)
    # The other bucket as MEDIA_STORAGE_URL would name it, on the same server.
    target = adapter.storage_url(other, "media")

    result, output = copy_media(project, env, "--from", "default", "--to", target)

    assert result.returncode == 0, output
    assert counts(output) == (len(files), 0, len(files), 0), output
    assert without_partials(adapter.on_bucket(other).media_objects()) == files
    # A URL the project cannot use is refused naming what it accepts, and copies nothing.
    result, output = copy_media(project, env, "--to", f"{target}&colour=blue", "--from", "default")
    assert result.returncode != 0
    assert "it has an unknown option (colour)" in output, output
