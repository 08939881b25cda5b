"""Benchmarks of the S3 providers against a local SeaweedFS; prints figures, asserts nothing.

    .venv/bin/python tests/families/s3/bench/s3.py [--size-mb 256]
        (after ./scripts/test has made .venv)

1. A large upload through the generated project's admin, served by gunicorn, beside a
   raw boto3 upload_file of the same file to the same server: MB/s, the CPU seconds of
   each side, and the growth of the gunicorn worker's peak RSS. Twice: with the server
   on a CPU of its own (in production the storage is another machine; the target is
   judged here), then with everything sharing the CPUs, where the server's own work
   (most of the CPU time) and the extra HTTP hop of the admin (curl to gunicorn) compete
   with the upload for the same cores.
2. collectstatic of the admin to the bucket, full run and no-op rerun: seconds and S3
   requests, with the project's Collectfasta set-up and with plain S3ManifestStaticStorage.
3. A public media url(): microseconds per call for the project's media storage, for
   django-storages' S3Storage with the same options (botocore builds each URL), and for
   S3Storage with a custom domain (a plain string format), the yardstick.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))

from cookiecutter.main import cookiecutter  # noqa: E402

from tests.families.s3.server import start_seaweedfs  # noqa: E402
from tests.helpers import TEMPLATE_DIR, clean_env, free_port, project_venv, wait_for_http  # noqa: E402
from tests.servers import stop  # noqa: E402

MIB = 1024 * 1024


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


class PeakRSS(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, rss_kib(pid), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.02)


def bake(workdir, **answers):
    path = cookiecutter(
        str(TEMPLATE_DIR), no_input=True, output_dir=str(workdir), extra_context=answers
    )
    return Path(path)


def project_env(root, server, db):
    return clean_env(
        ENV_FILE=str(root / ".env.example"),
        ALLOWED_HOSTS="127.0.0.1,testserver",
        DATABASE_URL=f"sqlite:///{db}",
        SECURE_SSL_REDIRECT="False",
        MEDIA_STORAGE_URL=storage_url(server),
        STATIC_STORAGE_URL=storage_url(server, prefix="static"),
    )


def storage_url(server, *options, prefix="media"):
    """The project's storage URL of the server's public bucket (options: more query)."""
    key, secret = quote(server.access_key, safe=""), quote(server.secret_key, safe="")
    query = "&".join([f"endpoint={server.endpoint}", "addressing_style=path", *options])
    return f"s3://{key}:{secret}@{server.public_bucket}/{prefix}?{query}"


def run(venv, root, env, *args):
    result = subprocess.run(
        [venv / "bin" / args[0], *args[1:]], cwd=root, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(result.stdout + result.stderr)
    return result.stdout


def cpu_seconds(pid):
    """User and system CPU time of a process so far, its waited-for children included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def tree(pid):
    """A process and its descendants."""
    pids = [pid]
    for child in children(pid):
        pids += tree(child)
    return pids


def pin(pids, cpus):
    """Run every thread of these processes on these CPUs (threads started later inherit)."""
    for pid in pids:
        for task in os.listdir(f"/proc/{pid}/task"):
            with suppress(ProcessLookupError):  # a thread that just ended
                os.sched_setaffinity(int(task), cpus)


