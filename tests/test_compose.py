"""`docker compose up` for real, one stack per storage family.

Each test bakes a project with the default answers for one provider and runs its
compose.yaml unmodified on this machine's Docker engine (scripts/install-docker starts
it and builds local stand-ins for every image compose.yaml names): the stack comes up
healthy, the admin login page and its hashed stylesheet are served, a superuser made
in the web container uploads a file through the admin, the file is served from where
the family keeps it, and after `docker compose down` and `up` again (volumes kept) the
same session, row and bytes are still there. Everything is reached from this machine
through the published ports, as a browser would.

The stacks publish fixed ports (8000, 8333, 4443, 10000), so these tests run one at a
time, on one test worker (their xdist_group), and each holds a lock that other test
runs on the machine wait for. Each step's duration goes to the log.
"""

import fcntl
import html
import json
import re
import secrets
import socket
import struct
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from filelock import FileLock

from tests.helpers import CONTEXT, bake, clean_env, http_get
from tests.servers import LoopbackCloudinary
from tests.site import PASSWORD, AdminSession

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("compose")]

SITE = "http://127.0.0.1:8000"
EMULATORS = {family: CONTEXT["_families"][family].get("emulator") for family in ("gcs", "azure")}
# Where each family's stack keeps uploads: the start of the media URLs the app gives
# out (the default project slug names the S3 bucket; GCS and Azure call theirs media).
MEDIA_AT = {
    "filesystem": f"{SITE}/media/",
    "s3": "http://s3.localhost:8333/my-project-media/media/",
    "gcs": f"{EMULATORS['gcs']['endpoint']}/media/media/",
    "azure": f"{EMULATORS['azure']['endpoint']}/media/media/",
}
STATIC_ON_BUCKET_AT = {"s3": "http://s3.localhost:8333/my-project-media/static/"}
STACKS = [
    pytest.param({"storage_provider": "filesystem"}, id="filesystem"),
    pytest.param(
        {"storage_provider": "s3-compatible", "static_storage": "bucket"},
        id="s3-compatible-static-on-bucket",
    ),
    pytest.param({"storage_provider": "gcs"}, id="gcs"),
    pytest.param({"storage_provider": "azure"}, id="azure"),
    pytest.param({"storage_provider": "cloudinary"}, id="cloudinary"),
]
# A file no other test uploads, so that no other object can pass for it.
UPLOAD = b"%PDF-1.4\n% uploaded through the admin of a compose stack\n" + secrets.token_bytes(64)
# The admin's main stylesheet, with the hash ManifestStaticFilesStorage gives its name.
STYLESHEET = re.compile(rb'<link[^>]+href="([^"]+/admin/css/base\.[0-9a-f]{12}\.css)"')
SIOCGIFADDR = 0x8915  # Linux's ioctl for an interface's IPv4 address


