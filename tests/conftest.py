import time

import pytest

from tests.developer_app import add_developer_app
from tests.families import ServerPool, deploy, variant
from tests.helpers import SCREENSHOTS, Project, bake, project_venv
from tests.servers import Postgres
from tests.site import Site

# When this test run began (conftest is imported as the run starts).
RUN_STARTED = time.time()


@pytest.fixture(scope="session")
def projects(cookies_session):
    """Bake (once per set of answers) and install a project; developer_app=True adds
    a developer's own app to it (tests/developer_app.py)."""
    cache = {}

    def get(developer_app=False, **answers):
        key = (developer_app, *sorted(answers.items()))
        if key not in cache:
            root = bake(cookies_session, **answers)
            project = Project(root, project_venv(root), answers)
            if developer_app:
                add_developer_app(project)
            cache[key] = project
        return cache[key]

    return get


@pytest.fixture(scope="session")
def server_pool(tmp_path_factory):
    """One server per storage family for this test worker, started on first use."""
    pool = ServerPool(tmp_path_factory.mktemp("servers"))
    yield pool
    pool.stop()


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    """This test worker's PostgreSQL server, started on first use."""
    with Postgres(tmp_path_factory.mktemp("postgres")) as server:
        yield server


@pytest.fixture
def databases(postgres):
    """This test's PostgreSQL databases: databases.new() gives a DATABASE_URL; they are
    dropped when the test ends (after its site has stopped)."""
    made = postgres.databases()
    yield made
    made.drop()


@pytest.fixture
def adapter(request, server_pool):
    """The variant named by the test's parameter (tests/families/), on the worker's
    shared server with no media left in it. Tests that break their server start
    one of their own instead."""
    return variant(request.param).attach(server_pool)


@pytest.fixture
def site(projects, adapter, databases, tmp_path):
    """The adapter's project deployed and served by gunicorn, 2 workers x 10 threads."""
    project, env = deploy(projects, adapter, databases)
    with Site(project, env, workers=2, threads=10, log_path=tmp_path / "gunicorn.log") as site:
        yield site


@pytest.fixture
def developer_site(projects, adapter, databases, tmp_path):
    """The same, with a developer's own app added (tests/developer_app.py)."""
    project, env = deploy(projects, adapter, databases, developer_app=True)
    with Site(project, env, workers=2, threads=10, log_path=tmp_path / "gunicorn.log") as site:
        yield site


def pytest_terminal_summary(terminalreporter, config):
    """Name the browser tests' screenshots of this run (tests/test_browser.py), if any."""
    if not SCREENSHOTS.is_dir():
        return
    taken = [path for path in SCREENSHOTS.glob("*.png") if path.stat().st_mtime >= RUN_STARTED]
    if taken:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"{len(taken)} screenshots in {SCREENSHOTS}")
