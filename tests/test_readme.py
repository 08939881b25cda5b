"""The README documents every option, and its first command really runs a project."""

import os
import re
import shutil
import signal
import subprocess
import urllib.request

import pytest

from tests.helpers import CONTEXT, PUBLIC_KEYS, TEMPLATE_DIR, free_port, wait_for_http

README = (TEMPLATE_DIR / "README.md").read_text()


def readme_command(name):
    match = re.search(rf"<!-- command: {name} -->\n```bash\n(.+?)\n```", README, re.DOTALL)
    assert match, f"README has no '{name}' command block"
    return match.group(1)


def documented_options():
    return dict(re.findall(r"^\| `(\w+)` \| (.+?) \|", README, flags=re.MULTILINE))


def test_every_public_option_is_documented():
    assert sorted(documented_options()) == sorted(PUBLIC_KEYS)


@pytest.mark.parametrize("key", [k for k in PUBLIC_KEYS if isinstance(CONTEXT[k], list)])
def test_every_choice_is_documented(key):
    row = re.search(rf"^\| `{key}` \|.*$", README, flags=re.MULTILINE).group(0)
    assert [value for value in CONTEXT[key] if f"`{value}`" not in row] == []


def test_ci_runs_the_readme_test_command():
    ci = (TEMPLATE_DIR / ".ci" / "run").read_text()
    assert readme_command("test") in ci


@pytest.mark.slow
def test_generate_and_run_command_serves_the_default_project(tmp_path):
    checkout = tmp_path / "template"
    shutil.copytree(
        TEMPLATE_DIR,
        checkout,
        ignore=shutil.ignore_patterns(".venv", ".cache", ".git", "my_project"),
    )
    port = free_port()
    env = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    server = subprocess.Popen(
        ["bash", "-c", readme_command("generate-and-run")],
        cwd=checkout,
        env={**env, "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", timeout=600, process=server)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            assert response.status == 200
            assert "Nothing uploaded yet" in response.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/") as response:
            assert response.status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=30)
    assert (checkout / "my_project" / "db.sqlite3").exists()