def fetch(url):
    """GET a URL from this machine. `*.localhost` names, which only the compose
    network resolves, go to 127.0.0.1 with the original Host header."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname.endswith(".localhost"):
        local = parts._replace(netloc=f"127.0.0.1:{parts.port or 80}")
        return http_get(urllib.parse.urlunsplit(local), {"Host": parts.netloc})
    return http_get(url)


class Stack:
    """A baked project's compose stack, under a project name of its own."""

    def __init__(self, root, env):
        self.root, self.env = root, env
        self.name = f"compose-test-{uuid.uuid4().hex[:10]}"

    def run(self, *args, timeout=900):
        return subprocess.run(
            ["docker", "compose", "--project-name", self.name, *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def compose(self, *args, label=None):
        """`docker compose <args>`, timed; fails with its output and the stack's logs."""
        label = label or " ".join(args)
        started = time.monotonic()
        result = self.run(*args)
        print(f"docker compose {label}: {time.monotonic() - started:.1f} s", flush=True)
        assert result.returncode == 0, (
            f"docker compose {label} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}\n{self.log_tail()}"
        )
        return result.stdout

    def log_tail(self, lines=80):
        logs = self.run("logs", "--no-color", timeout=120)
        return "\n".join((logs.stdout + logs.stderr).splitlines()[-lines:])

    def states(self):
        """service -> (state, health) of every container of the stack."""
        lines = self.compose("ps", "--all", "--format", "{{.Service}} {{.State}} {{.Health}}")
        fields = [(line.split(" ", 2) + [""])[:3] for line in lines.splitlines()]
        return {service: (state, health.strip()) for service, state, health in fields}

    def down(self):
        """Remove the containers, volumes and the image it built; never raises."""
        started = time.monotonic()
        result = self.run("down", "--volumes", "--rmi", "local", "--remove-orphans", timeout=300)
        took = time.monotonic() - started
        print(f"docker compose down --volumes --rmi local: {took:.1f} s", flush=True)
        if result.returncode:
            print(result.stdout + result.stderr, flush=True)

    # What tests.site.AdminSession needs of a site.
    def url(self, path="/"):
        return f"{SITE}{path}"

    def absolute(self, url):
        return url if "://" in url else self.url(url)


def docker_bridge_address():
    """This machine's address on Docker's default bridge (docker0). Containers of
    every compose network reach it (the default bridge records no gateway)."""
    options = subprocess.run(
        ["docker", "network", "inspect", "bridge", "--format", "{{json .Options}}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    name = json.loads(options)["com.docker.network.bridge.name"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        answer = fcntl.ioctl(sock.fileno(), SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
    return socket.inet_ntoa(answer[20:24])


@pytest.fixture
def cloudinary(tmp_path):
    """The loopback Cloudinary, listening where the web container reaches it."""
    server = LoopbackCloudinary(
        tmp_path / "cloudinary", "compose-cloud", "123456789012345", secrets.token_urlsafe(20),
        host=docker_bridge_address(),
    )  # fmt: skip
    yield server
    server.stop()


@pytest.fixture
def published_ports():
    """The machine's ports that the stacks publish, for this test alone: another test
    run on the machine (another checkout, the same engine) waits for them."""
    started = time.monotonic()
    with FileLock(Path(tempfile.gettempdir()) / "compose-stack-ports.lock", timeout=1800):
        print(f"waited for the published ports: {time.monotonic() - started:.1f} s", flush=True)
        yield


class Clock:
    """Prints how long each step took."""

    def __init__(self):
        self.start = self.last = time.monotonic()

    def step(self, name):
        now = time.monotonic()
        print(f"{name}: {now - self.last:.1f} s", flush=True)
        self.last = now

    def skip(self):
        """Leave out what ran since the last step (docker compose timed it)."""
        self.last = time.monotonic()


@pytest.mark.parametrize("answers", STACKS)
def test_compose_stack_serves_uploads_and_keeps_them(cookies, request, published_ports, answers):
    family = CONTEXT["_providers"][answers["storage_provider"]]["family"]
    clock = Clock()
    env = clean_env()
    media_at = MEDIA_AT.get(family)
    if family == "cloudinary":
        # compose.yaml takes CLOUDINARY_URL from the environment (or .env): an account
        # on the loopback server, for API calls and delivery URLs alike.
        server = request.getfixturevalue("cloudinary")
        host = urllib.parse.urlsplit(server.url).netloc
        env["CLOUDINARY_URL"] = (
            f"cloudinary://{server.key}:{server.secret}@{server.cloud}"
            f"?upload_prefix={server.url}&cname={host}&secure=false"
        )
        media_at = f"{server.url}/{server.cloud}/"
    stack = Stack(bake(cookies, **answers), env)
    clock.step("bake")
    try:
        stack.compose("up", "--build", "-d", "--wait")
        clock.skip()
        states = stack.states()
        assert set(states) >= {"web", "db"}, states
        assert all(state == "running" for state, _ in states.values()), states
        assert all(health in ("", "healthy") for _, health in states.values()), states
        assert states["web"][1] == "healthy", states
        assert http_get(stack.url("/healthz")).status == 200

        # The login page and its hashed stylesheet: collected into the image, or by
        # the stack into the bucket.
        login = http_get(stack.url("/admin/login/"))
        assert login.status == 200, login.status
        found = STYLESHEET.search(login.body)
        assert found, login.body[:2000]
        stylesheet = stack.absolute(html.unescape(found.group(1).decode()))
        on_bucket = answers.get("static_storage") == "bucket"
        static_at = STATIC_ON_BUCKET_AT[family] if on_bucket else f"{SITE}/static/"
        assert stylesheet.startswith(static_at), stylesheet
        css = fetch(stylesheet)
        assert css.status == 200, (stylesheet, css.status)
        assert css.headers["content-type"].startswith("text/css"), css.headers
        assert b"body" in css.body
        clock.step("healthy; login page and stylesheet served")

        stack.compose(
            "exec", "-T",
            "-e", "DJANGO_SUPERUSER_USERNAME=admin",
            "-e", f"DJANGO_SUPERUSER_PASSWORD={PASSWORD}",
            "-e", "DJANGO_SUPERUSER_EMAIL=admin@example.com",
            "web", "python", "manage.py", "createsuperuser", "--noinput",
            label="exec -T web python manage.py createsuperuser --noinput",
        )  # fmt: skip
        clock.skip()
        admin = AdminSession(stack)
        response = admin.add_upload("Report", "report.pdf", UPLOAD)
        assert response.status_code == 302, (admin.form_errors(response), stack.log_tail())
        pk = admin.created_pk(response)
        link = admin.file_links(pk)[0]
        assert link.startswith(media_at), link
        served = fetch(link)
        assert (served.status, served.body) == (200, UPLOAD), (link, served.status)
        if family == "cloudinary":
            stored = [asset["public_id"] for asset in server.state("assets")]
            assert len(stored) == 1 and stored[0] in link, (stored, link)
        clock.step("admin upload stored and served")

        stack.compose("down")
        stack.compose("up", "-d", "--wait")
        clock.skip()
        # The session, the row and the file all outlived the containers.
        assert admin.file_links(pk) == [link]
        served = fetch(link)
        assert (served.status, served.body) == (200, UPLOAD), (link, served.status)
        clock.step("same file served after down and up")
    finally:
        stack.down()
        print(f"whole test: {time.monotonic() - clock.start:.1f} s", flush=True)
