"""Prove that a storage works the way the site uses it, before a user finds out it does not.

    python manage.py storage_check [--storage default] [--base-url https://example.com]

Each step prints one line with its duration:

    write     ok          41 ms  storage-check/k3v9x0qa7hw2mz4c/probe.txt
    read      ok           9 ms  87 bytes, as written
    url       ok           1 ms  https://.../storage-check/k3v9x0qa7hw2mz4c/probe.txt
    fetch     ok          23 ms  200, 87 bytes, as written
    unsigned  skipped            the URL carries no signature
    delete    ok          11 ms
    gone      ok           6 ms

- write: a small probe file with unique contents, saved under storage-check/
  through the storage API; read: read back, byte for byte; url: its URL, as
  pages link it;
- fetch: that URL over HTTP, as a browser would (no credentials): it must answer
  200 with the probe's bytes. A relative URL (media served by the site itself,
  e.g. /media/...) is fetched from --base-url; without it the fetch is skipped,
  since no site may be running where this command runs;
{%- if cookiecutter.media_access == "public" %}
- unsigned: skipped, since public media's URLs carry no signature;
{%- elif cookiecutter.__family == "filesystem" %}
- unsigned: private media on local disk are sent only through the site's links:
  their folder's URL must be refused (401, 403 or 404): served, it leaks private
  media;
{%- else %}
- unsigned: where URLs are signed (private media), the URL without its signature,
  which must be refused (401, 403 or 404): served, it leaks private media;
{%- endif %}
- delete, then gone: the probe is deleted whatever step failed, and must be gone.

A failure exits non-zero with one line that names the cause. The storage
class contributes what only it knows (mediafiles/abilities.py):

- `diagnose(error)`: the cause of its own errors (unreachable, credentials
  refused, a missing bucket...);
{%- if cookiecutter.media_access == "private" and cookiecutter.__family != "filesystem" %}
- `unsigned_url(url)`: a signed URL without its signature;
{%- endif %}
- `url_fixes`: what to do when a URL is not answered as it should be.
{%- if "ConfirmsDeletion" in cookiecutter.__abilities %}
- `confirm_deleted(name)`: whether a file is gone, where `exists()` cannot tell.
{%- endif %}
"""

import secrets
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime

from django.contrib.staticfiles.storage import HashedFilesMixin
from django.core.files.base import ContentFile
from django.core.files.storage import {{ "FileSystemStorage, " if cookiecutter.media_access == "private" }}InvalidStorageError, storages
from django.core.management.base import BaseCommand, CommandError

from mediafiles import abilities

PROBE_NAME = "storage-check/probe.txt"
{%- if cookiecutter.media_access == "private" %}
# What a URL without its signature must answer: refused, or not found.
REFUSED = {401, 403, 404}
{%- endif %}
MAX_CAUSE = 600


class StepFailed(Exception):
    """A step that failed: its one-line cause."""


class StepSkipped(Exception):
    """A step that cannot run here: why."""


def one_line(text):
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_CAUSE else text[: MAX_CAUSE - 3] + "..."


def network_problem(error):
    """Why a connection failed, in a few words: refused, timed out, name not resolved..."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.gaierror):
        return f"name not resolved: {reason.strerror or reason}"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed: {reason}"
    return str(reason)


def shown(url):
    """A URL for a message: without its query string (a signature: long, and a credential)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(query="")) + ("?..." if parts.query else "")


