"""Google Cloud Storage: generated projects run against fake-gcs-server on loopback.

Each project gets the web environment of its own compose.yaml, aimed at the
emulator this test session started, and is driven through its real admin.
"""

import os

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from tests.emulators import (
    admin_css_url,
    compose_web_environment,
    fetch,
    start_fake_gcs,
    unique,
)
from tests.helpers import png

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def fake_gcs(tmp_path_factory):
    emulator = start_fake_gcs(tmp_path_factory.mktemp("fake-gcs"))
    yield emulator
    emulator.stop()


@pytest.fixture(scope="session")
def gcs(fake_gcs):
    """A Google client of our own, looking straight into the emulator."""
    return storage.Client(
        project="test",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": fake_gcs.url},
    )


def project_env(project, fake_gcs, tmp_path):
    """compose.yaml's web environment pointed at this emulator, with fresh buckets."""
    env = compose_web_environment(project)
    assert env["STORAGE_EMULATOR_HOST"] == "http://localhost:4443"
    env.update(
        ENV_FILE="",
        STORAGE_EMULATOR_HOST=fake_gcs.url,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GS_BUCKET_NAME=unique(env["GS_BUCKET_NAME"]),
    )
    if "GS_STATIC_BUCKET_NAME" in env:
        env["GS_STATIC_BUCKET_NAME"] = unique(env["GS_STATIC_BUCKET_NAME"])
    # The first step of the web service's start command.
    result = project.manage("ensure_storage", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Created bucket {env['GS_BUCKET_NAME']}" in result.stdout
    project.migrate(env)
    return env


def test_admin_upload_round_trip_on_fake_gcs(projects, fake_gcs, gcs, tmp_path):
    project = projects(
        storage_provider="gcs",
        static_storage="whitenoise",
        media_access="public",
        use_heroku=False,
        use_docker=True,
    )
    env = project_env(project, fake_gcs, tmp_path)
    bucket = gcs.bucket(env["GS_BUCKET_NAME"])
    document, image = tmp_path / "report.pdf", tmp_path / "pixel.png"
    first_bytes, second_bytes = os.urandom(300_000), os.urandom(1000)
    document.write_bytes(first_bytes)
    image.write_bytes(png())

    _, first = project.drive("upload", "Report", document, image, env=env)
    document.write_bytes(second_bytes)
    _, second = project.drive("upload", "Report again", document, env=env)

    # Both uploads are objects of their own under media/, with their own bytes.
    assert first["file"].startswith("uploads/") and first["file"].endswith(".pdf")
    assert first["file"] != second["file"]
    stored = {blob.name: blob for blob in gcs.list_blobs(bucket)}
    assert sorted(stored) == sorted(
        f"media/{name}" for name in (first["file"], first["image"], second["file"])
    )
    assert stored[f"media/{first['file']}"].download_as_bytes() == first_bytes
    assert stored[f"media/{second['file']}"].download_as_bytes() == second_bytes
    assert stored[f"media/{first['file']}"].cache_control == "public, max-age=86400"
    # Their URLs are plain public links to the bucket.
    assert first["url"] == f"{fake_gcs.url}/{bucket.name}/media/{first['file']}"
    status, _, body = fetch(first["url"])
    assert (status, body) == (200, first_bytes)
    assert fetch(first["image_url"])[2] == png()

    _, deleted = project.drive("delete", first["pk"], env=env)

    assert deleted["deleted"] == [first["file"], first["image"]]
    assert [blob.name for blob in gcs.list_blobs(bucket)] == [f"media/{second['file']}"]
    assert fetch(first["url"])[0] == 404
    assert fetch(second["url"])[2] == second_bytes


@pytest.mark.parametrize("media_access", ["public", "private"])
def test_static_files_on_the_bucket(projects, fake_gcs, gcs, tmp_path, media_access):
    project = projects(
        storage_provider="gcs",
        static_storage="bucket",
        media_access=media_access,
        use_heroku=False,
        use_docker=True,
    )
    env = project_env(project, fake_gcs, tmp_path)
    # Private media keep static files in a public bucket of their own.
    static_bucket = env.get("GS_STATIC_BUCKET_NAME", env["GS_BUCKET_NAME"])
    assert (static_bucket != env["GS_BUCKET_NAME"]) is (media_access == "private")

    result = project.manage("collectstatic", "--noinput", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    css_url = admin_css_url(project, env)
    assert css_url.startswith(f"{fake_gcs.url}/{static_bucket}/static/admin/css/base.")
    blob = gcs.bucket(static_bucket).get_blob(css_url.split(f"/{static_bucket}/", 1)[1])
    assert blob.cache_control == "public, max-age=31536000, immutable"
    status, headers, body = fetch(css_url)
    assert status == 200
    assert headers["content-type"].startswith("text/css")
    assert body == blob.download_as_bytes() and b"body" in body
    # Pages read the manifest from local disk where collectstatic ran, never from the bucket.
    assert (project.root / "staticfiles" / "staticfiles.json").is_file()
    media_names = [b.name for b in gcs.list_blobs(env["GS_BUCKET_NAME"])]
    assert all(name.startswith("media/") for name in media_names) is (media_access == "private")

    document = tmp_path / "notes.txt"
    document.write_bytes(b"notes\n" * 100)
    _, upload = project.drive("upload", "Notes", document, env=env)
    media = gcs.bucket(env["GS_BUCKET_NAME"]).get_blob(f"media/{upload['file']}")
    assert media.download_as_bytes() == document.read_bytes()
    assert fetch(upload["url"])[2] == document.read_bytes()


def test_the_projects_own_live_tests_pass_on_fake_gcs(projects, fake_gcs, tmp_path):
    project = projects(
        storage_provider="gcs",
        static_storage="whitenoise",
        media_access="public",
        use_heroku=False,
        use_docker=True,
    )
    env = project_env(project, fake_gcs, tmp_path)

    result = project.run("pytest", "-m", "live", "-q", env={**env, "STORAGE_LIVE_TESTS": "1"})

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
