"""Deploying a variant's project on its family's server, as the checks do."""

from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from tests.families import variant
from tests.site import create_superuser


class ServerPool:
    """One shared server per family and test worker, started on first use."""

    def __init__(self, workdir):
        self.workdir, self.servers = Path(workdir), {}

    def get(self, server_class):
        if server_class not in self.servers:
            workdir = self.workdir / server_class.__name__.lower()
            self.servers[server_class] = server_class(workdir)
        return self.servers[server_class]

    def stop(self):
        for server in self.servers.values():
            server.stop()


def deploy(projects, adapter, databases, static_files=True, developer_app=False):
    """Bake and install the adapter's project, give it a database, create its buckets,
    collect static files; (project, env).

    The database is a new PostgreSQL database (databases: the test's, see
    tests/servers.py), a copy of one migrated once per project and server, with a
    superuser "admin" (site.PASSWORD). The rest as a deployment would:
    `ensure_storage` and, for static files on the bucket, collectstatic to the
    server (once per server: the files stay); static files for whitenoise are
    collected once into the project's STATIC_ROOT (the build). static_files=False
    leaves the bucket without them where the local manifest already exists: pages
    only need the manifest (for a server that a test breaks). developer_app=True: the
    project with a developer's own app (tests/developer_app.py).
    """
    project = projects(**adapter.answers, developer_app=developer_app)
    env = adapter.env(project)
    env["DATABASE_URL"] = databases.new(template=migrated_database(project, env, databases.server))
    # Once per project and server: the developer-app project has a manifest of its own.
    if (adapter.id, project.root) not in adapter.server.prepared:
        if adapter.provisions:
            result = project.manage("ensure_storage", env=env)
            assert result.returncode == 0, result.stdout + result.stderr
        manifest = project.root / "staticfiles" / "staticfiles.json"
        if adapter.static_on_bucket and (static_files or not manifest.exists()):
            collect_static(project, env)
        adapter.server.prepared.add((adapter.id, project.root))
    if not adapter.static_on_bucket:
        with FileLock(f"{project.root}.collectstatic.lock"):
            if not (project.root / "staticfiles" / "staticfiles.json").exists():
                collect_static(project, env)
    return project, env


@contextmanager
def deployed_to_fail(
    projects, server_pool, databases, tmp_path, adapter_id, fault, developer_app=False
):
    """A variant's project deployed for a storage fault; (adapter, project, env).

    "killed" and "frozen" need a server of the test's own, which adapter.fail(fault)
    then breaks; "misconfigured" uses the worker's shared server, with the project's
    storage setting made one that cannot work. The bucket gets no static files:
    pages only read the local manifest.
    """
    adapter = variant(adapter_id)
    if fault == "misconfigured":
        adapter.attach(server_pool)
    else:
        adapter.start(tmp_path / "server")
    with adapter:
        project, env = deploy(
            projects, adapter, databases, static_files=False, developer_app=developer_app
        )
        if fault == "misconfigured":
            env = adapter.misconfigured(env, tmp_path)
        yield adapter, project, env


def migrated_database(project, env, postgres):
    """The name of the project's database on this server, migrated and with its
    superuser: made once, then copied (CREATE DATABASE ... TEMPLATE)."""
    if project.root not in postgres.templates:
        name = postgres.create_database()
        env = {**env, "DATABASE_URL": postgres.url(name)}
        project.migrate(env)
        create_superuser(project, env)
        postgres.templates[project.root] = name
    return postgres.templates[project.root]


def collect_static(project, env):
    result = project.manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result