def origin(url):
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Command(BaseCommand):
    help = (
        "Write, read back, fetch over HTTP and delete a probe file in a storage "
        "(STORAGES['default'] unless --storage names another); exit non-zero naming "
        "the cause when a step fails."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--storage", default="default", help="The STORAGES alias to check (default: default)."
        )
        parser.add_argument(
            "--base-url",
            help=(
                "The site's address, e.g. https://example.com, to fetch relative URLs "
                "(media served by the site itself). Without it their fetch is skipped."
            ),
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=15,
            help="Seconds each HTTP fetch may take (default: 15).",
        )

    def handle(self, *args, **options):
        alias = options["storage"]
        try:
            self.storage = storages[alias]
        except InvalidStorageError as error:
            raise CommandError(error) from error
        self.base_url, self.timeout = options["base_url"], options["timeout"]
        self.failure, self.fetched = None, False
        storage_class = type(self.storage)
        self.stdout.write(
            f"Checking storage {alias!r} ({storage_class.__module__}.{storage_class.__qualname__})"
        )
        probe = (
            f"storage_check probe {secrets.token_hex(16)} "
            f"written {datetime.now(UTC).isoformat(timespec='seconds')}\n"
        ).encode()

        name = self.step("write", lambda: self.write(probe))
        try:
            self.step("read", lambda: self.read(name, probe))
{%- if cookiecutter.media_access == "private" %}
            url, unsigned_url = self.step("url", lambda: self.url(name)) or (None, None)
{%- if cookiecutter.__family == "filesystem" %}
            self.step("fetch", lambda: self.fetch(url, probe))
{%- else %}
            self.step("fetch", lambda: self.fetch(url, unsigned_url, probe))
{%- endif %}
            if self.failure is None and unsigned_url is None:
                self.line("unsigned", "skipped", detail="the URL carries no signature")
            else:
                self.step("unsigned", lambda: self.fetch_unsigned(unsigned_url))
{%- else %}
            url = self.step("url", lambda: self.url(name))
            self.step("fetch", lambda: self.fetch(url, probe))
            # Public media: their URLs carry no signature to take off.
            detail = "" if self.failure else "the URL carries no signature"
            self.line("unsigned", "skipped", detail=detail)
{%- endif %}
        finally:
            left_behind = self.clean_up(name)

        causes = [cause for cause in (self.failure, left_behind) if cause]
        if causes:
            raise CommandError("; ".join(causes))
        proven = "not fetched (see above)"
        if self.fetched:
{%- if cookiecutter.media_access == "private" %}
            proven = "served" + (", and refused without its signature" if unsigned_url else "")
{%- else %}
            proven = "served"
{%- endif %}
        self.stdout.write(
            self.style.SUCCESS(
                f"Storage {alias!r} works: written, read back and deleted; its URL {proven}."
            )
        )

    # The steps: each returns (value, detail) or raises StepFailed / StepSkipped. ----------

    def write(self, probe):
        name = self.storage.save(PROBE_NAME, ContentFile(probe))
        return name, name

    def read(self, name, probe):
        with self.storage.open(name, "rb") as stored:
            data = stored.read()
        if data != probe:
            raise StepFailed(
                f"read back other bytes: {len(data)} bytes, not the {len(probe)} written"
            )
        return data, f"{len(data)} bytes, as written"

    def url(self, name):
{%- if cookiecutter.media_access == "private" %}
        """The URL pages link, and that URL without its signature (None when unsigned)."""
{%- else %}
        """The URL pages link."""
{%- endif %}
        if isinstance(self.storage, HashedFilesMixin):
            # Static files (--storage staticfiles): their url() looks a name up in the
            # manifest of hashed names, which has no probe; the URL of the name itself.
            url = super(HashedFilesMixin, self.storage).url(name)
        else:
            url = self.storage.url(name)
{%- if cookiecutter.media_access == "private" %}
        private = isinstance(self.storage, abilities.PrivateMedia) and self.storage.private
        if isinstance(self.storage, FileSystemStorage) and private:
            # Private media on local disk: the site sends a file only through a link that
            # checks who may read it (mediafiles/access.py); the folder's URL must answer
            # nothing, as an unsigned URL must not.
            return (None, url), f"{url} (private: sent only through the site's links)"
{%- if cookiecutter.__family == "filesystem" %}
        return (url, None), shown(url)
{%- else %}
        # A storage that signs its URLs says how to take the signature off.
        unsigned_url = None
        if isinstance(self.storage, abilities.SignsURLs):
            unsigned_url = self.storage.unsigned_url(url)
        if unsigned_url == url:
            unsigned_url = None
        return (url, unsigned_url), shown(url) + (" (signed)" if unsigned_url else "")
{%- endif %}
{%- else %}
        return url, shown(url)
{%- endif %}
{% if cookiecutter.media_access == "private" and cookiecutter.__family != "filesystem" %}
    def fetch(self, url, unsigned_url, probe):
{%- else %}
    def fetch(self, url, probe):
{%- endif %}
        """GET the URL without credentials: 200 with the probe's bytes."""
{%- if cookiecutter.media_access == "private" %}
        if url is None:
            raise StepSkipped("private media on local disk: the site sends them through its links")
{%- endif %}
        address = self.absolute(url)
        status, body = self.get(address)
        if status == 200 and body == probe:
            self.fetched = True
            return None, f"200, {len(body)} bytes, as written"
        if status == 200:
            raise StepFailed(
                f"URL not served: {shown(address)} answered 200 with {len(body)} other bytes, "
                f"not the {len(probe)} bytes written"
            )
{%- if cookiecutter.media_access == "private" and cookiecutter.__family != "filesystem" %}
        if status in (401, 403) and unsigned_url:
            raise StepFailed(
                f"signed URL refused: {shown(address)} answered {status}: the service does not "
                "accept the signatures this project makes (signing key, clock)"
            )
{%- endif %}
        if status in (401, 403):
            raise StepFailed(
                self.with_fix(
                    "public read blocked",
                    f"{shown(address)} answered {status} to a request without credentials, "
                    "but its URL is a plain public one",
                )
            )
        raise StepFailed(self.with_fix("URL not served", f"{shown(address)} answered {status}"))
{%- if cookiecutter.media_access == "private" %}

    def fetch_unsigned(self, unsigned_url):
        """GET the URL without its signature: it must be refused."""
        address = self.absolute(unsigned_url)
        status, _ = self.get(address)
        if status in REFUSED:
            return None, f"refused with {status}, as private media must be"
        if status == 200:
            raise StepFailed(
                self.with_fix(
                    "private media leak",
                    f"{shown(address)} answered 200 without its signature: anyone can read "
                    "the files that signed URLs should protect",
                )
            )
        raise StepFailed(
            f"unsigned URL not refused: {shown(address)} answered {status}, "
            f"not one of {', '.join(map(str, sorted(REFUSED)))}"
        )
{%- endif %}

    def delete(self, name):
        self.storage.delete(name)
        return None, ""

    def gone(self, name):
{%- if "ConfirmsDeletion" in cookiecutter.__abilities %}
        # A storage whose exists() answers without asking the service offers confirm_deleted().
        if isinstance(self.storage, abilities.ConfirmsDeletion):
            still_there = not self.storage.confirm_deleted(name)
        else:
            still_there = self.storage.exists(name)
        if still_there:
{%- else %}
        if self.storage.exists(name):
{%- endif %}
            raise StepFailed(f"not deleted: {name} is still there after delete()")
        return None, ""

    def clean_up(self, name):
        """Delete the probe and check that it is gone, whatever failed before: the cause
        when the probe may be left behind, else None."""
        if name is None:
            for label in ("delete", "gone"):
                self.line(label, "skipped", detail="nothing was written")
            return None
        earlier, self.failure = self.failure, None
        self.step("delete", lambda: self.delete(name))
        self.step("gone", lambda: self.gone(name))
        left_behind = self.failure and f"the probe {name} may be left behind: {self.failure}"
        self.failure = earlier
        return left_behind

    # Helpers ----------------------------------------------------------------------------

    def step(self, label, action):
        """Run a step unless an earlier one failed, and print its line: its value or None."""
        if self.failure is not None:
            self.line(label, "skipped")
            return None
        started = time.monotonic()
        try:
            value, detail = action()
        except StepSkipped as skipped:
            self.line(label, "skipped", detail=str(skipped))
            return None
        except Exception as error:
            self.failure = self.cause(error)
            self.line(label, "FAILED", time.monotonic() - started, self.failure)
            return None
        self.line(label, "ok", time.monotonic() - started, detail)
        return value

    def line(self, label, state, seconds=None, detail=""):
        duration = f"{seconds * 1000:6.0f} ms" if seconds is not None else " " * 9
        style = {"ok": self.style.SUCCESS, "FAILED": self.style.ERROR}.get(state, str)
        text = f"{label:<9} {style(f'{state:<7}')} {duration}  {detail}".rstrip()
        self.stdout.write(text)

    def cause(self, error):
        """One line that names what is wrong: the storage's own diagnosis when it has one."""
        if isinstance(error, StepFailed):
            return one_line(error)
        cause = None
        if isinstance(self.storage, abilities.Diagnoses):
            cause = self.storage.diagnose(error)
        return one_line(cause or f"{type(error).__name__}: {error}")

    def with_fix(self, kind, detail):
        """`kind: detail`, with what the storage suggests doing about it (its url_fixes)."""
        fixes = self.storage.url_fixes if isinstance(self.storage, abilities.SuggestsFixes) else {}
        fix = fixes.get(kind)
        return f"{kind}: {detail}" + (f"; {fix}" if fix else "")

    def absolute(self, url):
        """An absolute http(s) URL to fetch; StepSkipped for a relative one without --base-url."""
        if not urllib.parse.urlsplit(url).scheme:
            if not self.base_url:
                raise StepSkipped(
                    f"relative URL {url}, served by the site itself: pass "
                    "--base-url http://host (the running site) to fetch it"
                )
            url = urllib.parse.urljoin(self.base_url, url)
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise StepFailed(f"URL not served: {url} is not an http(s) URL")
        return url

    def get(self, url):
        """(status, body) of a GET without credentials; StepFailed when nothing answers."""
        # Only http(s) URLs get here (see absolute).
        request = urllib.request.Request(url, headers={"User-Agent": "storage_check"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read()
        except OSError as error:  # URLError, refused, timed out, TLS...
            raise StepFailed(
                f"unreachable: {origin(url)} ({network_problem(error)}) while fetching {shown(url)}"
            ) from error
