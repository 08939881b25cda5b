"""Install generated projects and run them: their tests, Django's checks, compose, Procfile."""

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.families import MAIN_VARIANTS, adapter_for
from tests.helpers import (
    COMPOSE,
    CONTEXT,
    choices,
    clean_env,
    combination_id,
    combinations,
    free_port,
    http_get,
    wait_for_http,
)

pytestmark = pytest.mark.slow

COMBINATIONS = combinations()
HONCHO = Path(sys.executable).parent / "honcho"
# The provider of the first family whose media stay on local disk.
LOCAL_DISK = next(a for a in MAIN_VARIANTS if a.on_local_disk).storage["storage_provider"]


def on_postgresql(combinations):
    """The first combination of each family and media answer: the ones whose own tests
    run on PostgreSQL as well (what the database sees differs by family, which stores
    the files, and by media answer, which adds the owner and its queries; not by where
    static files live or how the project is deployed)."""
    firsts = {}
    for answers in combinations:
        family = CONTEXT["_providers"][answers["storage_provider"]]["family"]
        firsts.setdefault((family, answers["media_access"]), answers)
    return list(firsts.values())


SUITE_RUNS = [
    pytest.param(answers, database, id=f"{combination_id(answers)}-{database}")
    for answers in COMBINATIONS
    for database in ("sqlite", "postgresql")
    if database == "sqlite" or answers in on_postgresql(COMBINATIONS)
]


@pytest.fixture(params=COMBINATIONS, ids=combination_id)
def project(request, projects):
    return projects(**request.param)


def wait_for_log(path, text, timeout=60):
    """Wait until a process's log file holds this text."""
    deadline = time.monotonic() + timeout
    while text not in path.read_text(errors="replace"):
        assert time.monotonic() < deadline, f"{text!r} never reached {path}"
        time.sleep(0.1)


def production_env(project, **extra):
    """The .env.example values, as a deployment would set them, plus test-only ones."""
    return {"ENV_FILE": str(project.root / ".env.example"), **extra}


