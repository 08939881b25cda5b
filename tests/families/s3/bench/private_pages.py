"""The list page of 50 uploads with private media against public media; prints figures.

    .venv/bin/python tests/families/s3/bench/private_pages.py [--rows 50] [--warmup 20]
        [--renders 200] [--rounds 3] [--keep]   (after ./scripts/test has made .venv)

Two `s3-compatible` projects (static files on whitenoise) are baked in one run, one
with `media_access=private` and one with `media_access=public`, on the same locked
virtualenv (tests/helpers.py's cache under .cache/venvs). Each gets a SQLite
database, a superuser and --rows Upload rows whose file and image names are written
straight into the rows (nothing is stored: no server runs, and the storage URL's
endpoint is a closed port, so rendering may not contact the storage; every
request botocore would send is counted).

In each project's own process, the list page (`/`, uploads.views.UploadListView)
is fetched in-process with django.test.Client, logged in as that superuser in both
(the private page loads the session and the user to check them: 2 queries the public
page, which never looks at its visitor, does not make), --warmup times untimed and
then --renders times, each timed with time.perf_counter. The
rounds alternate public and private; per project the median and p90 of all timed
renders are printed, with what the page holds: signed URLs (X-Amz-Signature),
links through the site (/media-files/) and plain storage URLs.

Target: the private page within 1.5x the public one (median per render).
It prints whether the target is met and exits 0 either way.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))

from tests.helpers import TEMPLATE_DIR, clean_env, project_venv  # noqa: E402

TARGET = 1.5
BUCKET = "bench-media"
# A closed port: a page that asked the storage anything would fail, not wait.
ENDPOINT = "http://127.0.0.1:9"
MEDIA_STORAGE_URL = f"s3://BENCHKEY:BENCHSECRET@{BUCKET}/media?endpoint={ENDPOINT}&region=us-east-1"

# Once per project: the database, a superuser and the rows (names only, no storage writes).
SETUP = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from uploads.models import Upload

call_command("migrate", interactive=False, verbosity=0)
user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-password")
owned = {"owner": user} if any(f.name == "owner" for f in Upload._meta.get_fields()) else {}
for number in range(ROWS):
    Upload.objects.create(
        title=f"Report {number:02d}",
        file=f"uploads/2026/01/{number:04x}abc/report.pdf",
        image=f"images/2026/01/{number:04x}abc/photo.jpg",
        **owned,
    )
print(json.dumps({"rows": Upload.objects.count(), "owner": bool(owned)}))
"""

# One round: the page fetched WARMUP times, then RENDERS times timed.
MEASURE = """
import json, statistics, time
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

storage_requests = []
try:
    import botocore.endpoint

    send = botocore.endpoint.Endpoint._send
    def counting(self, request):
        storage_requests.append(request.url)
        return send(self, request)
    botocore.endpoint.Endpoint._send = counting
except ImportError:
    pass

client = Client()
client.force_login(get_user_model().objects.get(username="bench"))

def fetch():
    response = client.get("/")
    if response.status_code != 200:
        raise SystemExit(f"GET / answered {response.status_code}: {response.content[:500]!r}")
    return response.content.decode()

for _ in range(WARMUP):
    fetch()
times = []
for _ in range(RENDERS):
    started = time.perf_counter()
    page = fetch()
    times.append((time.perf_counter() - started) * 1000)
with CaptureQueriesContext(connection) as queries:
    page = fetch()
print(json.dumps({
    "times": times,
    "rows": page.count("<time datetime="),
    "signed_urls": page.count("X-Amz-Signature"),
    "media_links": page.count("/media-files/"),
    "storage_urls": page.count(ENDPOINT),
    "queries": len(queries),
    "page_bytes": len(page.encode()),
    "storage_requests": len(storage_requests),
}))
"""


class BenchError(Exception):
    """A step that must work for the figures to mean anything failed."""


def run(command, cwd, env=None, what="", timeout=600):
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if result.returncode:
        raise BenchError(
            f"{what} failed (exit {result.returncode}):\n{result.stdout[-3000:]}"
            f"{result.stderr[-3000:]}"
        )
    return result.stdout


def last_json(output, what):
    try:
        return json.loads(output.strip().splitlines()[-1])
    except (IndexError, ValueError) as error:
        raise BenchError(f"{what} printed no JSON line:\n{output[-3000:]}") from error


