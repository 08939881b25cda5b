"""One adapter per storage family, each running its own real server as a subprocess.

An adapter knows the answers it bakes, starts a fresh server on free loopback
ports, points a generated project at it in production mode, lists what the
project stored, and can break the server on purpose (SIGKILL, SIGSTOP/SIGCONT):

    with ADAPTERS["s3"]().start(tmp_path / "server") as adapter:
        project, env = deploy(projects, adapter, tmp_path)
        adapter.freeze()
        ...
        adapter.thaw()
        assert name in adapter.media_objects()

A contract test can make the family a parameter of its own fixture:

    @pytest.fixture(params=list(ADAPTERS))
    def adapter(request, tmp_path):
        with ADAPTERS[request.param]().start(tmp_path / "server") as adapter:
            yield adapter
"""

import base64
import json
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import closing
from pathlib import Path

from filelock import FileLock

from tests.emulators import (
    AZURITE_ACCOUNT,
    azurite_connection_string,
    start_azurite,
    start_fake_gcs,
)
from tests.helpers import TEMPLATE_DIR, free_port, wait_for_http
from tests.servers import start_seaweedfs
from tests.servers import stop as stop_process

# Seconds any listing of a server's objects may take (a frozen server never answers).
LIST_TIMEOUT = 30


class Adapter:
    """A storage family: its answers and its server. Subclasses fill in the blanks."""

    family = ""
    storage = {}  # storage_provider, static_storage, media_access
    can_fail = True
    stop_grace = 5  # seconds between SIGTERM and SIGKILL; the data is thrown away anyway

    def __init__(self):
        self.process = self.workdir = None

    @property
    def answers(self):
        return {**self.storage, "use_heroku": False, "use_docker": False}

    @property
    def bucket_static(self):
        return self.storage["static_storage"] == "bucket"

    def start(self, workdir):
        """Start a fresh server (a new directory per start) and wait until it serves."""
        self.stop()
        Path(workdir).mkdir(parents=True, exist_ok=True)
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{self.family}-", dir=workdir))
        self.process = self.launch(self.workdir)
        return self

    def launch(self, workdir):
        """Start the server; return its Popen (None when there is no server)."""
        return None

    def send(self, signum):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def kill(self):
        self.send(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()

    def freeze(self):
        self.send(signal.SIGSTOP)

    def thaw(self):
        self.send(signal.SIGCONT)

    def stop(self):
        if self.process is not None:
            self.thaw()  # a stopped process would never act on SIGTERM
            stop_process(self.process, grace=self.stop_grace)
            self.process = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def env(self, project, tmp_path):
        """The project's production environment, with the storage pointed at this server."""
        return {
            "ENV_FILE": str(project.root / ".env.example"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            # SQLite waits for a lock instead of failing at once (see deploy for WAL).
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}?timeout=30",
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
            **self.storage_env(),
        }

    def storage_env(self):
        raise NotImplementedError

    def wrong_credentials(self, env):
        """A copy of env with a wrong secret, or None when the server checks none."""
        return None

    def misconfigured(self, env, tmp_path):
        """A copy of env that the storage refuses whatever the retries: a wrong secret."""
        return self.wrong_credentials(env)

    def media_objects(self):
        """Every stored media object: the name the FileField holds -> bytes."""
        raise NotImplementedError


class FilesystemAdapter(Adapter):
    family = "filesystem"
    storage = {
        "storage_provider": "filesystem",
        "static_storage": "whitenoise",
        "media_access": "public",
    }
    can_fail = False

    def launch(self, workdir):
        self.media_root = workdir / "media"
        self.media_root.mkdir()

    def storage_env(self):
        # SERVE_MEDIA: the app serves /media/ itself (as compose.yaml has it), so the
        # files' URLs answer like those of the other providers.
        return {"MEDIA_ROOT": str(self.media_root), "SERVE_MEDIA": "True"}

    def misconfigured(self, env, tmp_path):
        # MEDIA_ROOT below a regular file: no directory can ever be created there.
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("a file where the media directory should be")
        return {**env, "MEDIA_ROOT": str(blocker / "media")}

    def media_objects(self):
        return {
            path.relative_to(self.media_root).as_posix(): path.read_bytes()
            for path in sorted(self.media_root.rglob("*"))
            if path.is_file()
        }


class S3Adapter(Adapter):
    """SeaweedFS (`weed mini`) with a private bucket; static/ is readable by anyone."""

    family = "s3"
    storage = {
        "storage_provider": "s3-compatible",
        "static_storage": "bucket",
        "media_access": "private",
    }

    def launch(self, workdir):
        self.server = start_seaweedfs(workdir)
        self.bucket = self.server.private_bucket
        return self.server.process

    def storage_env(self):
        return {
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_STATIC_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.server.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": self.server.access_key,
            "AWS_SECRET_ACCESS_KEY": self.server.secret_key,
            "AWS_S3_CUSTOM_DOMAIN": "",
        }

    def wrong_credentials(self, env):
        return {**env, "AWS_SECRET_ACCESS_KEY": "not-the-secret"}

    def media_objects(self):
        client = self.server.client(
            connect_timeout=5, read_timeout=LIST_TIMEOUT, retries={"max_attempts": 1}
        )
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix="media/"
        )
        keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
        get = client.get_object
        return {
            key.removeprefix("media/"): get(Bucket=self.bucket, Key=key)["Body"].read()
            for key in keys
        }