def upload_benchmark(venv, root, env, server, size_mb, workdir, rounds=5):
    big = workdir / "big.bin"
    with big.open("wb") as out:
        for _ in range(size_mb):
            out.write(os.urandom(MIB))
    client = server.client()

    # The release phase: migrations and static files, then an admin account.
    run(venv, root, env, "python", "manage.py", "migrate", "--noinput")
    run(venv, root, env, "python", "manage.py", "collectstatic", "--noinput")
    create_admin = (
        "from django.contrib.auth.models import User; "
        "User.objects.create_superuser('bench', 'bench@example.com', 'bench-password-123')"
    )
    run(venv, root, env, "python", "manage.py", "shell", "-c", create_admin)
    port = free_port()
    gunicorn = subprocess.Popen(
        [venv / "bin" / "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--timeout", "600", "--access-logfile", "/dev/null"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/healthz", process=gunicorn)
        jar = workdir / "cookies.txt"
        curl = ["curl", "-sS", "-b", str(jar), "-c", str(jar)]

        def csrf_of(page):
            html = subprocess.run([*curl, f"{base}{page}"], capture_output=True, text=True).stdout
            return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

        subprocess.run(
            [*curl, "-o", "/dev/null", "-e", f"{base}/admin/login/",
             "-d", f"csrfmiddlewaretoken={csrf_of('/admin/login/')}",
             "-d", "username=bench", "-d", "password=bench-password-123",
             f"{base}/admin/login/?next=/admin/"],
            check=True,
        )  # fmt: skip

        def post_upload(path, title, token):
            """POST the add form (the form's page, fetched before, gave the token)."""
            return subprocess.run(
                [*curl, "-o", "/dev/null", "-w", "%{http_code}", "-e", f"{base}/admin/",
                 "-F", f"csrfmiddlewaretoken={token}", "-F", f"title={title}",
                 "-F", f"file=@{path}", f"{base}/admin/uploads/upload/add/"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip

        # Warm-ups: the worker builds its boto3 client and thread pool and imports
        # the multipart code once, not per upload (a 24 MiB file goes up in parts),
        # and the raw client makes its first connections.
        warm = workdir / "warm-up.bin"
        warm.write_bytes(os.urandom(24 * MIB))
        assert post_upload(warm, "Warm-up", csrf_of("/admin/uploads/upload/add/")) == "302"
        client.upload_file(str(warm), server.public_bucket, "bench/warm-up.bin")
        worker = children(gunicorn.pid)[0]
        baseline = rss_kib(worker)

        def measure(label):
            """Alternate the two uploads, so that whatever else the machine does
            hits both alike; the CPU seconds of each side say where the time went."""
            raw_times, app_times, peaks, after = [], [], [], []
            raw_cpu, app_cpu = [], []
            for round_ in range(rounds):
                server_before, own_before = cpu_seconds(server.process.pid), os.times()
                started = time.monotonic()
                client.upload_file(str(big), server.public_bucket, f"bench/raw-{label}{round_}.bin")
                raw_times.append(time.monotonic() - started)
                own_after = os.times()
                raw_cpu.append((
                    cpu_seconds(server.process.pid) - server_before,
                    own_after.user + own_after.system - own_before.user - own_before.system,
                ))  # fmt: skip

                sampler = PeakRSS(worker)
                sampler.start()
                token = csrf_of("/admin/uploads/upload/add/")
                server_before, worker_before = cpu_seconds(server.process.pid), cpu_seconds(worker)
                curl_before = os.times()
                started = time.monotonic()
                status = post_upload(big, f"Big {label} {round_}", token)
                app_times.append(time.monotonic() - started)
                sampler.running = False
                sampler.join()
                curl_after = os.times()
                app_cpu.append((
                    cpu_seconds(server.process.pid) - server_before,
                    cpu_seconds(worker) - worker_before,
                    curl_after.children_user + curl_after.children_system
                    - curl_before.children_user - curl_before.children_system,
                ))  # fmt: skip
                if status != "302":
                    raise RuntimeError(f"upload answered {status}")
                peaks.append(sampler.peak - baseline)
                after.append(rss_kib(worker) - baseline)
            raw, app = statistics.median(raw_times), statistics.median(app_times)
            raw_cpu = [statistics.median(each) for each in zip(*raw_cpu, strict=True)]
            app_cpu = [statistics.median(each) for each in zip(*app_cpu, strict=True)]
            print(f"  raw boto3 upload_file           {raw:6.2f} s  {size_mb / raw:7.1f} MiB/s"
                  f"   CPU s: server {raw_cpu[0]:.2f}, boto3 {raw_cpu[1]:.2f}")  # fmt: skip
            print(f"  admin upload through gunicorn   {app:6.2f} s  {size_mb / app:7.1f} MiB/s"
                  f"   CPU s: server {app_cpu[0]:.2f}, worker {app_cpu[1]:.2f}, "
                  f"curl {app_cpu[2]:.2f}")  # fmt: skip
            print(
                f"  {raw / app:.2f}x raw (rounds: "
                f"{', '.join(f'{r / a:.2f}' for r, a in zip(raw_times, app_times, strict=True))})"
            )
            return raw / app, peaks, after

        cpus = sorted(os.sched_getaffinity(0))
        mine = [os.getpid(), *tree(gunicorn.pid)]
        print(f"\nUpload of {size_mb} MiB to SeaweedFS on loopback "
              f"(median of {rounds}, raw and admin alternating)")  # fmt: skip
        results = {}
        if len(cpus) >= 2:
            # In production the storage is another machine: the server gets a CPU
            # the app, the client and boto3 do not use (the same for both uploads).
            pin(tree(server.process.pid), cpus[-1:])
            pin(mine, cpus[:-1])
            print(
                f"- the storage on a CPU of its own, as another machine would be "
                f"(server: CPU {cpus[-1]}; app, curl and raw boto3: the other {len(cpus) - 1})"
            )
            results["own"] = measure("own")
            pin(tree(server.process.pid), cpus)
            pin(mine, cpus)
        else:
            print("- the storage on a CPU of its own: not measured, this machine has one CPU")
        print(f"- everything sharing the {len(cpus)} CPUs: the server's work sets the pace of both")
        results["shared"] = measure("shared")
        listing = client.list_objects_v2(Bucket=server.public_bucket, Prefix="media/")
        stored = [item for item in listing["Contents"] if item["Key"].endswith("big.bin")]
        assert len(stored) == rounds * len(results)
        assert all(item["Size"] == big.stat().st_size for item in stored)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    judged = results.get("own", results["shared"])
    peaks = [kib for _, each, _ in results.values() for kib in each]
    after = [kib for _, _, each in results.values() for kib in each]
    print(f"  target: >= 0.95x raw with the storage on a CPU of its own: {judged[0]:.2f}x")
    print(
        f"  gunicorn worker RSS {baseline / 1024:.1f} MiB after warm-up; peak growth "
        f"{max(peaks) / 1024:.1f} MiB (target <= 32 MiB), held after each request: "
        f"{', '.join(f'{kib / 1024:.1f}' for kib in after)} MiB (target: given back)"
    )


COUNT_REQUESTS = """
import sys, time, botocore.client
calls = []
original = botocore.client.BaseClient._make_api_call
def counting(self, operation, params):
    calls.append(operation)
    return original(self, operation, params)
botocore.client.BaseClient._make_api_call = counting
from django.core.management import call_command
started = time.monotonic()
call_command("collectstatic", interactive=False, verbosity=0)
print(f"{time.monotonic() - started:.2f} {len(calls)}")
"""


def collectstatic_benchmark(venv, root, env, server):
    client = server.client()
    print("\ncollectstatic of the admin and the project (seconds, S3 requests)")
    for label, extra in (
        ("project: S3ManifestStaticStorage + Collectfasta", {}),
        ("plain S3ManifestStaticStorage", {"COLLECTFASTA_ENABLED": "False"}),
    ):
        listing = client.list_objects_v2(Bucket=server.public_bucket, Prefix="static/")
        for item in listing.get("Contents", []):
            client.delete_object(Bucket=server.public_bucket, Key=item["Key"])
        runs = []
        run_env = env
        if extra:
            # Collectfasta reads its switch when Django starts: a settings module of
            # the bench's own turns it off.
            (root / "bench_plain_settings.py").write_text(
                "from config.settings import *  # noqa: F403\nCOLLECTFASTA_ENABLED = False\n"
            )
            run_env = {**env, "DJANGO_SETTINGS_MODULE": "bench_plain_settings"}
        for _ in ("full", "rerun"):
            out = run(venv, root, run_env, "python", "manage.py", "shell", "-c", COUNT_REQUESTS)
            seconds, calls = out.strip().splitlines()[-1].split()
            runs.append(f"{float(seconds):5.2f} s {int(calls):4d} requests")
        print(f"  {label:48s} full {runs[0]} | no-op rerun {runs[1]}")
    print("  target for the project's no-op rerun: <= 1 s and <= 5 requests")


URL_TIMES = """
import json, time
from django.conf import settings
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage
names = [f"uploads/2026/05/k3v9x0qa7hw2mz4c/photo {i}.png" for i in range(2000)]
def per_call(storage):
    storage.url(names[0])
    best = float("inf")
    for _ in range(7):
        started = time.perf_counter()
        for name in names:
            storage.url(name)
        best = min(best, (time.perf_counter() - started) / len(names))
    return best * 1e6
options = settings.STORAGES["default"]["OPTIONS"]
print(json.dumps({
    "project": per_call(default_storage),
    "botocore": per_call(S3Storage(**options)),
    "custom_domain": per_call(S3Storage(**{**options, "custom_domain": "cdn.example.com"})),
}))
"""


def url_benchmark(venv, root, env):
    out = run(venv, root, env, "python", "manage.py", "shell", "-c", URL_TIMES)
    times = json.loads(out.strip().splitlines()[-1])
    print("\npublic media url(), microseconds per call (best of 7 rounds of 2000 names)")
    print(f"  project's media storage (no custom domain) {times['project']:7.1f} us")
    print(f"  S3Storage, botocore builds the URL         {times['botocore']:7.1f} us")
    print(f"  S3Storage with a custom domain (yardstick) {times['custom_domain']:7.1f} us")
    ratio = times["project"] / times["custom_domain"]
    print(f"  project / yardstick: {ratio:.2f}x (target <= 3x)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=256)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-s3-"))
    server = start_seaweedfs(workdir / "seaweedfs")
    try:
        root = bake(
            workdir,
            storage_provider="s3-compatible",
            static_storage="bucket",
            media_access="public",
            use_heroku=False,
            use_docker=False,
        )
        venv = project_venv(root)
        env = project_env(root, server, workdir / "db.sqlite3")
        upload_benchmark(venv, root, env, server, args.size_mb, workdir)
        collectstatic_benchmark(venv, root, env, server)
        url_benchmark(venv, root, env)
    finally:
        stop(server.process)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
