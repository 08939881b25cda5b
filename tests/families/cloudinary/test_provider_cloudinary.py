"""Cloudinary beyond the storage contract: the answers, the baked files, the loopback
server's own checks, and what only Cloudinary projects do (names by resource type,
delivery URLs, uploads in parts, settings without an account).

Projects run with the real `cloudinary` SDK pointed at the loopback server of
loopback.py by the CloudinaryAdapter beside it (the contract's checks of uploads,
signed URLs, wrong secrets and live tests run in tests/test_storage_contract.py).
"""

import hashlib
import re
import subprocess
import time

import cloudinary.exceptions
import cloudinary.uploader
import pytest

from tests.families import case, deploy
from tests.families.cloudinary.loopback import CloudinaryServer, api_signature
from tests.helpers import (
    COMPOSE,
    bake,
    clean_env,
    default_answers,
    http_get,
    load_hook,
    png,
    project_files,
)
from tests.site import AdminSession, rows

pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")

CLOUDINARY_FILES = post_gen.owned_paths(default_answers())["storage_provider"]["cloudinary"]
# Every stored file's folder: <year>/<month>/<80 random bits>.
FOLDER = r"\d{4}/\d{2}/[a-z0-9]{16}"


# The answers -------------------------------------------------------------------------


def test_static_files_on_cloudinary_are_refused_naming_the_answer():
    answers = {**default_answers(), "storage_provider": "cloudinary", "static_storage": "bucket"}

    errors = pre_gen.validate(answers)

    assert len(errors) == 1
    assert "static_storage 'bucket' does not work with storage_provider 'cloudinary'" in errors[0]
    assert "choose whitenoise" in errors[0]


@pytest.mark.parametrize("media_access", ["public", "private"])
def test_cloudinary_takes_public_and_private_media(media_access):
    answers = {**default_answers(), "storage_provider": "cloudinary", "media_access": media_access}

    assert pre_gen.validate(answers) == []


def test_cloudinary_keeps_its_files_and_not_local_disks():
    cloudinary = {**default_answers(), "storage_provider": "cloudinary"}

    assert not set(CLOUDINARY_FILES) & set(post_gen.paths_to_remove(cloudinary))
    assert "tests/test_storage_live.py" in post_gen.paths_to_remove(default_answers())


def test_next_steps_say_where_uploads_go_until_the_account_is_set():
    steps = post_gen.next_steps({**default_answers(), "storage_provider": "cloudinary"})

    assert "until MEDIA_STORAGE_URL in .env points at the cloud" in steps
    assert "MEDIA_STORAGE_URL" not in post_gen.next_steps(default_answers())


# The baked files ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def baked_pair(cookies_session):
    """A Cloudinary bake, and one with the default answers."""
    cloudinary = bake(cookies_session, storage_provider="cloudinary", media_access="private")
    plain = bake(cookies_session, project_slug="plain_disk")
    return project_files(cloudinary), project_files(plain)


def test_cloudinary_bake_has_the_sdk_and_signed_delivery(baked_pair):
    cloudinary, _ = baked_pair

    assert set(CLOUDINARY_FILES) <= set(cloudinary)
    assert b"cloudinary>=1.46,<2" in cloudinary["requirements.in"]
    assert b"\ncloudinary==" in cloudinary["requirements.txt"]
    assert b"django-cloudinary-storage" not in cloudinary["requirements.txt"]
    assert b'"delivery_type": "authenticated"' in cloudinary["config/settings.py"]


def test_other_bakes_never_mention_cloudinary(baked_pair):
    _, plain = baked_pair

    mentions = rb"CLOUDINARY|cloudinary_storage|cloudinary>=|import cloudinary|cloudinary:"
    assert [name for name, data in plain.items() if re.search(mentions, data)] == []


# The loopback server checks what Cloudinary checks -----------------------------------


@pytest.fixture(scope="session")
def cloudinary_server():
    server = CloudinaryServer()
    state = server.start()
    yield state
    server.stop()


def sdk_options(state, **overrides):
    return {
        "cloud_name": state.cloud_name,
        "api_key": state.api_key,
        "api_secret": state.api_secret,
        "upload_prefix": state.base_url,
        **overrides,
    }


