"""The cloudinary family's server: the loopback Cloudinary of loopback.py, in a
process of its own (so that tests can SIGKILL or SIGSTOP it), stopped by PID."""

import json
import os
import secrets
import sys
import urllib.request
from pathlib import Path

from tests.helpers import TEMPLATE_DIR, free_port
from tests.servers import REQUEST_TIMEOUT, Server

LOOPBACK = Path(__file__).with_name("loopback.py")


class LoopbackCloudinary(Server):
    """loopback.py in a process of its own, with its test-only endpoints, on 127.0.0.1
    unless given another of this machine's addresses (host)."""

    def __init__(self, workdir, cloud, key, secret, host="127.0.0.1"):
        workdir.mkdir(parents=True, exist_ok=True)
        self.cloud, self.key, self.secret = cloud, key, secret
        port = free_port(host)
        # "--secret=...": a secret may begin with "-", which argparse would take for an option.
        command = [
            sys.executable, LOOPBACK, f"--host={host}", f"--port={port}",
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


class ContractCloudinary(LoopbackCloudinary):
    """The loopback Cloudinary with the adapter's test account."""

    def __init__(self, workdir):
        super().__init__(workdir, "contract-cloud", "123456789012345", secrets.token_urlsafe(20))
