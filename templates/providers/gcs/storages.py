{% if cookiecutter.static_storage == "bucket" -%}
"""Where uploaded media and static files are stored (settings.py configures them)."""
{%- else -%}
"""Where uploaded media are stored (settings.py configures them)."""
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}

from datetime import UTC, datetime
{%- endif %}

{% if cookiecutter.static_storage == "bucket" -%}
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
{% endif -%}
from google.api_core.exceptions import (
    Forbidden,
    GoogleAPICallError,
    NotFound,
    RetryError,
    Unauthorized,
)
from google.auth.exceptions import DefaultCredentialsError, RefreshError, TransportError
from google.cloud.storage.retry import DEFAULT_RETRY
from requests.exceptions import ConnectionError as EndpointUnreachable
from requests.exceptions import Timeout
from storages.backends.gcloud import GoogleCloudStorage
from storages.utils import clean_name

from mediafiles import abilities
from mediafiles.storage import (
    CONFIGURATION_STATUSES,
    UniqueNames,
    content_disposition,
    media_type,
)

# Bounded waits: 5 s to connect, 5 s without a byte, retries for 10 s at most. A
# frozen service gives the upload form its error before a platform's router gives
# up on the request (Heroku's, after 30 s).
TIMEOUT = (5, 5)
RETRY = DEFAULT_RETRY.with_timeout(10)
# Uploads larger than this are resumable, in chunks of this size (a multiple of 256 KiB).
COPY_CHUNK_SIZE = 8 * 1024 * 1024


@abilities.declare(
    abilities.Copyable,
    abilities.Diagnoses,
    abilities.RecognizesMisconfiguration,
    abilities.SuggestsFixes,
{%- if cookiecutter.media_access == "private" %}
    abilities.SignsURLs,
{%- endif %}
)
class MediaStorage(UniqueNames, GoogleCloudStorage):
    """django-storages' GoogleCloudStorage with this project's rules for media
    (mediafiles/storage.py), and create-only writes with bounded waits."""

    # What manage.py storage_check suggests when a media URL does not answer as it should.
{%- if cookiecutter.media_access == "public" %}
    url_fixes = {
        "public read blocked": 'grant allUsers the "Storage Object Viewer" role on the bucket',
    }
{%- else %}
    url_fixes = {
        "private media leak": (
            "keep the bucket private: remove allUsers and allAuthenticatedUsers from its "
            "permissions"
        ),
    }
{%- endif %}

    def get_object_parameters(self, name):
        return {
            **super().get_object_parameters(name),
            "content_disposition": content_disposition(name),
        }

    def _save(self, name, content):
        name = clean_name(name)
        self.upload(name, content, content.size, rewind=True)
        return name

    def upload(self, name, stream, size, rewind, chunk_size=None):
        blob = self.bucket.blob(self._normalize_name(name), chunk_size=chunk_size)
        for prop, value in self.get_object_parameters(name).items():
            setattr(blob, prop, value)
        blob.upload_from_file(
            stream,
            rewind=rewind,
            size=size,
            content_type=getattr(stream, "content_type", None) or media_type(name),
            predefined_acl=self.default_acl,
            # Create only: the name is new, and a retried write can never replace a file.
            if_generation_match=0,
            timeout=TIMEOUT,
            retry=RETRY,
        )

    # manage.py copy_media: one listing, streamed reads, writes under the exact name. ----

    def list_sizes(self):
        """Every media file with its size, from one listing (1,000 blobs a request)."""
        prefix = f"{self.location.strip('/')}/" if self.location.strip("/") else ""
        blobs = self.client.list_blobs(
            self.bucket_name,
            prefix=prefix,
            fields="items(name,size),nextPageToken",
            timeout=TIMEOUT,
            retry=RETRY,
        )
        return {
            blob.name[len(prefix) :]: blob.size for blob in blobs if not blob.name.endswith("/")
        }

    def open_stream(self, name):
        blob = self.bucket.blob(self._normalize_name(clean_name(name)))
        return blob.open("rb", chunk_size=COPY_CHUNK_SIZE, timeout=TIMEOUT, retry=RETRY)

    def write_exact(self, name, stream, size):
        """Write under exactly this name, create-only, with the parameters of _save. An
        interrupted resumable upload makes no object (Google discards it after a week)."""
        # Larger files go up in resumable 8 MiB chunks, one in memory at a time.
        self.upload(clean_name(name), stream, size, rewind=False, chunk_size=COPY_CHUNK_SIZE)

    def configuration_problem(self, error):
        """What is wrong with the set-up when no retry can mend this error, else None."""
        if isinstance(error, (DefaultCredentialsError, RefreshError)):
            return str(error)
        if isinstance(error, GoogleAPICallError) and error.code in CONFIGURATION_STATUSES:
            return f"{error.code}: {error.message}"
        return None

    def diagnose(self, error):
        """The cause of a failed call to the bucket, in one line (manage.py storage_check)."""
        if isinstance(error, RetryError) and error.cause is not None:
            error = error.cause  # retried until the deadline: the last attempt's error
        if isinstance(error, (EndpointUnreachable, Timeout, TransportError)):
            # requests wraps urllib3's error, whose reason is the connection's own.
            reason = getattr(error.args[0], "reason", None) if error.args else None
            return f"unreachable: {self.client.api_endpoint}: {reason or error}"
        if isinstance(error, DefaultCredentialsError):
            return f"credentials missing: {error}"
        if isinstance(error, (RefreshError, Unauthorized)):
            return f"credentials refused: {error}"
        bucket = f"bucket {self.bucket_name} at {self.client.api_endpoint}"
        if isinstance(error, NotFound):
            return f"bucket missing: there is no {bucket} (the bucket in MEDIA_STORAGE_URL)"
        if isinstance(error, Forbidden):
            reason = error.errors[0].get("message") if error.errors else error.message
            return f"access denied: the credentials may not use {bucket}: {reason}"
        return self.configuration_problem(error)
{%- if cookiecutter.media_access == "private" %}

    def unsigned_url(self, url):
        """The URL without its signature, the query string (manage.py storage_check)."""
        return url.partition("?")[0]
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}


{% include "common/storages-listed-static.py" %}

class StaticStorage(ListedStatic, ManifestFilesMixin, GoogleCloudStorage):
    """Static files in the bucket under hashed names; the manifest stays on local disk.

    collectstatic writes staticfiles.json to STATIC_MANIFEST_ROOT where the site
    runs (the slug or the container), so rendering a page never reads the bucket
    and pages keep their static URLs while the bucket is unreachable. A rerun
    uploads nothing that has not changed (ListedStatic).
    """

    def __init__(self, **options):
        manifest = FileSystemStorage(location=settings.STATIC_MANIFEST_ROOT)
        super().__init__(manifest_storage=manifest, **options)

    def key(self, name):
        return self._normalize_name(clean_name(name))

    def list_times(self):
        """{key: time written} of every static file: one listing (1,000 blobs a request)."""
        prefix = f"{self.location.strip('/')}/" if self.location.strip("/") else ""
        blobs = self.client.list_blobs(
            self.bucket_name,
            prefix=prefix,
            fields="items(name,updated),nextPageToken",
            timeout=TIMEOUT,
            retry=RETRY,
        )
        return {blob.name: blob.updated for blob in blobs}
{%- endif %}