def test_server_accepts_the_sdks_signature_and_keeps_the_bytes(cloudinary_server):
    result = cloudinary.uploader.upload(
        b"exact bytes", resource_type="raw", public_id="checks/ok.txt", filename="ok.txt",
        tags=["a", "b&c"], **sdk_options(cloudinary_server),
    )  # fmt: skip

    assert result["public_id"] == "checks/ok.txt"
    assert cloudinary_server.asset("raw", "upload", "checks/ok.txt").data == b"exact bytes"


def test_server_never_replaces_a_file_when_asked_not_to(cloudinary_server):
    options = {"resource_type": "raw", "public_id": "checks/kept.txt", "overwrite": False}

    first = cloudinary.uploader.upload(b"first", **options, **sdk_options(cloudinary_server))
    second = cloudinary.uploader.upload(b"second", **options, **sdk_options(cloudinary_server))

    assert (first["existing"], second["existing"]) == (False, True)
    assert cloudinary_server.asset("raw", "upload", "checks/kept.txt").data == b"first"


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"api_secret": "not-the-secret"}, "Invalid Signature"),
        ({"api_key": "999"}, "Unknown API key"),
        ({"signature_algorithm": "sha256"}, "Invalid Signature"),
    ],
)
def test_server_refuses_what_cloudinary_refuses(cloudinary_server, overrides, problem):
    with pytest.raises(cloudinary.exceptions.Error, match=problem):
        cloudinary.uploader.upload(
            b"refused", resource_type="raw", public_id="checks/no.txt",
            **sdk_options(cloudinary_server, **overrides),
        )  # fmt: skip

    assert cloudinary_server.asset("raw", "upload", "checks/no.txt") is None


def test_server_refuses_a_tampered_or_stale_request(cloudinary_server):
    params = {"public_id": "checks/tampered.txt", "timestamp": "1700000000"}
    signed = {
        **params,
        "api_key": cloudinary_server.api_key,
        "signature": api_signature(params, cloudinary_server.api_secret),
    }
    assert "Stale request" in cloudinary_server.check_signature(signed)
    fresh = {**params, "timestamp": str(int(time.time()))}
    signed = {
        **fresh,
        "api_key": cloudinary_server.api_key,
        "signature": api_signature(fresh, cloudinary_server.api_secret),
    }
    assert cloudinary_server.check_signature(signed) is None
    assert "Invalid Signature" in cloudinary_server.check_signature(
        {**signed, "public_id": "checks/other.txt"}
    )


def test_server_checks_sha256_accounts_too():
    server = CloudinaryServer(algorithm="sha256")
    state = server.start()
    try:
        cloudinary.uploader.upload(
            b"256", resource_type="raw", public_id="sha256.txt",
            **sdk_options(state, signature_algorithm="sha256"),
        )  # fmt: skip
        with pytest.raises(cloudinary.exceptions.Error, match="Invalid Signature"):
            cloudinary.uploader.upload(
                b"1", resource_type="raw", public_id="sha1.txt", **sdk_options(state)
            )
    finally:
        server.stop()
    assert set(state.assets) == {("raw", "upload", "sha256.txt")}


# Projects on the loopback server ------------------------------------------------------

PUBLIC, PRIVATE = case("cloudinary-public-whitenoise"), case("cloudinary-private-whitenoise")

