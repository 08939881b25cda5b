"""/healthz/deep: who may ask, what it checks, and that it leaves nothing behind.

The storage is the unit tests' own (config/test_settings.py); its failures are
made by replacing one of its methods. tests/ of the template run the same endpoint
against every provider's real server.
"""

import datetime
import threading

import pytest
from django.core.files.storage import storages

from config import health

URL = "/healthz/deep"
TOKEN = "a-long-random-health-check-token"  # noqa: S105 (the tests' own)
DATABASE, STORAGE = "Database(alias='default')", "Storage(alias='default')"

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(settings):
    settings.HEALTH_CHECK_TOKEN = TOKEN
    return TOKEN


def get(client, token=None, scheme="Bearer", **headers):
    if token is not None:
        headers["Authorization"] = f"{scheme} {token}"
    return client.get(URL, headers={"Accept": "application/json", **headers})


def stored_files(storage, directory=""):
    """Every file name in the storage, however deep."""
    folders, files = storage.listdir(directory)
    names = [f"{directory}{name}" for name in files]
    for folder in folders:
        names += stored_files(storage, f"{directory}{folder}/")
    return names


def test_without_a_configured_token_it_does_not_exist_for_anonymous_users(client, settings):
    settings.HEALTH_CHECK_TOKEN = ""

    assert get(client).status_code == 404
    assert get(client, "").status_code == 404
    assert get(client, "anything").status_code == 404


def test_it_asks_for_the_bearer_token_when_none_is_given(client, token):
    response = get(client)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("scheme", "given"),
    [
        ("Bearer", "not-the-token"),
        ("Bearer", TOKEN[:-1]),
        ("Bearer", TOKEN + "x"),
        ("Bearer", "ünïcødé"),
        ("Basic", TOKEN),
    ],
)
def test_a_wrong_token_is_refused(client, token, scheme, given):
    response = get(client, given, scheme=scheme)

    assert response.status_code == 401
    assert STORAGE not in response.content.decode()


def test_the_right_token_checks_the_database_and_the_storage(client, token):
    response = get(client, token)

    assert response.status_code == 200, response.content
    assert response.json() == {DATABASE: "OK", STORAGE: "OK"}
    assert "no-cache" in response["Cache-Control"]
    # The probe was written, read back and deleted.
    assert stored_files(storages["default"]) == []


def test_a_lowercase_scheme_is_accepted(client, token):
    assert get(client, token, scheme="bearer").status_code == 200


def test_staff_see_it_in_the_browser_without_a_token(admin_client, settings):
    settings.HEALTH_CHECK_TOKEN = ""

    response = admin_client.get(URL, headers={"Accept": "text/html"})

    assert response.status_code == 200
    assert "Storage" in response.content.decode()


def test_users_who_are_not_staff_are_refused(client, django_user_model, token):
    client.force_login(django_user_model.objects.create_user("visitor"))

    assert get(client).status_code == 401


def broken(*args, **kwargs):
    raise ConnectionError("the storage is down")


def test_a_storage_that_refuses_writes_fails_the_storage_check_only(client, token, monkeypatch):
    monkeypatch.setattr(storages["default"], "_save", broken)

    response = get(client, token)

    assert response.status_code == 500
    assert response.json() == {
        DATABASE: "OK",
        STORAGE: "Unavailable: write failed: ConnectionError",
    }


def test_the_storage_diagnosis_names_the_cause(client, token, monkeypatch):
    storage = storages["default"]
    monkeypatch.setattr(storage, "_save", broken)
    monkeypatch.setattr(storage, "diagnose", lambda error: f"unreachable: {error}", raising=False)

    response = get(client, token)

    assert response.status_code == 500
    assert response.json()[STORAGE] == (
        "Unavailable: write failed: unreachable: the storage is down"
    )


def test_the_probe_is_deleted_when_reading_it_back_fails(client, token, monkeypatch):
    storage = storages["default"]
    monkeypatch.setattr(storage, "_open", broken)

    response = get(client, token)

    assert response.status_code == 500
    assert response.json()[STORAGE] == "Unavailable: read failed: ConnectionError"
    assert stored_files(storage) == []


def test_a_probe_that_stays_after_delete_fails_the_check(client, token, monkeypatch):
    storage = storages["default"]
    monkeypatch.setattr(storage, "delete", lambda name: None)

    response = get(client, token)

    assert response.status_code == 500
    message = response.json()[STORAGE]
    assert message.startswith("Unavailable: the probe health-check/"), message
    assert message.endswith("/probe.txt is still there after delete()"), message
{%- if "ConfirmsDeletion" in cookiecutter.__media_abilities %}


def test_the_deletion_is_confirmed_by_the_storage_when_it_can_tell(client, token, monkeypatch):
    storage = storages["default"]
    # A storage whose exists() never asks the service says whether a file is gone
    # with confirm_deleted() (abilities.ConfirmsDeletion).
    monkeypatch.setattr(storage, "exists", lambda name: False)
    monkeypatch.setattr(storage, "delete", lambda name: None)
    monkeypatch.setattr(storage, "confirm_deleted", lambda name: False, raising=False)

    response = get(client, token)

    assert response.status_code == 500
    assert "is still there after delete()" in response.json()[STORAGE]
{%- endif %}


def test_a_storage_that_does_not_answer_fails_without_holding_the_response(
    client, token, monkeypatch
):
    release, finished = threading.Event(), threading.Event()

    def hanging(*args, **kwargs):
        release.wait(60)
        finished.set()
        raise ConnectionError("gave up")

    monkeypatch.setattr(storages["default"], "_save", hanging)
    monkeypatch.setattr(health.Storage, "timeout", datetime.timedelta(seconds=0.1))
    try:
        response = get(client, token)
        # The answer came while the storage call was still waiting.
        assert not finished.is_set()
    finally:
        release.set()

    assert response.status_code == 500
    assert response.json() == {DATABASE: "OK", STORAGE: "Unavailable: Timed out after 0.1 seconds"}
