"""`docker compose up` for real, one stack per storage family.

Each test bakes a project with the default answers for one provider and runs its
compose.yaml unmodified on this machine's Docker engine (scripts/install-docker starts
it and builds local stand-ins for every image compose.yaml names): the stack comes up
healthy, the admin login page and its hashed stylesheet are served, a superuser made
in the web container uploads a file through the admin, the file is served from where
the family keeps it, and after `docker compose down` and `up` again (volumes kept) the
same session, row and bytes are still there. Everything is reached from this machine
through the published ports, as a browser would.

The stacks publish fixed ports (8000 and their emulators'), so these tests run one at a
time, on one test worker (their xdist_group), and each holds a lock that other test
runs on the machine wait for. Each step's duration goes to the log.

What differs between families (the answers of its stack, what it needs beyond .env,
where it keeps files) is its adapter's (tests/families/: Adapter.compose_storage).
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

from tests.families import ADAPTERS, adapter_for
from tests.helpers import bake, clean_env, http_get
from tests.site import PASSWORD, AdminSession

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("compose")]

SITE = "http://127.0.0.1:8000"


def stack_id(answers):
    """The provider, and where static files go when not on whitenoise."""
    on_bucket = answers.get("static_storage") == "bucket"
    return answers["storage_provider"] + ("-static-on-bucket" if on_bucket else "")


# One stack per family, with the answers its adapter gives.
STACKS = [
    pytest.param(answers, id=stack_id(answers))
    for answers in (kind.stack_answers() for kind in ADAPTERS.values())
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
def test_compose_stack_serves_uploads_and_keeps_them(cookies, tmp_path, published_ports, answers):
    adapter = adapter_for(
        answers["storage_provider"], static_storage=answers.get("static_storage", "whitenoise")
    )
    with adapter.compose_storage(SITE, tmp_path, docker_bridge_address) as storage:
        run_stack(cookies, answers, storage)


def run_stack(cookies, answers, storage):
    """Bake, bring the stack up, upload through the admin, down and up again."""
    clock = Clock()
    stack = Stack(bake(cookies, **answers), clean_env(**storage.env))
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
        static_at = storage.static_at or f"{SITE}/static/"
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
        assert link.startswith(storage.media_at), link
        served = fetch(link)
        assert (served.status, served.body) == (200, UPLOAD), (link, served.status)
        storage.check_stored(link)
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
