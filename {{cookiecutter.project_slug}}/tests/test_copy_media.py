"""manage.py copy_media between local directories: names and bytes kept, one listing
per side, files already there skipped, others of another size left alone, retries,
dry runs. The template's own tests run it against the real cloud servers."""

import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mediafiles.storage import PARTIAL_SUFFIX, LocalFiles

FILES = {
    "uploads/2026/05/k3v9x0qa7hw2mz4c/Résumé ünïcødé 東京.txt": "Grüße\n".encode(),
    "uploads/2026/05/7hw2mz4ck3v9x0qa/a b & c (1).pdf": b"%PDF-1.4\n" + os.urandom(2000),
    "uploads/2026/06/0qa7hw2mz4ck3v9x/empty.txt": b"",
    "images/2026/06/mz4ck3v9x0qa7hw2/deep folder/photo.png": os.urandom(3 * 1024 * 1024 + 5),
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
        if path.is_file()
    }


def copy_media(*args):
    """Run the command; its output (CommandError propagates)."""
    out = io.StringIO()
    call_command("copy_media", *args, stdout=out, stderr=out)
    return out.getvalue()


def current_umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.fixture
def source(tmp_path):
    return write_tree(tmp_path / "source", FILES)


def test_every_file_is_copied_under_its_own_name_and_a_rerun_copies_nothing(source, tmp_path):
    target = tmp_path / "target"

    output = copy_media("--from", f"file://{source}", "--to", f"file://{target}")

    assert "4 to copy" in output and "Done in" in output and "4 copied" in output
    assert read_tree(target) == FILES
    mode = (target / next(iter(FILES))).stat().st_mode & 0o777
    assert mode == 0o666 & ~current_umask()

    output = copy_media("--from", f"file://{source}", "--to", f"file://{target}")

    assert "0 to copy" in output and "4 already there" in output and "0 copied" in output


def test_relative_paths_are_from_the_current_directory(source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    copy_media("--from", "file:source", "--to", "file:target")

    assert read_tree(tmp_path / "target") == FILES


def test_a_dry_run_lists_what_it_would_copy_and_writes_nothing(source, tmp_path):
    target = tmp_path / "target"

    output = copy_media("--from", f"file://{source}", "--to", f"file://{target}", "--dry-run")

    assert sum(line.startswith("would copy") for line in output.splitlines()) == len(FILES)
    assert "nothing was written" in output
    assert not target.exists()


def test_a_file_there_with_another_size_is_left_alone_and_fails_the_run(source, tmp_path):
    name = next(iter(FILES))
    target = write_tree(tmp_path / "target", {name: b"another file"})

    with pytest.raises(CommandError, match="1 files differ in size"):
        copy_media("--from", f"file://{source}", "--to", f"file://{target}")

    assert read_tree(target) == {**FILES, name: b"another file"}


def test_an_interrupted_copy_leaves_only_a_partial_file_that_no_listing_counts(source, tmp_path):
    target = tmp_path / "target"
    name = next(iter(FILES))
    partial = target / f"{name}.x{PARTIAL_SUFFIX}"
    partial.parent.mkdir(parents=True)
    partial.write_bytes(FILES[name][:3])

    output = copy_media("--from", f"file://{source}", "--to", f"file://{target}")

    assert "4 to copy" in output
    assert LocalFiles(location=target).list_sizes() == {n: len(d) for n, d in FILES.items()}


def test_a_failed_transfer_is_tried_again(source, tmp_path, monkeypatch):
    target = tmp_path / "target"
    write_exact, failures = LocalFiles.write_exact, []

    def fails_once(self, name, stream, size):
        if name not in failures:
            failures.append(name)
            stream.read(1)  # partly read: the retry starts the file again
            raise ConnectionResetError("the connection dropped")
        return write_exact(self, name, stream, size)

    monkeypatch.setattr(LocalFiles, "write_exact", fails_once)

    output = copy_media("--from", f"file://{source}", "--to", f"file://{target}")

    assert sorted(failures) == sorted(FILES)
    assert "4 copied" in output and "0 failed" in output
    assert read_tree(target) == FILES


def test_a_file_that_keeps_failing_fails_the_run_after_its_attempts(source, tmp_path, monkeypatch):
    target = tmp_path / "target"
    write_exact, broken = LocalFiles.write_exact, next(iter(FILES))

    def fails_for_one(self, name, stream, size):
        if name == broken:
            raise ConnectionResetError("the connection dropped")
        return write_exact(self, name, stream, size)

    monkeypatch.setattr(LocalFiles, "write_exact", fails_for_one)
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 files failed"):
        call_command(
            "copy_media", "--from", f"file://{source}", "--to", f"file://{target}",
            "--retries", "2", stdout=out, stderr=out,
        )  # fmt: skip

    failure = f"FAILED   {broken}: ConnectionResetError: the connection dropped (after 2 attempts)"
    assert failure in out.getvalue()
    assert read_tree(target) == {name: FILES[name] for name in FILES if name != broken}


def test_a_source_that_gives_fewer_bytes_than_listed_fails(source, tmp_path, monkeypatch):
    name = next(iter(FILES))
    open_stream = LocalFiles.open_stream

    def shrunk(self, wanted):
        stream = open_stream(self, wanted)
        if wanted == name:
            stream.close()
            return io.BytesIO(FILES[name][:2])
        return stream

    monkeypatch.setattr(LocalFiles, "open_stream", shrunk)

    with pytest.raises(CommandError, match="1 files failed"):
        copy_media(
            "--from", f"file://{source}", "--to", f"file://{tmp_path / 'target'}", "--retries", "1"
        )  # fmt: skip

    assert name not in read_tree(tmp_path / "target")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "nowhere:at-all"], "names no storage"),
        (
            ["--from", "file:///no/such/directory", "--to", "file:never-written"],
            "there is no directory /no/such/directory",
        ),
        (["--from", "default", "--to", "default"], "name the same storage"),
    ],
)
def test_storages_that_cannot_be_copied_are_named(arguments, message):
    with pytest.raises(CommandError, match=message):
        copy_media(*arguments)
{%- if cookiecutter.__family == "filesystem" %}


def test_local_media_are_copied_into_the_default_storage(source, settings):
    media_root = settings.STORAGES["default"]["OPTIONS"]["location"]

    copy_media("--from", f"file://{source}")

    assert read_tree(media_root) == FILES
{%- else %}


def test_a_storage_without_listing_and_exact_writes_is_refused(source):
    # The unit tests' media storage is in memory (config/test_settings.py).
    with pytest.raises(CommandError, match="cannot be listed and written by name"):
        copy_media("--from", f"file://{source}")
{%- endif %}
