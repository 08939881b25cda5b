"""A generated project served by its real gunicorn, and a real HTTP admin session.

    with Site(project, env, workers=2, threads=10) as site:
        create_superuser(project, env, "admin", PASSWORD)
        admin = AdminSession(site, "admin", PASSWORD)
        response = admin.add_upload("Report", "report.pdf", data)
        assert response.status_code == 302, admin.form_errors(response)
        pk = admin.created_pk(response)

One AdminSession logs in once and can be used from many threads at the same
time: each thread gets its own requests.Session carrying the same cookies.
"""

import html
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import requests

from tests.helpers import Response, clean_env, free_port, http_get, wait_for_http

PASSWORD = "a long test password 7"
# Where a generated project's private files are linked (mediafiles/access.py).
PRIVATE_LINKS = "/media-files/"


def processes():
    """(pid, parent pid, process group) of every process, read from /proc."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name, in parentheses, may hold spaces: split after it.
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        yield int(stat.parent.name), int(fields[1]), int(fields[2])


def children(pid):
    """The PIDs whose parent is pid."""
    return sorted(child for child, parent, _ in processes() if parent == pid)


class Site:
    """The project's gunicorn (with its gunicorn.conf.py) on a free loopback port."""

    def __init__(self, project, env, workers=2, threads=10, log_path=None, timeout=60):
        self.project, self.env, self.workers = project, env, workers
        self.port = free_port()
        if log_path is None:
            handle, log_path = tempfile.mkstemp(prefix="gunicorn-", suffix=".log")
            os.close(handle)
        self.log_path = Path(log_path)
        command = [
            project.venv / "bin" / "gunicorn", "--config", "gunicorn.conf.py",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--threads", str(threads),
        ]  # fmt: skip
        with open(self.log_path, "ab") as log:
            # A session of its own: stop() can end the master and workers as one group.
            self.process = subprocess.Popen(
                command,
                cwd=project.root,
                env=clean_env(**env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self.wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def wait_until_ready(self, timeout):
        deadline = time.monotonic() + timeout
        try:
            status = wait_for_http(self.url("/healthz"), timeout=timeout, process=self.process)
            assert status == 200, f"/healthz answered {status}"
            while len(self.worker_pids()) < self.workers:
                assert time.monotonic() < deadline, f"fewer than {self.workers} workers"
                time.sleep(0.1)
        except (AssertionError, OSError, RuntimeError) as error:
            raise RuntimeError(f"gunicorn did not start: {error}\n{self.log_tail()}") from error

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def absolute(self, url):
        """A URL from a page, made absolute (local media are served by the site)."""
        return url if "://" in url else self.url(url)

    def worker_pids(self):
        return children(self.process.pid)

    def log_tail(self, lines=60):
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace=3):
        """SIGQUIT (gunicorn's quick stop: a test's requests are over), then SIGKILL
        to the whole group (a worker may wait for its idle threads)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        # Workers stuck on a request (e.g. on a frozen storage) may outlive the master:
        # whatever is left of its process group (the master's own session) is killed.
        for pid, _, group in processes():
            if group == self.process.pid:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def create_superuser(project, env, username="admin", password=PASSWORD):
    result = project.manage(
        "createsuperuser", "--noinput", "--username", username,
        "--email", f"{username}@example.com",
        env={**env, "DJANGO_SUPERUSER_PASSWORD": password},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@dataclass(frozen=True)
class AdminModel:
    """A model as its admin add form and its table show it: the admin's path, the
    table, and its title, file and image columns (the form's field names)."""

    path: str
    table: str
    title: str
    file: str
    image: str


# The sample app's Upload, and the model a developer adds (tests/developer_app.py).
UPLOAD = AdminModel("/admin/uploads/upload/", "uploads_upload", "title", "file", "image")
PROFILE = AdminModel("/admin/profiles/profile/", "profiles_profile", "name", "cv", "avatar")


def rows(env, model=UPLOAD):
    """Every row of the model, by pk: [{pk, title, file, image}] (file and image None
    when empty), read straight from the PostgreSQL database that env's
    DATABASE_URL names."""
    query = f"SELECT id, {model.title}, {model.file}, {model.image} FROM {model.table} ORDER BY id"
    with psycopg.connect(env["DATABASE_URL"], connect_timeout=30) as database:
        found = database.execute(query).fetchall()
    return [
        {"pk": pk, "title": title, "file": file or None, "image": image or None}
        for pk, title, file, image in found
    ]


def log_in(site, path, username, password, next_path, timeout):
    """Log in through the login form at path; the requests.Session that holds the session."""
    http = requests.Session()
    page = http.get(site.url(path), timeout=timeout)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, f"login page: {page.status_code}\n{site.log_tail()}"
    form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
    response = http.post(
        site.url(path), data={**form, "next": next_path}, allow_redirects=False, timeout=timeout
    )
    assert response.status_code == 302, AdminSession.form_errors(response) or response.text[:2000]
    assert "sessionid" in http.cookies.get_dict(), http.cookies.get_dict()
    return http


class ErrorLists(HTMLParser):
    """Messages of every <ul class="errorlist">, by field name ("__all__" if none)."""

    def __init__(self):
        super().__init__()
        self.errors, self.field, self.item = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and "errorlist" in (attrs.get("class") or "").split():
            # Django renders a field's list with id="id_<field>_error".
            match = re.fullmatch(r"id_(.+)_error", attrs.get("id") or "")
            self.field = match.group(1) if match else "__all__"
        elif tag == "li" and self.field is not None:
            self.item = []

    def handle_data(self, data):
        if self.item is not None:
            self.item.append(data)

    def handle_endtag(self, tag):
        if tag == "li" and self.item is not None:
            self.errors.setdefault(self.field, []).append("".join(self.item).strip())
            self.item = None
        elif tag == "ul":
            self.field = None


class AdminSession:
    """A logged-in admin over real HTTP, adding and changing rows of one model (the
    sample's Upload unless told); safe to share between threads."""

    def __init__(
        self, site, username="admin", password=PASSWORD, cookies=None, timeout=180, model=UPLOAD
    ):
        self.site, self.timeout, self.model = site, timeout, model
        self.UPLOADS = model.path
        self.local = threading.local()
        self.cookies = dict(cookies) if cookies else self.log_in(username, password)

    def log_in(self, username, password):
        """Log in through the admin's login form; return the session's cookies."""
        http = log_in(self.site, "/admin/login/", username, password, "/admin/", self.timeout)
        return http.cookies.get_dict()

    def request(self, method, path, **kwargs):
        """One request with the shared cookies, from this thread's own requests.Session."""
        http = getattr(self.local, "http", None)
        if http is None:
            http = self.local.http = requests.Session()
        # Only the login's cookies: nothing one request sets (e.g. messages) leaks into the next.
        http.cookies.clear()
        http.cookies.update(self.cookies)
        kwargs.setdefault("timeout", self.timeout)
        return http.request(method, self.site.url(path), allow_redirects=False, **kwargs)

    def post(self, path, data, files=None, **kwargs):
        # Django accepts the CSRF cookie's value itself as the form's token.
        data = {**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}
        return self.request("POST", path, data=data, files=files, **kwargs)

    def add_upload(self, title, filename, data, image=None, **kwargs):
        """POST the add form; image is (filename, bytes) or None. 302 when saved.

        It presses "Save and continue editing", so a success redirects to the new
        row's change page (see created_pk).
        """
        files = {self.model.file: (filename, data)}
        if image is not None:
            files[self.model.image] = image
        form = {self.model.title: title, "_continue": "Save and continue editing"}
        return self.post(f"{self.UPLOADS}add/", form, files, **kwargs)

    def change_upload(self, pk, title, file=None, image=None, clear_image=False, **kwargs):
        """POST the change form; file and image are (filename, bytes) or None (kept)."""
        fields = ((self.model.file, file), (self.model.image, image))
        files = {name: value for name, value in fields if value}
        form = {self.model.title: title, "_save": "Save"}
        if clear_image:
            form[f"{self.model.image}-clear"] = "on"  # ClearableFileInput's "Clear" checkbox
        return self.post(f"{self.UPLOADS}{pk}/change/", form, files or None, **kwargs)

    def delete_upload(self, pk, **kwargs):
        """Confirm the delete page; 302 when deleted."""
        return self.post(f"{self.UPLOADS}{pk}/delete/", {"post": "yes"}, **kwargs)

    def created_pk(self, response):
        """The new row's pk, from add_upload's redirect to its change page."""
        assert response.status_code == 302, self.form_errors(response)
        location = response.headers["Location"]
        return int(re.search(rf"{self.UPLOADS}(\d+)/change/", location).group(1))

    def file_links(self, pk):
        """The "Currently:" links of a row's change page, in field order, as absolute
        URLs where they lead this admin: a private file's link of the site gives the
        signed URL it redirects to, or stays itself where the site sends the file
        (adapter.sends_private_files): fetch() then reads it with this session."""
        page = self.request("GET", f"{self.UPLOADS}{pk}/change/")
        assert page.status_code == 200, page.status_code
        links = re.findall(r'Currently: <a href="([^"]+)"', page.text)
        return [self.handed_out(html.unescape(url)) for url in links]

    def handed_out(self, url):
        """Where a URL of a page leads this admin (see file_links)."""
        if not url.startswith(PRIVATE_LINKS):
            return self.site.absolute(url)
        response = self.request("GET", url, stream=True)
        response.close()
        if response.status_code == 302:
            return self.site.absolute(response.headers["Location"])
        assert response.status_code == 200, (url, response.status_code)
        return self.site.url(url)

    def fetch(self, url):
        """GET a URL as this admin's browser would: a Response (tests/helpers.py). The
        site's own URLs are asked with the session, and a redirect is followed once."""
        if not url.startswith(self.site.url("/")):
            return http_get(url)
        response = self.request("GET", url[len(self.site.url("")) :])
        if response.status_code == 302:
            return http_get(self.site.absolute(response.headers["Location"]))
        headers = {key.lower(): value for key, value in response.headers.items()}
        return Response(response.status_code, headers, response.content)

    @staticmethod
    def form_errors(response):
        """The error messages an admin page shows: {field name or "__all__": [messages]}."""
        parser = ErrorLists()
        parser.feed(response.text)
        return parser.errors