class GcsAdapter(Adapter):
    """fake-gcs-server with one bucket for media/ and static/ (public media)."""

    family = "gcs"
    storage = {"storage_provider": "gcs", "static_storage": "bucket", "media_access": "public"}
    bucket = "media"

    def launch(self, workdir):
        self.emulator = start_fake_gcs(workdir)
        self.client().create_bucket(self.bucket)
        return self.emulator.process

    def client(self):
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        return storage.Client(
            project="test",
            credentials=AnonymousCredentials(),
            client_options={"api_endpoint": self.emulator.url},
        )

    def storage_env(self):
        # With STORAGE_EMULATOR_HOST the Google client goes anonymous by itself.
        return {
            "STORAGE_EMULATOR_HOST": self.emulator.url,
            "GS_BUCKET_NAME": self.bucket,
            "GS_STATIC_BUCKET_NAME": self.bucket,
        }

    # wrong_credentials stays None: fake-gcs-server checks no credentials at all (the
    # client sends none with STORAGE_EMULATOR_HOST set), so no secret can be wrong.

    def misconfigured(self, env, tmp_path):
        # A media bucket that does not exist (the static bucket stays).
        return {**env, "GS_BUCKET_NAME": "no-such-bucket"}

    def media_objects(self):
        blobs = self.client().list_blobs(self.bucket, prefix="media/", timeout=LIST_TIMEOUT)
        return {
            blob.name.removeprefix("media/"): blob.download_as_bytes(timeout=LIST_TIMEOUT)
            for blob in blobs
        }


class AzureAdapter(Adapter):
    """Azurite with a private media container and a public static container."""

    family = "azure"
    storage = {"storage_provider": "azure", "static_storage": "bucket", "media_access": "private"}
    container, static_container = "media", "static"

    def launch(self, workdir):
        self.emulator = start_azurite(workdir)
        service = self.service()
        service.create_container(self.container)
        service.create_container(self.static_container, public_access="blob")
        return self.emulator.process

    def service(self):
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(
            azurite_connection_string(self.emulator),
            retry_total=0,
            connection_timeout=5,
            read_timeout=LIST_TIMEOUT,
        )

    def storage_env(self):
        return {
            "AZURE_ACCOUNT_NAME": AZURITE_ACCOUNT,
            "AZURE_CONNECTION_STRING": azurite_connection_string(self.emulator),
            "AZURE_CONTAINER": self.container,
            "AZURE_STATIC_CONTAINER": self.static_container,
        }

    def wrong_credentials(self, env):
        # A well-formed key (valid base64 of 64 bytes) that is not the account's.
        wrong = base64.b64encode(b"not the account key".ljust(64, b".")).decode()
        connection = env["AZURE_CONNECTION_STRING"]
        connection = re.sub(r"AccountKey=[^;]+", f"AccountKey={wrong}", connection)
        return {**env, "AZURE_CONNECTION_STRING": connection}

    def media_objects(self):
        client = self.service().get_container_client(self.container)
        return {
            blob.name.removeprefix("media/"): client.download_blob(blob.name).readall()
            for blob in client.list_blobs(name_starts_with="media/")
        }


