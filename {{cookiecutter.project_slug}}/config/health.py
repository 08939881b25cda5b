"""The deep health check, /healthz/deep: the database and the media storage.

/healthz answers "ok" as long as the process serves requests: it is what the
platform's health check (compose, a load balancer) uses. /healthz/deep asks the
database for `SELECT 1` on a new connection and writes, reads back and deletes a
small probe file in STORAGES["default"], through django-health-check's view:
200 when both work, 500 naming the check that failed, as HTML, JSON
(`Accept: application/json` or `?format=json`), text or OpenMetrics.

It is not public: every request writes to the storage, and its answers name the
storage's endpoint and bucket. It answers

- a request with `Authorization: Bearer <HEALTH_CHECK_TOKEN>` (an uptime
  monitor), the token compared in constant time;
- a staff user logged in to the admin (a person, in a browser);
- anyone else 401 when HEALTH_CHECK_TOKEN is set, 404 when it is not (the
  endpoint is then for staff only and does not admit it exists).

Each check has its own time budget and the view does not wait beyond it: a
storage that stops answering makes the check fail after STORAGE_TIMEOUT while
its thread finishes in the background, bounded by the storage client's own
timeouts, and still deletes the probe if it got written.
"""

import contextlib
import dataclasses
import datetime
import secrets
from concurrent.futures import ThreadPoolExecutor

import health_check
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import HttpResponse, HttpResponseNotFound
from health_check.exceptions import (
    HealthCheckException,
    ServiceReturnedUnexpectedResult,
    ServiceUnavailable,
)
from health_check.views import HealthCheckView

from mediafiles import abilities

PROBE_NAME = "health-check/probe.txt"
STORAGE_TIMEOUT = datetime.timedelta(seconds=10)


@dataclasses.dataclass
class Storage(health_check.Storage):
    """Write, read back and delete a probe file in a STORAGES alias.
{% if "ConfirmsDeletion" in cookiecutter.__media_abilities %}
    Unlike django-health-check's Storage it does not rely on `exists()`, which a
    storage whose names are all unique may answer without asking the service: it
    confirms the deletion the way `manage.py storage_check` does, with the
    storage's `confirm_deleted()` where it has one (abilities.ConfirmsDeletion).
{%- else %}
    Unlike django-health-check's Storage it reads the probe back rather than
    asking `exists()` after the write; after the deletion, `exists()` must say
    that the probe is gone.
{%- endif %}
    A failure names the step and, where the storage can tell (its `diagnose()`,
    abilities.Diagnoses), the cause: unreachable, credentials refused, a missing
    bucket...
    """

    timeout = STORAGE_TIMEOUT

    def get_file_name(self):
        # The storage adds a unique folder: health-check/<random>/probe.txt.
        return PROBE_NAME

    def run(self):
        storage = self.storage
        content = f"health check probe {secrets.token_hex(16)}\n".encode()
        try:
            name = storage.save(self.get_file_name(), ContentFile(content))
        except Exception as error:
            raise self.failed("write", error) from error
        failure = None
        try:
            with storage.open(name, "rb") as stored:
                if stored.read() != content:
                    failure = ServiceReturnedUnexpectedResult("read back other bytes")
        except Exception as error:
            failure = self.failed("read", error)
        try:
            self.delete(name)
        except Exception as error:
            failure = failure or self.failed("delete", error)
        if failure is not None:
            raise failure

    def delete(self, name):
        self.storage.delete(name)
{%- if "ConfirmsDeletion" in cookiecutter.__media_abilities %}
        if isinstance(self.storage, abilities.ConfirmsDeletion):
            gone = self.storage.confirm_deleted(name)
        else:
            gone = not self.storage.exists(name)
        if not gone:
{%- else %}
        if self.storage.exists(name):
{%- endif %}
            raise ServiceUnavailable(f"the probe {name} is still there after delete()")

    def failed(self, step, error):
        """The error as the check's failure: the step, and the cause the storage names."""
        if isinstance(error, HealthCheckException):
            return error
        storage = self.storage
        cause = storage.diagnose(error) if isinstance(storage, abilities.Diagnoses) else None
        # Without a diagnosis only the error's type: its text may hold anything.
        return ServiceUnavailable(f"{step} failed: {cause or type(error).__name__}")


@contextlib.contextmanager
def detached_threads():
    """Threads for the synchronous checks that the response does not wait for.

    The view stops waiting for a check when its time is up; a `with
    ThreadPoolExecutor()` would then still wait for the thread on the way out.
    """
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="health-check")
    try:
        yield executor
    finally:
        executor.shutdown(wait=False)


class DeepHealthCheckView(HealthCheckView):
    # django-health-check's Database: `SELECT 1` on a connection of its own, 5 s at most.
    checks = (health_check.Database, Storage)

    def get_executor(self):
        return detached_threads()


check_health = DeepHealthCheckView.as_view()


def bearer_token(request):
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def token_matches(request):
    expected, given = settings.HEALTH_CHECK_TOKEN, bearer_token(request)
    return bool(expected and given) and secrets.compare_digest(given.encode(), expected.encode())


async def deep_health(request):
    if not token_matches(request):
        user = await request.auser()
        if not (user.is_active and user.is_staff):
            if not settings.HEALTH_CHECK_TOKEN:
                return HttpResponseNotFound("Not found", content_type="text/plain")
            response = HttpResponse(
                "A bearer token is required.", status=401, content_type="text/plain"
            )
            response["WWW-Authenticate"] = 'Bearer realm="health"'
            return response
    return await check_health(request)
