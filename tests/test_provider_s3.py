"""The S3 providers, each pointed at a real SeaweedFS through the generated project."""

import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.helpers import choices, http_get
from tests.servers import start_seaweedfs, stop

S3_PROVIDERS = [
    p
    for p in choices("storage_provider")
    if p in ("aws-s3", "digitalocean-spaces", "s3-compatible")
]
# One SeaweedFS serves this module: its tests share one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("seaweedfs")]


@pytest.fixture(scope="module")
def seaweedfs(tmp_path_factory):
    server = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    yield server
    stop(server.process)


def s3_env(project, server, bucket, tmp_path, **extra):
    """Production settings (.env.example) with the endpoint pointed at SeaweedFS."""
    return {
        "ENV_FILE": str(project.root / ".env.example"),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_STATIC_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": server.endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": server.access_key,
        "AWS_SECRET_ACCESS_KEY": server.secret_key,
        "AWS_S3_CUSTOM_DOMAIN": "",
        **extra,
    }


def object_bytes(server, bucket, key):
    return server.client().get_object(Bucket=bucket, Key=key)["Body"].read()


def object_exists(server, bucket, key):
    try:
        server.client().head_object(Bucket=bucket, Key=key)
        return True
    except server.client().exceptions.ClientError:
        return False


@pytest.fixture
def deployed(projects, seaweedfs, tmp_path):
    """A project with these answers, migrated, with its settings pointed at SeaweedFS."""

    def deploy(provider, media_access, static_storage, **extra):
        project = projects(
            storage_provider=provider,
            static_storage=static_storage,
            media_access=media_access,
            use_heroku=False,
            use_docker=False,
        )
        bucket = seaweedfs.public_bucket if media_access == "public" else seaweedfs.private_bucket
        env = s3_env(project, seaweedfs, bucket, tmp_path, **extra)
        project.migrate(env)
        if static_storage == "whitenoise":  # as the image or slug build does
            result = project.manage("collectstatic", "--noinput", env=env)
            assert result.returncode == 0, result.stderr
        return project, bucket, env

    return deploy


@pytest.mark.parametrize("provider", S3_PROVIDERS)
def test_public_upload_round_trip_and_same_names(deployed, seaweedfs, tmp_path, provider):
    project, bucket, env = deployed(provider, "public", "whitenoise")
    document = tmp_path / "avatar.jpg"
    document.write_bytes(b"\xff\xd8 first picture " * 4000)

    _, first = project.drive("upload", "First", document, env=env)
    document.write_bytes(b"\xff\xd8 second picture " * 4000)
    _, second = project.drive("upload", "Second", document, env=env)

    first_key, second_key = f"media/{first['file']}", f"media/{second['file']}"
    assert first_key != second_key
    assert object_bytes(seaweedfs, bucket, first_key) == b"\xff\xd8 first picture " * 4000
    assert object_bytes(seaweedfs, bucket, second_key) == b"\xff\xd8 second picture " * 4000
    assert "X-Amz-Signature" not in first["url"]
    assert first["url"].startswith(f"{seaweedfs.endpoint}/{bucket}/media/")
    assert http_get(first["url"]) == (200, b"\xff\xd8 first picture " * 4000)

    project.drive("delete", first["pk"], env=env)
    assert not object_exists(seaweedfs, bucket, first_key)
    assert object_exists(seaweedfs, bucket, second_key)


@pytest.mark.parametrize("provider", S3_PROVIDERS)
def test_private_media_need_a_valid_unexpired_signature(deployed, seaweedfs, tmp_path, provider):
    project, bucket, env = deployed(provider, "private", "bucket", AWS_QUERYSTRING_EXPIRE="2")
    document = tmp_path / "contract.pdf"
    document.write_bytes(b"%PDF-1.7 signed eyes only\n" * 500)

    _, item = project.drive("upload", "Contract", document, env=env)

    key = f"media/{item['file']}"
    assert object_bytes(seaweedfs, bucket, key) == document.read_bytes()
    signed = item["url"]
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in signed and "X-Amz-Expires=2" in signed
    assert http_get(signed) == (200, document.read_bytes())
    assert http_get(signed.split("?")[0])[0] == 403
    tampered = re.sub(r"X-Amz-Signature=\w{4}", "X-Amz-Signature=0000", signed)
    assert tampered != signed and http_get(tampered)[0] == 403
    time.sleep(3)
    assert http_get(signed)[0] == 403

    project.drive("delete", item["pk"], env=env)
    assert not object_exists(seaweedfs, bucket, key)


@pytest.mark.parametrize("provider", S3_PROVIDERS)
def test_static_files_on_the_bucket_and_a_rerun_uploads_nothing(deployed, seaweedfs, provider):
    project, bucket, env = deployed(provider, "private", "bucket")
    client = seaweedfs.client()
    for item in client.list_objects_v2(Bucket=bucket, Prefix="static/").get("Contents", []):
        client.delete_object(Bucket=bucket, Key=item["Key"])

    first = project.manage("collectstatic", "--noinput", env=env)
    second = project.manage("collectstatic", "--noinput", env=env)

    assert first.returncode == 0, first.stderr
    assert re.search(r"[1-9]\d* static files? copied", first.stdout), first.stdout
    assert second.returncode == 0, second.stderr
    assert re.search(r"\b0 static files copied", second.stdout), second.stdout
    # Pages read the manifest from local disk where collectstatic ran, never from the bucket.
    assert (project.root / "staticfiles" / "staticfiles.json").is_file()
    url = project.manage(
        "shell", "-c",
        "from django.contrib.staticfiles.storage import staticfiles_storage as s; "
        "print(s.url('admin/css/base.css'))",
        env=env,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    assert re.fullmatch(
        rf"{seaweedfs.endpoint}/{bucket}/static/admin/css/base\.[0-9a-f]{{12}}\.css", url
    ), url
    key = urllib.parse.urlsplit(url).path.split(f"/{bucket}/", 1)[1]
    status, body = http_get(url)
    assert status == 200 and body == object_bytes(seaweedfs, bucket, key)
    head = seaweedfs.client().head_object(Bucket=bucket, Key=key)
    assert head["CacheControl"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("provider", S3_PROVIDERS)
def test_wrong_credentials_give_a_clean_error_quickly(deployed, seaweedfs, tmp_path, provider):
    project, _, env = deployed(provider, "public", "whitenoise")
    env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
    document = tmp_path / "notes.txt"
    document.write_bytes(b"notes")

    started = time.monotonic()
    code, answer = project.drive("upload", "Notes", document, env=env)

    assert time.monotonic() - started < 30
    assert code == 2
    assert "storage is misconfigured" in answer["errors"]["file"][0]["message"]
    count = project.manage(
        "shell", "-c", "from uploads.models import Upload; print(Upload.objects.count())", env=env
    )
    assert count.stdout.strip().splitlines()[-1] == "0"


@pytest.mark.parametrize(
    ("provider", "media_access", "static_storage"),
    [("s3-compatible", "private", "bucket"), ("digitalocean-spaces", "public", "bucket")],
)
def test_the_projects_own_live_tests_pass_on_seaweedfs(
    deployed, provider, media_access, static_storage
):
    project, _, env = deployed(provider, media_access, static_storage)

    result = project.run(
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-m",
        "live",
        env={**env, "STORAGE_LIVE_TESTS": "1"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b[1-9] passed", result.stdout), result.stdout
