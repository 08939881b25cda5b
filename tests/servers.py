"""The servers every family's tests share, each on free loopback ports and stopped by PID.

- Server: a server process, the base of every storage family's own (each family's
  server is in its place under tests/families/);
- PostgreSQL, Debian's package (scripts/install-postgres), for the generated
  projects' databases, as compose and Heroku give them one.

A Server waits until it answers; a test can break it on purpose (kill,
freeze/thaw) and stop() always ends it. Their data is thrown away, so stop() does
not wait for a graceful shutdown.
"""

import glob
import itertools
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.helpers import clean_env, free_port, wait_for_http

# Seconds any request of a test to a server may take (a frozen server never answers).
REQUEST_TIMEOUT = 30


class Server:
    """A server process: its base URL, its log, and signals to break it on purpose."""

    def __init__(self, command, url, ready_url, workdir, env=None, cwd=None):
        self.url, self.workdir = url, Path(workdir)
        self.prepared = set()  # adapters whose buckets and static files are in place
        self.log_path = self.workdir / "server.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=cwd or workdir, stdout=log, stderr=subprocess.STDOUT, env=env
            )
        try:
            wait_for_http(ready_url, timeout=60, process=self.process)
        except BaseException as error:
            self.stop()
            raise RuntimeError(f"{command[0]} did not start:\n{self.log_tail()}") from error

    def log_tail(self, lines=40):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def send(self, signum):
        if self.process.poll() is None:
            self.process.send_signal(signum)

    def kill(self):
        self.send(signal.SIGKILL)
        self.process.wait()

    def freeze(self):
        self.send(signal.SIGSTOP)

    def thaw(self):
        self.send(signal.SIGCONT)

    def stop(self):
        self.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def stop(process, grace=30):
    """SIGTERM, wait, then SIGKILL, for a server whose data is kept (a benchmark's)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# PostgreSQL --------------------------------------------------------------------------


def postgres_bin(name):
    """A PostgreSQL server program (initdb, postgres) of the newest installed version."""
    found = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    if not found:
        raise RuntimeError(f"no {name} under /usr/lib/postgresql: run scripts/install-postgres")
    return max(found, key=lambda path: int(Path(path).parent.parent.name))


class Postgres:
    """A PostgreSQL cluster of its own on a free loopback port, its data thrown away.

    PostgreSQL refuses to run as root: when the tests are root, initdb and the
    server run as the `postgres` system user (Debian's package creates it), with
    the cluster in a directory of its own that this user owns (pytest's temporary
    directories are private to root). Every client, the projects included, logs in
    over TCP with a password, as on Heroku or in compose: the superuser `postgres`
    makes databases, and the projects use `app`, which owns its databases and may
    create more (pytest-django makes `test_<name>` beside the one it is given).
    """

    app_user = "app"

    def __init__(self, workdir):
        workdir = Path(workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "postgres.log"
        self.port = free_port()
        self.password, self.app_password = secrets.token_hex(16), secrets.token_hex(16)
        self.names = itertools.count(1)
        self.templates = {}  # project root -> its migrated database (see families.deploy)
        self.process = None
        self.root = Path(tempfile.mkdtemp(prefix="postgres-"))
        as_user = {}
        if os.geteuid() == 0:
            as_user = {"user": "postgres", "group": "postgres", "extra_groups": []}
        data, sockets, password_file = self.root / "data", self.root / "sockets", self.root / "pw"
        try:
            sockets.mkdir()  # not /var/run/postgresql: nothing outside the cluster's folder
            password_file.write_text(self.password + "\n")
            if as_user:
                for path in (self.root, sockets, password_file):
                    shutil.chown(path, "postgres", "postgres")
            with open(self.log_path, "wb") as log:
                run = {"cwd": self.root, "stdout": log, "stderr": subprocess.STDOUT}
                subprocess.run(
                    [
                        postgres_bin("initdb"), "--pgdata", data, "--username", "postgres",
                        "--pwfile", password_file, "--auth", "scram-sha-256",
                        "--encoding", "UTF8", "--locale", "C.UTF-8",
                        "--no-sync", "--no-instructions",
                    ],
                    check=True, env=clean_env(), **run, **as_user,
                )  # fmt: skip
                # Throwaway data: nothing waits for the disk.
                self.process = subprocess.Popen(
                    [
                        postgres_bin("postgres"), "-D", data, "-p", str(self.port),
                        "-c", "listen_addresses=127.0.0.1",
                        "-c", f"unix_socket_directories={sockets}",
                        "-c", "fsync=off", "-c", "synchronous_commit=off",
                        "-c", "full_page_writes=off",
                    ],
                    env=clean_env(), **run, **as_user,
                )  # fmt: skip
            self.wait_until_ready()
            self.execute(
                f"CREATE ROLE {self.app_user} LOGIN CREATEDB PASSWORD '{self.app_password}'"
            )
        except BaseException as error:
            self.stop()
            raise RuntimeError(f"PostgreSQL did not start:\n{self.log_tail()}") from error

    def wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.process.returncode}")
            try:
                self.connect().close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def connect(self, dbname="postgres"):
        """A superuser connection in autocommit (CREATE DATABASE needs it)."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            password=self.password,
            dbname=dbname,
            autocommit=True,
            connect_timeout=10,
        )

    def execute(self, sql):
        with self.connect() as connection:
            connection.execute(sql)

    def url(self, name):
        """The DATABASE_URL of one of the app's databases."""
        return f"postgres://{self.app_user}:{self.app_password}@127.0.0.1:{self.port}/{name}"

    def create_database(self, template=None):
        """A new database owned by the app (a copy of template when given): its name."""
        name = f"db{next(self.names)}"
        copy = f" TEMPLATE {template}" if template else ""
        self.execute(f"CREATE DATABASE {name} OWNER {self.app_user}{copy}")
        return name

    def drop_database(self, name):
        """Drop it, even while a stopped site's connections are still closing."""
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def tables(self, name):
        """The names of a database's tables."""
        with self.connect(name) as connection:
            found = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        return {table for (table,) in found}

    def databases(self):
        """The databases of one test, dropped together when it ends."""
        return Databases(self)

    def log_tail(self, lines=40):
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        """An immediate shutdown (SIGQUIT), then the cluster's files are deleted."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


class Databases:
    """New databases for one test on a Postgres, and their dropping (with the
    `test_<name>` that pytest-django creates beside one, should it be kept)."""

    def __init__(self, server):
        self.server, self.names = server, []

    def new(self, template=None):
        """A new database (a copy of template when given): its DATABASE_URL."""
        name = self.server.create_database(template)
        self.names.append(name)
        return self.server.url(name)

    def drop(self):
        for name in self.names:
            self.server.drop_database(name)
            self.server.drop_database(f"test_{name}")
        self.names.clear()
