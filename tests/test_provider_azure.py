"""Azure Blob Storage: generated projects run against Azurite on loopback.

Each project gets the web environment of its own compose.yaml, aimed at the
Azurite this test session started, and is driven through its real admin.
Azurite checks SAS signatures and container access levels as Azure does.
"""

import os
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from azure.storage.blob import BlobServiceClient

from tests.emulators import (
    AZURITE_ACCOUNT,
    admin_css_url,
    azurite_connection_string,
    compose_web_environment,
    fetch,
    start_azurite,
    unique,
)
from tests.helpers import png

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    emulator = start_azurite(tmp_path_factory.mktemp("azurite"))
    yield emulator
    emulator.stop()


@pytest.fixture(scope="session")
def blobs(azurite):
    """A blob service client of our own, looking straight into Azurite."""
    return BlobServiceClient.from_connection_string(azurite_connection_string(azurite))


def project_env(project, azurite, tmp_path, **extra):
    """compose.yaml's web environment pointed at this Azurite, with fresh containers."""
    env = compose_web_environment(project)
    assert "BlobEndpoint=http://localhost:10000/devstoreaccount1;" in env["AZURE_CONNECTION_STRING"]
    assert env["AZURE_ACCOUNT_NAME"] == AZURITE_ACCOUNT
    env.update(
        ENV_FILE="",
        AZURE_CONNECTION_STRING=env["AZURE_CONNECTION_STRING"].replace(
            "http://localhost:10000/devstoreaccount1", azurite.url
        ),
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        AZURE_CONTAINER=unique(env["AZURE_CONTAINER"]),
        **extra,
    )
    if "AZURE_STATIC_CONTAINER" in env:
        env["AZURE_STATIC_CONTAINER"] = unique(env["AZURE_STATIC_CONTAINER"])
    # The first step of the web service's start command.
    result = project.manage("ensure_storage", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Created container {env['AZURE_CONTAINER']}" in result.stdout
    project.migrate(env)
    return env


def stored(blobs, container):
    """Blob name -> (bytes, Cache-Control) for every blob in a container."""
    client = blobs.get_container_client(container)
    return {
        blob.name: (
            client.download_blob(blob.name).readall(),
            blob.content_settings.cache_control,
        )
        for blob in client.list_blobs()
    }


def test_admin_upload_round_trip_on_azurite(projects, azurite, blobs, tmp_path):
    project = projects(
        storage_provider="azure",
        static_storage="whitenoise",
        media_access="public",
        use_heroku=False,
        use_docker=True,
    )
    env = project_env(project, azurite, tmp_path)
    container = env["AZURE_CONTAINER"]
    document, image = tmp_path / "report.pdf", tmp_path / "pixel.png"
    first_bytes, second_bytes = os.urandom(3_000_000), os.urandom(1000)
    document.write_bytes(first_bytes)
    image.write_bytes(png())

    _, first = project.drive("upload", "Report", document, image, env=env)
    document.write_bytes(second_bytes)
    _, second = project.drive("upload", "Report again", document, env=env)

    # Both uploads are blobs of their own under media/, with their own bytes.
    assert first["file"].startswith("uploads/") and first["file"] != second["file"]
    assert stored(blobs, container) == {
        f"media/{first['file']}": (first_bytes, "public, max-age=86400"),
        f"media/{first['image']}": (png(), "public, max-age=86400"),
        f"media/{second['file']}": (second_bytes, "public, max-age=86400"),
    }
    # Their URLs are plain links into the public container.
    assert first["url"] == f"{azurite.url}/{container}/media/{first['file']}"
    status, headers, body = fetch(first["url"])
    assert (status, body) == (200, first_bytes)
    assert headers["cache-control"] == "public, max-age=86400"
    assert fetch(first["image_url"])[2] == png()

    _, deleted = project.drive("delete", first["pk"], env=env)

    assert deleted["deleted"] == [first["file"], first["image"]]
    assert list(stored(blobs, container)) == [f"media/{second['file']}"]
    assert fetch(first["url"])[0] == 404
    assert fetch(second["url"])[2] == second_bytes


def tampered(url):
    """The same URL with one character of its signature changed."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    signature = query["sig"][0]
    query["sig"] = [("B" if signature[0] == "A" else "A") + signature[1:]]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def test_private_media_need_a_valid_unexpired_signature(projects, azurite, blobs, tmp_path):
    project = projects(
        storage_provider="azure",
        static_storage="whitenoise",
        media_access="private",
        use_heroku=False,
        use_docker=True,
    )
    env = project_env(project, azurite, tmp_path)
    container = env["AZURE_CONTAINER"]
    document = tmp_path / "payslip.pdf"
    document.write_bytes(os.urandom(50_000))

    _, upload = project.drive("upload", "Payslip", document, env=env)

    assert (
        blobs.get_container_client(container).get_container_access_policy()["public_access"] is None
    )
    assert stored(blobs, container) == {
        f"media/{upload['file']}": (document.read_bytes(), "private, max-age=3600")
    }
    url = upload["url"]
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{azurite.url}/{container}/media/{upload['file']}?")
    assert query["sp"] == ["r"] and query["sig"]
    status, _, body = fetch(url)
    assert (status, body) == (200, document.read_bytes())
    assert fetch(url.split("?")[0])[0] == 403
    assert tampered(url) != url
    assert fetch(tampered(url))[0] == 403

    # A URL signed for a few seconds (AZURE_URL_EXPIRATION_SECS) stops working after them.
    short = {**env, "AZURE_URL_EXPIRATION_SECS": "8"}
    _, brief = project.drive("upload", "Brief", document, env=short)
    expiry = datetime.fromisoformat(parse_qs(urlsplit(brief["url"]).query)["se"][0])
    assert timedelta(0) < expiry - datetime.now(UTC) <= timedelta(seconds=8)
    assert fetch(brief["url"])[0] == 200
    time.sleep(max(0, (expiry - datetime.now(UTC)).total_seconds()) + 1.5)
    assert fetch(brief["url"])[0] == 403


@pytest.mark.parametrize("media_access", ["public", "private"])
def test_static_files_on_the_container(projects, azurite, blobs, tmp_path, media_access):
    project = projects(
        storage_provider="azure",
        static_storage="bucket",
        media_access=media_access,
        use_heroku=False,
        use_docker=True,
    )
    env = project_env(project, azurite, tmp_path)
    # Private media keep static files in a public container of their own.
    static_container = env.get("AZURE_STATIC_CONTAINER", env["AZURE_CONTAINER"])
    assert (static_container != env["AZURE_CONTAINER"]) is (media_access == "private")

    result = project.manage("collectstatic", "--noinput", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    css_url = admin_css_url(project, env)
    assert css_url.startswith(f"{azurite.url}/{static_container}/static/admin/css/base.")
    status, headers, body = fetch(css_url)
    assert status == 200
    assert headers["content-type"].startswith("text/css")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    name = css_url.split(f"/{static_container}/", 1)[1]
    client = blobs.get_container_client(static_container)
    assert body == client.download_blob(name).readall() and b"body" in body
    # Pages read the manifest from local disk where collectstatic ran, never from the bucket.
    assert (project.root / "staticfiles" / "staticfiles.json").is_file()

    document = tmp_path / "notes.txt"
    document.write_bytes(b"notes\n" * 100)
    _, upload = project.drive("upload", "Notes", document, env=env)
    media = blobs.get_container_client(env["AZURE_CONTAINER"])
    assert media.download_blob(f"media/{upload['file']}").readall() == document.read_bytes()
    assert fetch(upload["url"])[2] == document.read_bytes()
    unsigned_status = fetch(upload["url"].split("?")[0])[0]
    assert unsigned_status == (403 if media_access == "private" else 200)


def test_the_projects_own_live_tests_pass_on_azurite(projects, azurite, tmp_path):
    project = projects(
        storage_provider="azure",
        static_storage="whitenoise",
        media_access="private",
        use_heroku=False,
        use_docker=True,
    )
    env = project_env(project, azurite, tmp_path)

    result = project.run("pytest", "-m", "live", "-q", env={**env, "STORAGE_LIVE_TESTS": "1"})

    # Round trip, same-name uploads, and the signature checks of private media.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
