"""Real servers for the provider tests, started on loopback ports and stopped by PID."""

import json
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import wait_for_http

WEED = Path(sys.executable).parent / "weed"


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


@dataclass
class SeaweedFS:
    endpoint: str
    access_key: str
    secret_key: str
    public_bucket: str
    private_bucket: str
    process: subprocess.Popen

    def client(self, secret_key=None, **config):
        """A boto3 client; config adds botocore Config options (e.g. timeouts)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            region_name="us-east-1",
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                **config,
            ),
        )


def start_seaweedfs(workdir):
    """`weed mini` with two buckets: public-media (media/ and static/ readable by anyone)
    and private-media (only static/ readable by anyone)."""
    workdir.mkdir(parents=True, exist_ok=True)
    public, private = "public-media", "private-media"
    config = {
        "identities": [
            {
                "name": "app",
                "credentials": [{"accessKey": "test-key", "secretKey": "test-secret"}],
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
    (workdir / "data").mkdir(exist_ok=True)
    log = open(workdir / "weed.log", "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    server = SeaweedFS(endpoint, "test-key", "test-secret", public, private, process)
    wait_for_http(f"{endpoint}/healthz", timeout=60, process=process)
    # The buckets appear a moment after the S3 port answers.
    deadline = time.monotonic() + 60
    while True:
        try:
            names = {b["Name"] for b in server.client().list_buckets()["Buckets"]}
            if {public, private} <= names:
                return server
        except Exception:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def stop(process, grace=30):
    """SIGTERM, wait, then SIGKILL (SeaweedFS may take many seconds to stop)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
