"""Cloudinary: the answers, the baked files, and generated projects on a loopback Cloudinary.

The project tests drive the real admin of a generated project, in its own venv,
with the real `cloudinary` SDK pointed at tests/servers_cloudinary.py through
the SDK's own configuration: CLOUDINARY_URL query parameters (`upload_prefix`
for the API; `cname` and `secure=false` where the test downloads through the
storage, since the loopback server speaks plain HTTP).
"""

import hashlib
import json
import re
import subprocess
import time
from urllib.parse import urlsplit

import cloudinary.exceptions
import cloudinary.uploader
import pytest
from filelock import FileLock

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
from tests.servers_cloudinary import CloudinaryServer, api_signature

pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")

CLOUDINARY_FILES = post_gen.OWNED_PATHS["storage_provider"]["cloudinary"]
FOLDER = r"[a-z0-9]{16}"


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


def test_only_cloudinary_keeps_its_files():
    cloudinary = {**default_answers(), "storage_provider": "cloudinary"}

    assert set(CLOUDINARY_FILES) <= set(post_gen.paths_to_remove(default_answers()))
    assert not set(CLOUDINARY_FILES) & set(post_gen.paths_to_remove(cloudinary))
    assert "uploads/checks.py" in post_gen.paths_to_remove(cloudinary)


def test_next_steps_ask_for_the_account_before_migrating():
    steps = post_gen.next_steps({**default_answers(), "storage_provider": "cloudinary"})

    assert steps.index("CLOUDINARY_URL") < steps.index("manage.py migrate")
    assert "CLOUDINARY_URL" not in post_gen.next_steps(default_answers())


# The baked files ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def baked_pair(cookies_session):
    cloudinary = bake(cookies_session, storage_provider="cloudinary", media_access="private")
    filesystem = bake(cookies_session, project_slug="plain_disk")
    return project_files(cloudinary), project_files(filesystem)


def test_cloudinary_bake_has_no_local_disk_media(baked_pair):
    cloudinary, _ = baked_pair

    leftovers = [
        name
        for name, data in cloudinary.items()
        if re.search(rb"MEDIA_ROOT|SERVE_MEDIA|serve_media|uploads\.E001", data)
    ]
    assert leftovers == []
    assert set(CLOUDINARY_FILES) <= set(cloudinary)
    assert b"cloudinary>=1.46,<2" in cloudinary["requirements.txt"]
    assert b"django-cloudinary-storage" not in cloudinary["requirements.txt"]
    assert b'"delivery_type": "authenticated"' in cloudinary["config/settings.py"]


def test_other_bakes_never_mention_cloudinary(baked_pair):
    _, filesystem = baked_pair

    mentions = rb"CLOUDINARY|cloudinary_storage|cloudinary>=|import cloudinary|cloudinary:"
    assert [name for name, data in filesystem.items() if re.search(mentions, data)] == []


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


# Generated projects against the loopback server ---------------------------------------


def project_env(project, tmp_path, cloudinary_url):
    return {
        "ENV_FILE": str(project.root / ".env.example"),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CLOUDINARY_URL": cloudinary_url,
    }


def collect_static(project, env):
    """Once per project: the admin's error pages need the static manifest (DEBUG is off)."""
    with FileLock(f"{project.root}.collectstatic.lock"):
        if not (project.root / "staticfiles" / "staticfiles.json").exists():
            result = project.manage("collectstatic", "--noinput", env=env)
            assert result.returncode == 0, result.stderr


@pytest.fixture
def site(projects, cloudinary_server, tmp_path):
    """A migrated project of the given media access, talking to the loopback server."""

    def make(media_access="public", **url_options):
        project = projects(
            storage_provider="cloudinary",
            static_storage="whitenoise",
            media_access=media_access,
            use_heroku=False,
            use_docker=True,
        )
        url = cloudinary_server.url(upload_prefix=cloudinary_server.base_url, **url_options)
        env = project_env(project, tmp_path, url)
        project.migrate(env)
        collect_static(project, env)
        return project, env

    return make


def delivered(state, url):
    """What the loopback server delivers for a res.cloudinary.com URL's path."""
    return http_get(state.base_url + urlsplit(url).path)


def path_of(name):
    """The public ID and format part of a stored name (without resource and delivery type)."""
    return name.split("/", 2)[2]


def stored_asset(state, name):
    resource_type, type_, path = name.split("/", 2)
    public_id = path if resource_type == "raw" else path.rpartition(".")[0]
    return state.asset(resource_type, type_, public_id)


def upload_files(project, env, tmp_path, filename, content, image=None):
    document = tmp_path / filename
    document.write_bytes(content)
    args = ["upload", "Title", document]
    if image is not None:
        (tmp_path / "photo.png").write_bytes(image)
        args.append(tmp_path / "photo.png")
    return project.drive(*args, env=env)


