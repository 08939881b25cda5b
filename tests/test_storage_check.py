"""`manage.py storage_check` on every family's real server: it passes where the storage
works, and names the cause where it does not, always deleting its probe.

The servers and the ways to break them are the adapters' (tests/families/);
checks that share a worker's server carry its xdist_group mark (families.case).
"""

import re

import pytest

from tests.families import MAIN_VARIANTS, VARIANTS, case, cases, deploy
from tests.helpers import free_port
from tests.site import Site

pytestmark = pytest.mark.slow

STEPS = ("write", "read", "url", "fetch", "unsigned", "delete", "gone")
# A step's line: "write     ok          41 ms  storage-check/k3v9x0qa7hw2mz4c/probe.txt"
STEP_LINE = re.compile(r"^(?P<step>\w+) +(?P<state>ok|FAILED|skipped)\b(?: +(?P<ms>\d+) ms)?")
# The main variant of each family whose media stay on local disk, served by the site.
LOCAL_DISK = [case(adapter.id) for adapter in MAIN_VARIANTS if adapter.on_local_disk]


class Run:
    """One run of the command: its exit code, each step's state and time, its cause."""

    def __init__(self, result):
        self.returncode, self.stdout, self.stderr = result.returncode, result.stdout, result.stderr
        self.states, self.times, self.lines = {}, {}, {}
        for line in result.stdout.splitlines():
            match = STEP_LINE.match(line)
            if match:
                self.states[match["step"]] = match["state"]
                self.times[match["step"]] = match["ms"]
                self.lines[match["step"]] = line
        errors = [line for line in result.stderr.splitlines() if line.startswith("CommandError: ")]
        self.cause = errors[-1].removeprefix("CommandError: ") if errors else None

    def __repr__(self):
        return f"exit {self.returncode}\n{self.stdout}\n{self.stderr}"


def storage_check(project, env, *args):
    return Run(project.manage("storage_check", *args, env=env))


def assert_listed(run):
    """Every step has its line, in order; the steps that ran show their time."""
    assert list(run.states) == list(STEPS), run
    for step, state in run.states.items():
        assert (run.times[step] is not None) == (state != "skipped"), run


def assert_failed(run, step, cause):
    """The run failed at step, naming the cause (a regular expression) in one line."""
    assert run.returncode != 0, run
    assert_listed(run)
    assert run.states[step] == "FAILED", run
    assert run.cause is not None and re.match(cause, run.cause), run
    assert run.cause in run.lines[step], run


@pytest.mark.parametrize("adapter", [case(adapter.id) for adapter in VARIANTS], indirect=True)
def test_it_passes_on_every_server_and_deletes_its_probe(projects, adapter, databases, tmp_path):
    project, env = deploy(projects, adapter, databases)

    run = storage_check(project, env)

    assert run.returncode == 0, run
    assert_listed(run)
    assert re.search(r"storage-check/[a-z0-9]{16}/probe\.txt$", run.lines["write"]), run
    expected = dict.fromkeys(STEPS, "ok")
    if adapter.on_local_disk and adapter.private:
        # Private media on local disk are sent only through the site's links; the
        # folder's URL, which must answer nothing, needs the site's address.
        expected["fetch"] = expected["unsigned"] = "skipped"
        assert "through its links" in run.lines["fetch"], run
        assert "pass --base-url" in run.lines["unsigned"], run
    elif adapter.on_local_disk:
        # Media served by the site itself: no site address given, no fetch.
        expected["fetch"] = "skipped"
        assert "pass --base-url" in run.lines["fetch"], run
    else:
        assert "200" in run.lines["fetch"], run
    if not adapter.signed_urls:
        expected["unsigned"] = "skipped"
    assert run.states == expected, run
    assert adapter.media_objects() == {}


@pytest.mark.parametrize("adapter", cases("static_on_bucket"), indirect=True)
def test_it_checks_the_static_files_storage_too(projects, adapter, databases):
    project, env = deploy(projects, adapter, databases)
    static_before = adapter.static_objects()

    run = storage_check(project, env, "--storage", "staticfiles")

    assert run.returncode == 0, run
    assert_listed(run)
    # Under its own name: static files keep theirs (collectstatic rewrites them).
    assert run.lines["write"].endswith(" storage-check/probe.txt"), run
    # Static files are public and unsigned, wherever the media are.
    assert run.states == {**dict.fromkeys(STEPS, "ok"), "unsigned": "skipped"}, run
    assert "200" in run.lines["fetch"], run
    assert adapter.static_objects() == static_before