DEFAULT_URLS = """
import json, os
from django.core.files.storage import default_storage
print(json.dumps([default_storage.url(name) for name in os.environ["NAMES"].split()]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("adapter", [PUBLIC, PRIVATE], indirect=True)
def test_files_are_named_by_resource_type_and_delivered_by_cloudinary(site, adapter):
    delivery = "authenticated" if adapter.private else "upload"
    admin = AdminSession(site)
    clip = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
    admin.created_pk(admin.add_upload("Report", "report.pdf", b"%PDF-1.4", image=("a.png", png())))
    admin.created_pk(admin.add_upload("Clip", "clip.mp4", clip))

    (report, image), (video, _) = [(row["file"], row["image"]) for row in rows(site.env)]

    assert re.fullmatch(rf"raw/{delivery}/media/uploads/{FOLDER}/report\.pdf", report)
    assert re.fullmatch(rf"image/{delivery}/media/images/{FOLDER}/a\.png", image)
    assert re.fullmatch(rf"video/{delivery}/media/uploads/{FOLDER}/clip\.mp4", video)
    assert adapter.media_objects()[video] == clip
    # Without cname and secure=false in the URL: Cloudinary's own HTTPS delivery.
    account = adapter.account_url().partition("&cname=")[0]
    env = {**site.env, "MEDIA_STORAGE_URL": account, "NAMES": f"{report} {image} {video}"}
    urls = site.project.shell(DEFAULT_URLS, env)
    signed = r"s--[\w-]{8}--/" if adapter.private else ""
    for name, url in zip((report, image, video), urls, strict=True):
        resource_type, _, path = name.split("/", 2)
        cloud = adapter.server.cloud
        expected = rf"https://res\.cloudinary\.com/{cloud}/{resource_type}/{delivery}/{signed}v1/"
        assert re.fullmatch(expected + re.escape(path), url), url
    if adapter.private:
        # An authenticated file is not delivered as a public upload of the same path.
        public = adapter.media_url(report).replace("/authenticated/", "/upload/")
        assert http_get(public).status == 404


OPEN_THROUGH_STORAGE = """
import hashlib, json
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage as storage
name = storage.save("uploads/blob.bin", ContentFile(bytes(range(256)) * 400))
with storage.open(name) as stored:
    digest = hashlib.sha256(stored.read()).hexdigest()
print(json.dumps({"name": name, "sha256": digest, "size": storage.size(name)}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("adapter", [PUBLIC, PRIVATE], indirect=True)
def test_the_storage_opens_what_it_stored(projects, adapter, databases):
    project, env = deploy(projects, adapter, databases)

    opened = project.shell(OPEN_THROUGH_STORAGE, env)

    content = bytes(range(256)) * 400
    assert opened == {
        "name": opened["name"],
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
    }
    assert adapter.media_objects() == {opened["name"]: content}


@pytest.mark.slow
@pytest.mark.parametrize("adapter", [PUBLIC], indirect=True)
def test_large_files_go_up_in_parts(site, adapter):
    admin = AdminSession(site)
    # Over the storage's 20 MiB part size: two parts.
    content = hashlib.sha256(b"seed").digest() * (21 * 1024 * 1024 // 32)

    admin.created_pk(admin.add_upload("Archive", "archive.zip", content))

    (row,) = rows(site.env)
    public_id = row["file"].split("/", 2)[2]
    calls = adapter.server.state("calls")
    assert public_id in calls["large_uploads"]
    parts = [
        fields
        for action, _, fields in calls["calls"]
        if action == "upload" and fields.get("public_id") == public_id
    ]
    assert len(parts) == 2
    assert adapter.media_objects() == {row["file"]: content}


@pytest.mark.slow
@pytest.mark.parametrize("adapter", [PRIVATE], indirect=True)
def test_live_tests_are_deselected_without_an_account(projects, adapter):
    project = projects(**adapter.answers)

    result = project.run("pytest", "-q", "-p", "no:cacheprovider", "tests/test_storage_live.py")

    assert result.returncode == 5, result.stdout + result.stderr  # no tests ran
    assert re.search(r"\b[1-9]\d* deselected", result.stdout), result.stdout


@pytest.mark.slow
def test_production_settings_stop_without_an_account(projects):
    project = projects(storage_provider="cloudinary", use_heroku=False, use_docker=True)
    env = {"ENV_FILE": "", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.com"}

    result = project.manage("check", env=env)

    assert result.returncode != 0
    assert "Set the MEDIA_STORAGE_URL environment variable" in result.stderr


@pytest.mark.slow
def test_compose_refuses_to_start_without_an_account(projects):
    project = projects(storage_provider="cloudinary", use_heroku=False, use_docker=True)

    result = subprocess.run(
        [COMPOSE, "-f", "compose.yaml", "config", "-q"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env=clean_env(),
    )

    assert result.returncode != 0
    assert "CLOUDINARY_URL" in result.stderr
