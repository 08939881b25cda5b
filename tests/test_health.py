"""The generated /healthz/deep on every family's real server, under gunicorn: healthy
with nothing left behind where the storage works, 500 naming the storage check
where it does not (server killed, frozen, or local media where no directory can be).

The servers and the ways to break them are the adapters' (tests/families/).
"""

import json
import urllib.parse

import pytest

from tests.families import FAMILIES, MAIN_VARIANTS, case, deploy, deployed_to_fail
from tests.helpers import http_get
from tests.site import Site

pytestmark = pytest.mark.slow

TOKEN = "health-check-token-for-the-template-tests"
DATABASE, STORAGE = "Database(alias='default')", "Storage(alias='default')"
TIMED_OUT = "Unavailable: Timed out after 10 seconds"


def deep_health(site, token=TOKEN):
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    # Longer than any check's budget: the endpoint answers first.
    return http_get(site.url("/healthz/deep"), headers, timeout=60)


def served(project, env, tmp_path):
    return Site(
        project,
        {**env, "HEALTH_CHECK_TOKEN": TOKEN},
        workers=1,
        threads=4,
        log_path=tmp_path / "gunicorn.log",
    )


@pytest.mark.parametrize("adapter", FAMILIES, indirect=True)
def test_it_is_healthy_on_every_server_and_leaves_no_probe(projects, adapter, databases, tmp_path):
    project, env = deploy(projects, adapter, databases)
    with served(project, env, tmp_path) as site:
        refused = deep_health(site, token=None)
        wrong = deep_health(site, token="not-" + TOKEN)
        response = deep_health(site)

    assert refused.status == wrong.status == 401
    assert response.status == 200, (response, site.log_tail())
    assert json.loads(response.body) == {DATABASE: "OK", STORAGE: "OK"}
    assert adapter.media_objects() == {}


FAULTS = [
    case(adapter.id, fault)
    for adapter in MAIN_VARIANTS
    for fault in (("killed", "frozen") if adapter.can_fail else ("misconfigured",))
]


@pytest.mark.parametrize(("main", "fault"), FAULTS)
def test_a_storage_that_fails_makes_it_unhealthy_naming_the_storage(
    projects, server_pool, databases, tmp_path, main, fault
):
    deployed = deployed_to_fail(projects, server_pool, databases, tmp_path, main, fault)
    with deployed as (adapter, project, env), served(project, env, tmp_path) as site:
        adapter.fail(fault)
        response = deep_health(site)
        adapter.thaw()

        assert response.status == 500, (response, site.log_tail())
        results = json.loads(response.body)
        assert results[DATABASE] == "OK", results
        server = urllib.parse.urlsplit(adapter.server.url).netloc
        # The storage's own diagnosis names the server's address.
        diagnosis = f"Unavailable: write failed: unreachable: http://{server}"
        if fault == "frozen":
            # Whichever ends the wait first: the check's budget (10 s), or the storage
            # client's waits (5 s without data, one retry).
            assert results[STORAGE] == TIMED_OUT or results[STORAGE].startswith(diagnosis), results
        elif fault == "killed":
            # A client that retries a refused connection longer than the check's budget
            # may let the check time out first.
            assert results[STORAGE].startswith(diagnosis) or (
                adapter.retries_refused_connections and results[STORAGE] == TIMED_OUT
            ), results
        else:
            assert results[STORAGE].startswith(
                "Unavailable: write failed: media directory missing: "
            ), results
        # The process keeps serving.
        assert http_get(site.url("/healthz")).status == 200