@pytest.mark.parametrize("adapter", LOCAL_DISK, indirect=True)
def test_local_media_are_fetched_through_the_running_site(site, adapter):
    project = site.project

    run = storage_check(project, site.env, "--base-url", site.url())

    assert run.returncode == 0, run
    assert run.states["fetch"] == "ok" and "200" in run.lines["fetch"], run
    assert adapter.media_objects() == {}


@pytest.mark.parametrize("adapter", LOCAL_DISK, indirect=True)
def test_local_media_that_the_site_does_not_serve_are_not_served(
    projects, adapter, databases, tmp_path
):
    project, env = deploy(projects, adapter, databases)
    env = {**env, "SERVE_MEDIA": "False"}
    with Site(project, env, workers=1, threads=2, log_path=tmp_path / "gunicorn.log") as site:
        run = storage_check(project, env, "--base-url", site.url())

    assert_failed(run, "fetch", r"URL not served: .* answered 404; .*SERVE_MEDIA=True")
    assert run.states["delete"] == run.states["gone"] == "ok", run
    assert adapter.media_objects() == {}


@pytest.mark.parametrize("adapter", LOCAL_DISK, indirect=True)
def test_a_site_address_where_nothing_answers_is_unreachable(
    projects, adapter, databases, tmp_path
):
    project, env = deploy(projects, adapter, databases)

    run = storage_check(project, env, "--base-url", f"http://127.0.0.1:{free_port()}")

    assert_failed(run, "fetch", r"unreachable: http://127\.0\.0\.1:\d+ \(connection refused\)")
    assert run.states["delete"] == run.states["gone"] == "ok", run
    assert adapter.media_objects() == {}


@pytest.mark.parametrize("adapter", cases("unreachable"), indirect=True)
def test_a_closed_port_is_unreachable(projects, adapter, databases, tmp_path):
    unreachable = adapter.require("unreachable")
    project, env = deploy(projects, adapter, databases)
    port = free_port()  # nothing listens there

    run = storage_check(project, unreachable(env, port))

    assert_failed(run, "write", rf"unreachable: .*127\.0\.0\.1:{port}\b")
    assert run.states["delete"] == "skipped" and "nothing was written" in run.lines["delete"]


@pytest.mark.parametrize("adapter", cases("wrong_credentials"), indirect=True)
def test_a_wrong_secret_is_credentials_refused(projects, adapter, databases, tmp_path):
    wrong = adapter.require("wrong_credentials")
    project, env = deploy(projects, adapter, databases)

    run = storage_check(project, wrong(env))

    assert_failed(run, "write", r"credentials refused")
    assert adapter.media_objects() == {}


@pytest.mark.parametrize("adapter", cases("missing_bucket"), indirect=True)
def test_a_missing_bucket_is_named(projects, adapter, databases, tmp_path):
    missing = adapter.require("missing_bucket")
    project, env = deploy(projects, adapter, databases)

    run = storage_check(project, missing(env, tmp_path))

    assert_failed(run, "write", r"(bucket|container|cloud|media directory) missing: ")
    assert re.search(r"no-such-|Not a directory", run.cause), run


@pytest.mark.parametrize("adapter", cases("public_read_blocked"), indirect=True)
def test_public_media_that_anonymous_readers_cannot_read_are_public_read_blocked(
    projects, adapter, databases, tmp_path
):
    closed = adapter.require("public_read_blocked")()
    project, _ = deploy(projects, adapter, databases)

    run = storage_check(project, closed.env(project))

    assert_failed(run, "fetch", r"public read blocked: .*/closed-media/.* answered 40[13]")
    assert [run.states[step] for step in ("write", "read", "url")] == ["ok"] * 3, run
    # The probe was written, then deleted although the fetch failed.
    assert run.states["delete"] == run.states["gone"] == "ok", run
    assert closed.media_objects() == {}