@pytest.mark.parametrize(("answers", "database"), SUITE_RUNS)
def test_its_own_test_suite_passes(projects, answers, database, request):
    # SQLite in memory is what the test settings choose without DATABASE_URL;
    # PostgreSQL is what compose and Heroku give the project.
    project = projects(**answers)
    env, options = {}, []
    if database == "postgresql":
        databases = request.getfixturevalue("databases")
        env["DATABASE_URL"] = databases.new()
        # pytest-django then keeps its test database: proof that the tests ran there.
        options.append("--reuse-db")
        # tests/test_settings.py reads the settings under environments it builds
        # itself, without DATABASE_URL: a second run would repeat the first.
        options.append("--ignore=tests/test_settings.py")

    result = project.run("pytest", "-q", "-p", "no:cacheprovider", *options, env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\d+ passed", result.stdout)
    assert "skipped" not in result.stdout
    if database == "postgresql":
        name = env["DATABASE_URL"].rpartition("/")[2]
        assert "uploads_upload" in databases.server.tables(f"test_{name}")


def test_migrations_match_the_models(project):
    # The local .env has no cloud account in it where a family has no emulator.
    env = adapter_for(project.answers["storage_provider"]).account_env

    result = project.manage("makemigrations", "--check", "--dry-run", env=env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_checks_pass_with_env_example_values(project):
    result = project.manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(project)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_without_env_stop_naming_the_variable(project):
    result = project.manage("check", env={"ENV_FILE": ""})

    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_local_media_on_heroku_stop_the_release(projects):
    project = projects(storage_provider=LOCAL_DISK, use_heroku=True, use_docker=False)

    result = project.manage("migrate", "--noinput", env=production_env(project, DYNO="release.1"))

    assert result.returncode != 0
    assert "mediafiles.E001" in result.stderr
    assert "Heroku wipes" in result.stderr


@pytest.mark.parametrize("provider", choices("storage_provider"))
def test_compose_file_is_valid_for_docker_compose(projects, provider):
    project = projects(storage_provider=provider, use_heroku=False, use_docker=True)
    adapter = adapter_for(provider)

    result = subprocess.run(
        [COMPOSE, "-f", "compose.yaml", "config", "--format", "json"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env=clean_env(**adapter.account_env),
    )

    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    web, db = config["services"]["web"], config["services"]["db"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in web and "healthcheck" in db
    assert "postgres_data" in config["volumes"]
    # Where the family keeps media, its emulator, its account: the adapter's checks.
    adapter.assert_compose_config(config)
    assert web["environment"]["DEBUG"] == "False"
    assert web["environment"]["SECRET_KEY"], "SECRET_KEY should come from .env"


def test_compose_refuses_a_broken_file(projects, tmp_path):
    project = projects(storage_provider=LOCAL_DISK, use_heroku=False, use_docker=True)
    broken = tmp_path / "compose.yaml"
    broken.write_text(
        (project.root / "compose.yaml").read_text().replace("condition: service_healthy", "x: 1")
    )

    result = subprocess.run(
        [COMPOSE, "-f", broken, "config", "-q"], cwd=project.root, capture_output=True
    )

    assert result.returncode != 0


@pytest.mark.parametrize("provider", choices("storage_provider"))
def test_procfile_web_process_serves_the_site(projects, server_pool, provider, databases, tmp_path):
    project = projects(storage_provider=provider, use_heroku=True, use_docker=False)
    # The release checks the storage: the provider's real server stands in for the cloud.
    storage = adapter_for(provider).attach(server_pool)
    if storage.provisions:
        result = project.manage("ensure_storage", env=storage.env(project))
        assert result.returncode == 0, result.stdout + result.stderr
    port = free_port()
    database_url = databases.new()
    env_file = tmp_path / "heroku.env"
    env_file.write_text(
        "DEBUG=False\n"
        "SECRET_KEY=procfile-test-secret-key-0123456789-0123456789-0123456789\n"
        "ALLOWED_HOSTS=127.0.0.1\n"
        # PostgreSQL, as Heroku's add-on gives it.
        f"DATABASE_URL={database_url}\n"
        # The other variables come from .env.example.
        f"ENV_FILE={project.root / '.env.example'}\n"
        # Quoted: a storage URL holds "&" and "=".
        + "".join(f'{name}="{value}"\n' for name, value in storage.storage_env().items())
        # Loopback only here; on Heroku gunicorn binds 0.0.0.0:$PORT itself.
        + f"GUNICORN_CMD_ARGS=--bind=127.0.0.1:{port}\n"
    )
    # The project's python and gunicorn come first on PATH, as on a dyno.
    env = clean_env(PATH=f"{project.venv / 'bin'}:{clean_env()['PATH']}")
    # Heroku's build and release phases, then the web process, as the README runs them.
    build = ["run", "python", "manage.py", "collectstatic", "--noinput"]
    for step in (build, ["start", "release"]):
        result = subprocess.run(
            [HONCHO, "-e", env_file, *step],
            cwd=project.root,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    readme = (project.root / "README.md").read_text()
    assert "honcho start release" in readme and "honcho start web" in readme
    # The release process ran the migrations, then, with a cloud storage, checked the
    # storage (local disk is refused on Heroku by the system checks), and exited.
    assert "Applying uploads.0001_initial... OK" in result.stdout, result.stdout
    checked = "Storage 'default' works" in result.stdout
    assert checked is (not storage.on_local_disk), result.stdout
    assert "uploads_upload" in databases.server.tables(database_url.rpartition("/")[2])
    # The output goes to a file: a pipe nobody reads while the server runs could fill up.
    log_path = tmp_path / "honcho.log"
    log = log_path.open("w")
    honcho = subprocess.Popen(
        [HONCHO, "-e", env_file, "start", "-p", str(port), "web"],
        cwd=project.root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    https = {"X-Forwarded-Proto": "https"}  # as Heroku's router sends it
    try:
        try:
            wait_for_http(f"{base}/healthz", process=honcho)
        except (OSError, RuntimeError) as error:
            honcho.kill()
            honcho.wait()
            raise AssertionError(log_path.read_text()) from error

        status, headers, body = http_get(f"{base}/admin/login/", https, follow_redirects=False)
        assert status == 200
        assert headers["strict-transport-security"].startswith("max-age=")

        status, headers, _ = http_get(f"{base}/admin/login/", follow_redirects=False)
        assert status == 301 and headers["location"].startswith("https://")

        css = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', body).group(1)
        brotli = {**https, "Accept-Encoding": "br"}
        status, headers, compressed = http_get(base + css.decode(), brotli)
        assert status == 200
        assert headers["content-encoding"] == "br"
        assert "immutable" in headers["cache-control"]
        assert compressed

        assert http_get(f"{base}/static/admin/css/missing.css", https).status == 404
        assert http_get(f"{base}/media/uploads/missing.txt", https).status == 404
        # honcho's SIGTERM handler prints, and crashes ("reentrant call") when the
        # signal arrives while honcho prints a line of gunicorn's: the signal waits
        # until the last request's line is out.
        wait_for_log(log_path, "GET /media/uploads/missing.txt")
    finally:
        honcho.send_signal(signal.SIGTERM)
        try:
            honcho.wait(timeout=60)
        finally:
            if honcho.poll() is None:
                honcho.kill()
            log.close()
    output = log_path.read_text()
    # honcho passes SIGTERM on and exits 128 + SIGTERM once gunicorn has stopped.
    assert honcho.returncode in (0, 128 + signal.SIGTERM), output
    assert "Shutting down: Master" in output, output