class Bake:
    """A baked project, its virtualenv and its environment."""

    def __init__(self, workdir, media_access):
        self.media_access = media_access
        out = workdir / media_access
        run(
            [
                sys.executable, "-m", "cookiecutter", "--no-input", "-o", out, TEMPLATE_DIR,
                "storage_provider=s3-compatible", f"media_access={media_access}",
                "static_storage=whitenoise", "project_slug=proj",
            ],
            cwd=workdir, what=f"baking the media_access={media_access} project",
        )  # fmt: skip
        self.root = out / "proj"
        if not (self.root / "manage.py").is_file():
            raise BenchError(f"baking media_access={media_access} made no {self.root}/manage.py")
        try:
            self.venv = project_venv(self.root)
        except (subprocess.CalledProcessError, RuntimeError) as error:
            raise BenchError(f"the project's virtualenv could not be made: {error}") from error
        self.env = clean_env(
            ENV_FILE=str(out / "no.env"),  # the bake's .env (DEBUG=True) is not read
            DJANGO_SETTINGS_MODULE="config.settings",
            SECRET_KEY="bench-private-pages-" + "x" * 40,
            ALLOWED_HOSTS="testserver",
            DATABASE_URL=f"sqlite:///{out / 'db.sqlite3'}",
            DEBUG="False",
            SECURE_SSL_REDIRECT="False",
            MEDIA_STORAGE_URL=MEDIA_STORAGE_URL,
            LOG_LEVEL="WARNING",
        )

    def manage(self, *args, what):
        return run(
            [self.venv / "bin" / "python", "manage.py", *args],
            cwd=self.root, env=self.env, what=f"{what} (media_access={self.media_access})",
        )  # fmt: skip

    def shell(self, script, what):
        return last_json(self.manage("shell", "-c", script, what=what), what)


def figures(values):
    return {
        "median_ms": statistics.median(values),
        "p90_ms": statistics.quantiles(values, n=10)[-1],
        "min_ms": min(values),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--renders", type=int, default=200, help="timed renders per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per project")
    parser.add_argument("--keep", action="store_true", help="keep the bakes and databases")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-private-pages-"))
    try:
        bakes = {}
        for media_access in ("public", "private"):
            bake = Bake(workdir, media_access)
            # DEBUG is off: whitenoise's manifest must exist for {% static %}.
            bake.manage("collectstatic", "--noinput", what="collectstatic")
            setup = bake.shell(f"ROWS = {args.rows}\n" + SETUP, "the database's setup")
            if setup["rows"] != args.rows:
                raise BenchError(f"{media_access}: {setup['rows']} rows, not {args.rows}")
            bakes[media_access] = bake

        script = (
            f"WARMUP = {args.warmup}\nRENDERS = {args.renders}\nENDPOINT = {ENDPOINT!r}\n" + MEASURE
        )
        runs = {media_access: [] for media_access in bakes}
        for _ in range(args.rounds):
            for media_access, bake in bakes.items():
                runs[media_access].append(bake.shell(script, "the page's measure"))

        results = {}
        for media_access, rounds in runs.items():
            last = rounds[-1]
            if last["rows"] != args.rows:
                raise BenchError(f"{media_access}: the page shows {last['rows']} rows")
            times = [time for one in rounds for time in one["times"]]
            results[media_access] = {
                "media_access": media_access,
                **{key: round(value, 3) for key, value in figures(times).items()},
                "round_medians_ms": [round(statistics.median(one["times"]), 3) for one in rounds],
                "renders": len(times),
                **{key: value for key, value in last.items() if key != "times"},
                "storage_requests": sum(one["storage_requests"] for one in rounds),
            }
            print(json.dumps(results[media_access]))

        print()
        print(
            f"List page (/) with {args.rows} uploads, s3-compatible, in-process "
            f"(django.test.Client, logged in): {args.rounds} rounds x {args.renders} timed "
            f"renders after {args.warmup} warm-up, per project"
        )
        header = (
            f"{'media':<8} {'median ms':>9} {'p90 ms':>7} {'min ms':>7} {'signed URLs':>11} "
            f"{'/media-files/ links':>19} {'storage URLs':>12} {'queries':>7} "
            f"{'storage requests':>16}"
        )
        print(header)
        for result in results.values():
            print(
                f"{result['media_access']:<8} {result['median_ms']:>9.2f} "
                f"{result['p90_ms']:>7.2f} {result['min_ms']:>7.2f} "
                f"{result['signed_urls']:>11} {result['media_links']:>19} "
                f"{result['storage_urls']:>12} {result['queries']:>7} "
                f"{result['storage_requests']:>16}"
            )
        ratio = results["private"]["median_ms"] / results["public"]["median_ms"]
        verdict = "target met" if ratio <= TARGET else "target missed"
        print(f"private / public, median per render: {ratio:.2f}x (target <= {TARGET}x): {verdict}")
    except BenchError as error:
        print(f"tests/families/s3/bench/private_pages.py: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        if args.keep:
            print(json.dumps({"workdir": str(workdir)}))
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