class CloudinaryAdapter(Adapter):
    """tests/servers_cloudinary.py in a process of its own (private: authenticated)."""

    family = "cloudinary"
    storage = {
        "storage_provider": "cloudinary",
        "static_storage": "whitenoise",
        "media_access": "private",
    }
    cloud, key = "contract-cloud", "123456789012345"

    def launch(self, workdir):
        self.secret = secrets.token_urlsafe(20)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        # "--secret=...": a secret may begin with "-", which argparse would take for an option.
        command = [
            sys.executable, "-m", "tests.servers_cloudinary", f"--port={self.port}",
            f"--cloud={self.cloud}", f"--key={self.key}", f"--secret={self.secret}",
        ]  # fmt: skip
        with open(workdir / "cloudinary.log", "wb") as log:
            process = subprocess.Popen(
                command, cwd=TEMPLATE_DIR, stdout=log, stderr=subprocess.STDOUT, env=os.environ
            )
        wait_for_http(f"{self.base_url}/_test/assets", timeout=30, process=process)
        return process

    def account_url(self, secret=None):
        # upload_prefix sends the API here; cname + secure=false make delivery URLs
        # http://127.0.0.1:PORT/<cloud>/..., which this server answers too.
        host = f"127.0.0.1:{self.port}"
        return (
            f"cloudinary://{self.key}:{secret or self.secret}@{self.cloud}"
            f"?upload_prefix={self.base_url}&cname={host}&secure=false"
        )

    def storage_env(self):
        return {"CLOUDINARY_URL": self.account_url()}

    def wrong_credentials(self, env):
        return {**env, "CLOUDINARY_URL": self.account_url(secret="not-the-secret")}

    def media_objects(self):
        # Names as config/storages.py gives them out:
        # <resource_type>/<delivery type>/<public_id>[.<format>] (raw keeps no format).
        url = f"{self.base_url}/_test/assets"
        with urllib.request.urlopen(url, timeout=LIST_TIMEOUT) as response:
            assets = json.loads(response.read())
        objects = {}
        for asset in assets:
            name = f"{asset['resource_type']}/{asset['type']}/{asset['public_id']}"
            if asset["resource_type"] != "raw" and asset["format"]:
                name += "." + asset["format"]
            objects[name] = base64.b64decode(asset["data"])
        return objects


ADAPTERS = {
    adapter.family: adapter
    for adapter in (FilesystemAdapter, S3Adapter, GcsAdapter, AzureAdapter, CloudinaryAdapter)
}


def deploy(projects, adapter, tmp_path):
    """Bake and install the adapter's project, migrate, collect static; (project, env).

    Static files are collected as the deployment would: once into the project's
    STATIC_ROOT for whitenoise (the build), or to this server's bucket (the release).
    """
    project = projects(**adapter.answers)
    env = adapter.env(project, tmp_path)
    project.migrate(env)
    # WAL: readers never wait for a writer, so many threads in several gunicorn
    # workers share the SQLite file without "database is locked" (a test-only database).
    with closing(sqlite3.connect(tmp_path / "db.sqlite3")) as database:
        database.execute("PRAGMA journal_mode=WAL")
    if adapter.bucket_static:
        collect_static(project, env)
    else:
        # The same lock and check as tests/test_provider_cloudinary.py: once per project.
        with FileLock(f"{project.root}.collectstatic.lock"):
            if not (project.root / "staticfiles" / "staticfiles.json").exists():
                collect_static(project, env)
    return project, env


def collect_static(project, env):
    result = project.manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