def count_rows(project, env):
    result = project.manage(
        "shell", "-c", "from uploads.models import Upload; print(Upload.objects.count())", env=env
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_admin_upload_reaches_cloudinary_intact_with_public_urls(site, cloudinary_server, tmp_path):
    project, env = site()
    document, image = b"%PDF-1.4 report\n" * 3000, png()

    code, data = upload_files(project, env, tmp_path, "report.pdf", document, image=image)

    assert code == 0, data
    cloud = cloudinary_server.cloud_name
    assert re.fullmatch(
        rf"raw/upload/media/uploads/\d{{4}}/\d{{2}}/{FOLDER}/report\.pdf", data["file"]
    )
    assert (
        data["url"] == f"https://res.cloudinary.com/{cloud}/raw/upload/v1/{path_of(data['file'])}"
    )
    assert re.fullmatch(
        rf"image/upload/media/images/\d{{4}}/\d{{2}}/{FOLDER}/photo\.png", data["image"]
    )
    assert data["image_url"] == (
        f"https://res.cloudinary.com/{cloud}/image/upload/v1/{path_of(data['image'])}"
    )
    assert stored_asset(cloudinary_server, data["file"]).data == document
    assert stored_asset(cloudinary_server, data["image"]).data == image
    assert delivered(cloudinary_server, data["url"]) == (200, document)
    assert delivered(cloudinary_server, data["image_url"]) == (200, image)
    assert count_rows(project, env) == 1


@pytest.mark.slow
def test_video_files_go_up_as_video(site, cloudinary_server, tmp_path):
    project, env = site()
    clip = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40

    code, data = upload_files(project, env, tmp_path, "clip.mp4", clip)

    assert code == 0, data
    assert re.fullmatch(
        rf"video/upload/media/uploads/\d{{4}}/\d{{2}}/{FOLDER}/clip\.mp4", data["file"]
    )
    assert data["url"].startswith(
        f"https://res.cloudinary.com/{cloudinary_server.cloud_name}/video/upload/v1/media/uploads/"
    )
    assert stored_asset(cloudinary_server, data["file"]).data == clip
    assert delivered(cloudinary_server, data["url"]) == (200, clip)


@pytest.mark.slow
def test_same_name_uploads_keep_both_and_delete_destroys_one(site, cloudinary_server, tmp_path):
    project, env = site()

    _, first = upload_files(project, env, tmp_path, "notes.txt", b"first version", image=png())
    _, second = upload_files(project, env, tmp_path, "notes.txt", b"second version")

    assert first["file"] != second["file"]
    assert stored_asset(cloudinary_server, first["file"]).data == b"first version"
    assert stored_asset(cloudinary_server, second["file"]).data == b"second version"
    refused_before = len(cloudinary_server.refused)

    _, deleted = project.drive("delete", first["pk"], env=env)

    assert deleted["deleted"] == [first["file"], first["image"]]
    destroyed = {
        (resource_type, fields["type"], fields["public_id"])
        for action, resource_type, fields in cloudinary_server.calls
        if action == "destroy"
    }
    assert ("raw", "upload", path_of(first["file"])) in destroyed
    assert ("image", "upload", path_of(first["image"]).rpartition(".")[0]) in destroyed
    assert len(cloudinary_server.refused) == refused_before
    assert stored_asset(cloudinary_server, first["file"]) is None
    assert stored_asset(cloudinary_server, first["image"]) is None
    assert stored_asset(cloudinary_server, second["file"]).data == b"second version"
    assert delivered(cloudinary_server, first["url"])[0] == 404


@pytest.mark.slow
def test_a_wrong_secret_is_a_form_error_and_saves_nothing(cloudinary_server, site, tmp_path):
    project, _ = site()
    wrong = cloudinary_server.url(
        upload_prefix=cloudinary_server.base_url, api_secret="not-the-real-secret"
    )
    env = project_env(project, tmp_path, wrong)
    refused_before = len(cloudinary_server.refused)

    code, data = upload_files(project, env, tmp_path, "lost.txt", b"lost")

    assert code == 2
    assert "storage is misconfigured" in data["errors"]["file"][0]["message"]
    assert count_rows(project, env) == 0
    refused = cloudinary_server.refused[refused_before:]
    assert [(action, problem.split()[:2]) for action, _, _, problem in refused] == [
        ("upload", ["Invalid", "Signature"])
    ]


OPEN_THROUGH_STORAGE = """
import hashlib, json, os
from django.core.files.storage import default_storage as storage
name = os.environ["STORED_NAME"]
with storage.open(name) as stored:
    digest = hashlib.sha256(stored.read()).hexdigest()
print(json.dumps({"sha256": digest, "size": storage.size(name), "url": storage.url(name)}))
"""


def open_through_storage(project, env, name):
    result = project.manage("shell", "-c", OPEN_THROUGH_STORAGE, env={**env, "STORED_NAME": name})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("media_access", ["public", "private"])
def test_storage_downloads_what_it_uploaded(site, cloudinary_server, tmp_path, media_access):
    host = urlsplit(cloudinary_server.base_url).netloc
    project, env = site(media_access, cname=host, secure="false")
    content = bytes(range(256)) * 400

    code, data = upload_files(project, env, tmp_path, "blob.bin", content)

    assert code == 0, data
    opened = open_through_storage(project, env, data["file"])
    assert opened["sha256"] == hashlib.sha256(content).hexdigest()
    assert opened["size"] == len(content)
    assert opened["url"].startswith(f"http://{host}/{cloudinary_server.cloud_name}/raw/")


@pytest.mark.slow
def test_private_media_are_delivered_only_with_the_signature(site, cloudinary_server, tmp_path):
    project, env = site("private")
    document, image = b"for signed eyes only\n" * 50, png()

    code, data = upload_files(project, env, tmp_path, "secret.txt", document, image=image)

    assert code == 0, data
    cloud = cloudinary_server.cloud_name
    assert data["file"].startswith("raw/authenticated/media/uploads/")
    pattern = rf"https://res\.cloudinary\.com/{cloud}/(raw|image)/authenticated/s--[\w-]{{8}}--/v1/"
    assert re.match(pattern + "media/uploads/", data["url"])
    assert re.match(pattern + "media/images/", data["image_url"])
    for url, content in ((data["url"], document), (data["image_url"], image)):
        assert delivered(cloudinary_server, url) == (200, content)
        unsigned = re.sub(r"/s--[\w-]{8}--/", "/", url)
        assert delivered(cloudinary_server, unsigned)[0] == 401
        signature = re.search(r"s--([\w-]{8})--", url).group(1)
        tampered = url.replace(signature, ("B" if signature[0] == "A" else "A") + signature[1:])
        assert delivered(cloudinary_server, tampered)[0] == 401
    public_path = urlsplit(data["url"]).path.replace("/authenticated/", "/upload/")
    assert (
        http_get(cloudinary_server.base_url + re.sub(r"/s--[\w-]{8}--", "", public_path))[0] == 404
    )


@pytest.mark.slow
def test_production_settings_stop_without_cloudinary_url(projects):
    project = projects(storage_provider="cloudinary", use_heroku=False, use_docker=True)
    env = {"ENV_FILE": "", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.com"}

    result = project.manage("check", env=env)

    assert result.returncode != 0
    assert "Set the CLOUDINARY_URL environment variable" in result.stderr


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


@pytest.mark.slow
@pytest.mark.parametrize(("media_access", "count"), [("public", 3), ("private", 4)])
def test_projects_live_tests_run_only_with_an_account(
    projects, cloudinary_server, media_access, count
):
    project = projects(
        storage_provider="cloudinary",
        static_storage="whitenoise",
        media_access=media_access,
        use_heroku=False,
        use_docker=True,
    )
    pytest_live = ("pytest", "-q", "-p", "no:cacheprovider", "tests/test_cloudinary_live.py")

    without = project.run(*pytest_live)
    host = urlsplit(cloudinary_server.base_url).netloc
    account = cloudinary_server.url(
        upload_prefix=cloudinary_server.base_url, cname=host, secure="false"
    )
    uploads_before = len(cloudinary_server.calls)
    with_account = project.run(*pytest_live, env={"CLOUDINARY_URL": account})

    assert without.returncode == 5, without.stdout + without.stderr
    assert f"{count} deselected" in without.stdout
    assert with_account.returncode == 0, with_account.stdout + with_account.stderr
    assert f"{count} passed" in with_account.stdout
    assert len(cloudinary_server.calls) > uploads_before


@pytest.mark.slow
def test_large_files_go_up_in_parts(site, cloudinary_server, tmp_path):
    project, env = site()
    # Over the storage's 20 MiB part size: two parts.
    content = hashlib.sha256(b"seed").digest() * (21 * 1024 * 1024 // 32)

    code, data = upload_files(project, env, tmp_path, "archive.zip", content)

    assert code == 0, data
    public_id = path_of(data["file"])
    assert public_id in cloudinary_server.large_uploads
    parts = [
        fields
        for action, _, fields in cloudinary_server.calls
        if action == "upload" and fields.get("public_id") == public_id
    ]
    assert len(parts) == 2
    assert stored_asset(cloudinary_server, data["file"]).data == content
