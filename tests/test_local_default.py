"""Every provider's project runs with no service at all, as its README's "Run it
locally" says, and one line of .env moves the next uploads to the real server.

The generated .env is used as it is: DEBUG on, media on local disk. The commands
are the README's (migrate, createsuperuser, runserver), in a copy of the baked
project, with the project's own virtual environment.
"""

import re
import shutil
import subprocess
import tempfile

import pytest

from tests.families import LOCAL_RUNS, case
from tests.helpers import Project, clean_env, free_port, http_get, png, wait_for_http
from tests.site import AdminSession, create_superuser

pytestmark = pytest.mark.slow

# One variant per family (each family module's LOCAL_RUN); static files on the bucket
# where a family has them, so the admin's CSS comes from local disk in place of the
# bucket as well.
VARIANTS = [case(adapter_id) for adapter_id in LOCAL_RUNS]


class RunServer:
    """`python manage.py runserver` on a free port, as the README runs it."""

    def __init__(self, project):
        self.project, self.port = project, free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
        self.process = subprocess.Popen(
            [project.venv / "bin" / "python", "manage.py", "runserver", "--noreload",
             f"127.0.0.1:{self.port}"],
            cwd=project.root, env=clean_env(), stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for_http(self.url("/healthz"), timeout=120, process=self.process)

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def absolute(self, url):
        return url if "://" in url else self.url(url)

    def log_tail(self, lines=40):
        self.log.seek(0)
        return "\n".join(self.log.read().decode(errors="replace").splitlines()[-lines:])

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def fresh_copy(project, tmp_path):
    """The baked project as generated (its .env included), in a directory of its own."""
    root = tmp_path / project.root.name
    shutil.copytree(project.root, root, ignore=shutil.ignore_patterns("db.sqlite3", "media"))
    return Project(root, project.venv, project.answers)


def uploaded(project):
    """The files uploaded to ./media (their thumbnails aside)."""
    media = project.root / "media"
    return sorted(
        path
        for path in media.rglob("*")
        if path.is_file() and path.relative_to(media).parts[0] != "thumbnails"
    )


def use_line(env_file, name, value):
    """Give NAME this value in a .env file, as a person edits it: in place of its
    active line, or of its commented one (or added at the end)."""
    text = env_file.read_text()
    for pattern in (rf"^{name}=.*$", rf"^#{name}=.*$"):
        text, count = re.subn(pattern, lambda _: f"{name}={value}", text, flags=re.MULTILINE)
        if count:
            assert count == 1, text
            break
    else:
        text += f"{name}={value}\n"
    env_file.write_text(text)


@pytest.mark.parametrize("adapter", VARIANTS, indirect=True)
def test_the_readme_runs_with_no_service_and_one_line_moves_uploads(projects, adapter, tmp_path):
    project = fresh_copy(projects(**adapter.answers), tmp_path)
    env_file = project.root / ".env"
    assert re.search(r"^MEDIA_STORAGE_URL=file:media$", env_file.read_text(), re.MULTILINE)
    # No storage variable comes from anywhere but .env: clean_env passes none.
    project.migrate({})
    create_superuser(project, {})

    with RunServer(project) as site:
        admin = AdminSession(site)
        login = http_get(site.url("/admin/login/"))
        stylesheet = re.search(r'href="([^"]+\.css)"', login.body.decode()).group(1)
        css = http_get(site.url(stylesheet))
        local = admin.created_pk(
            admin.add_upload("On local disk", "notes ü.txt", b"kept", image=("a.png", png()))
        )
        file_url, image_url = admin.file_links(local)
        image_served = admin.fetch(image_url)
        served = admin.fetch(file_url)

    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    assert served.status == 200 and served.body == b"kept"
    # The image as stored: re-encoded without its metadata (mediafiles/images.py).
    assert image_served.status == 200 and image_served.body.startswith(b"\x89PNG")
    stored = uploaded(project)
    assert sorted(path.name for path in stored) == ["a.png", "notes_ü.txt"]  # Django: no spaces
    assert adapter.media_objects() == {}

    # The one-line switch: the storage's URL in place of file:media (the test's
    # server stands in for the emulator or the cloud account the README names).
    for name, value in adapter.storage_env().items():
        # Private media with a bucket of their own also name the public one for static files.
        use_line(env_file, name, value)
    if adapter.provisions:
        result = project.manage("ensure_storage", env={})
        assert result.returncode == 0, result.stdout + result.stderr
    with RunServer(project) as site:
        admin = AdminSession(site)
        remote = admin.created_pk(admin.add_upload("In the cloud", "cloud.txt", b"sent away"))
        (cloud_url,) = admin.file_links(remote)
        served = admin.fetch(cloud_url)

    assert served.status == 200 and served.body == b"sent away"
    assert list(adapter.media_objects().values()) == [b"sent away"]
    assert uploaded(project) == stored
