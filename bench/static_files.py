"""collectstatic to the bucket of each family whose static storage is the project's
ListedStatic, on that family's emulator; prints figures, asserts nothing.

    .venv/bin/python bench/static_files.py   (after ./scripts/test has made .venv)

The families come from the registry (cookiecutter.json), each measured with its
adapter's server (tests/families/: adapter.listed_static). For a generated project
of each, with static files on the bucket: a full collectstatic of the admin and the
project, then a rerun with nothing changed, each counted in HTTP requests (at the
requests session the SDKs send through) and seconds. Beside it, the yardstick: the
same runs with plain `ManifestFilesMixin` over the same backend, as Django and
django-storages give it, under another prefix of the same bucket.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cookiecutter.main import cookiecutter  # noqa: E402

from tests.families import MAIN_VARIANTS, adapter_for, providers_of  # noqa: E402
from tests.helpers import TEMPLATE_DIR, clean_env, project_venv  # noqa: E402

# Each measured family's first provider, from the registry.
PROVIDERS = {
    adapter.family: providers_of(adapter.family)[0]
    for adapter in MAIN_VARIANTS
    if adapter.listed_static
}

COUNT_REQUESTS = """
import time, requests
from collections import Counter
sent = []
send = requests.Session.send
def counting(self, request, **kwargs):
    sent.append(request.method)
    return send(self, request, **kwargs)
requests.Session.send = counting
from django.core.management import call_command
started = time.monotonic()
call_command("collectstatic", interactive=False, verbosity=0)
methods = ", ".join(f"{count} {method}" for method, count in Counter(sent).most_common())
print(f"RESULT {time.monotonic() - started:5.2f} s {len(sent):5d} requests ({methods})")
"""

# The yardstick's storage: the project's StaticStorage without ListedStatic.
PLAIN_STORAGE = """
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import FileSystemStorage

from mediafiles.backends import StaticStorage


class PlainStaticStorage(ManifestFilesMixin, StaticStorage.__bases__[-1]):
    def __init__(self, **options):
        manifest = FileSystemStorage(location=f"{settings.STATIC_MANIFEST_ROOT}-plain")
        super().__init__(manifest_storage=manifest, **options)
"""
PLAIN_SETTINGS = """
from config.settings import *  # noqa: F403

STORAGES["staticfiles"] = {  # noqa: F405
    **STORAGES["staticfiles"],  # noqa: F405
    "BACKEND": "bench_plain_storage.PlainStaticStorage",
}
"""


def run(venv, root, env, *args):
    result = subprocess.run(
        [venv / "bin" / "python", "manage.py", *args],
        cwd=root, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        raise RuntimeError(result.stdout + result.stderr)
    return result.stdout


def main():
    workdir = Path(tempfile.mkdtemp(prefix="bench-static-"))
    try:
        print("collectstatic of the admin and the project: seconds and HTTP requests")
        for family, provider in PROVIDERS.items():
            adapter = adapter_for(provider, "public", "bucket").start(workdir / f"{family}-server")
            try:
                root = Path(
                    cookiecutter(
                        str(TEMPLATE_DIR), no_input=True, output_dir=str(workdir / family),
                        extra_context={
                            "storage_provider": provider, "static_storage": "bucket",
                            "media_access": "public", "use_heroku": False, "use_docker": False,
                        },
                    )
                )  # fmt: skip
                venv = project_venv(root)
                (root / "bench_plain_storage.py").write_text(PLAIN_STORAGE)
                (root / "bench_plain_settings.py").write_text(PLAIN_SETTINGS)
                env = clean_env(
                    ENV_FILE=str(root / ".env.example"),
                    DATABASE_URL=f"sqlite:///{root / 'db.sqlite3'}",
                    SECURE_SSL_REDIRECT="False",
                    MEDIA_STORAGE_URL=adapter.storage_url("bench-media", "media"),
                    STATIC_STORAGE_URL=adapter.storage_url("bench-media", "static"),
                )
                run(venv, root, env, "ensure_storage")
                plain_env = {
                    **env,
                    "DJANGO_SETTINGS_MODULE": "bench_plain_settings",
                    "STATIC_STORAGE_URL": adapter.storage_url("bench-media", "static-plain"),
                }
                for label, run_env in (
                    ("project: ListedStatic", env),
                    ("plain ManifestFilesMixin", plain_env),
                ):
                    for step in ("full run", "no-op rerun"):
                        out = run(venv, root, run_env, "shell", "-c", COUNT_REQUESTS)
                        result = out.strip().splitlines()[-1].removeprefix("RESULT ")
                        print(f"  {family:5s} {label:25s} {step:11s} {result}")
            finally:
                adapter.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
