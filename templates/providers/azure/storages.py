{% if cookiecutter.static_storage == "bucket" -%}
"""Where uploaded media and static files are stored (settings.py configures them)."""
{%- else -%}
"""Where uploaded media are stored (settings.py configures them)."""
{%- endif %}

{% if cookiecutter.static_storage == "bucket" -%}
from datetime import UTC, datetime
{% endif -%}
from functools import cached_property

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.storage.blob import BlobServiceClient, ContentSettings
{%- if cookiecutter.static_storage == "bucket" %}
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
{%- endif %}
from storages.backends.azure_storage import AzureStorage
{%- if cookiecutter.static_storage == "bucket" %}
from storages.utils import clean_name
{%- endif %}

from mediafiles import abilities
from mediafiles.storage import CONFIGURATION_STATUSES, UniqueNames, content_disposition

# Error codes with which the service refuses the credentials themselves (the
# emulator, Azurite, answers a wrong key with AuthorizationFailure).
CREDENTIALS_REFUSED = {"AuthenticationFailed", "AuthorizationFailure", "InvalidAuthenticationInfo"}
# manage.py copy_media's transfers: single requests and blocks of at most 8 MiB.
COPY_BLOCK_SIZES = {
    "max_single_put_size": 8 * 1024 * 1024,
    "max_block_size": 8 * 1024 * 1024,
    "max_single_get_size": 8 * 1024 * 1024,
    "max_chunk_get_size": 8 * 1024 * 1024,
}


def error_code(error):
    """The service's error code (a plain string, also where the SDK gives an enum member)."""
    code = getattr(error, "error_code", None)
    return getattr(code, "value", code) or ""


class BoundedAzureStorage(AzureStorage):
    """AzureStorage that keeps its client options (timeouts, retries) with a
    connection string too, where django-storages would drop them."""

    def _get_service_client(self):
        if self.connection_string:
            return BlobServiceClient.from_connection_string(
                self.connection_string, **self.client_options
            )
        return super()._get_service_client()


@abilities.declare(
    abilities.Copyable,
    abilities.Diagnoses,
    abilities.RecognizesMisconfiguration,
    abilities.SuggestsFixes,
{%- if cookiecutter.media_access == "private" %}
    abilities.SignsURLs,
{%- endif %}
)
class MediaStorage(UniqueNames, BoundedAzureStorage):
    """django-storages' AzureStorage with this project's rules for media (mediafiles/storage.py).

    Writes are create-only as well (`overwrite_files` False sends If-None-Match: *).
    """

    # What manage.py storage_check suggests when a media URL does not answer as it should.
{%- if cookiecutter.media_access == "public" %}
    url_fixes = {
        "public read blocked": 'set the container\'s anonymous access level to "Blob"',
    }
{%- else %}
    url_fixes = {
        "private media leak": (
            "keep the container private: turn its anonymous access off (access level Private)"
        ),
    }
{%- endif %}

    def get_object_parameters(self, name):
        return {
            **super().get_object_parameters(name),
            "content_disposition": content_disposition(name),
        }

    # manage.py copy_media: one listing, streamed reads, writes under the exact name. ----

    @cached_property
    def copy_container(self):
        """The container through a client whose transfers hold at most one 8 MiB block
        in memory per thread (the SDK's defaults read up to 64 MiB at once)."""
        service = BlobServiceClient(
            self.service_client.url,
            credential=self.service_client.credential,
            **{**self.client_options, **COPY_BLOCK_SIZES},
        )
        return service.get_container_client(self.azure_container)

    def list_sizes(self):
        """Every media file with its size, from one listing (5,000 blobs a request)."""
        prefix = f"{self.location.strip('/')}/" if self.location.strip("/") else ""
        blobs = self.copy_container.list_blobs(name_starts_with=prefix, timeout=self.timeout)
        return {blob.name[len(prefix) :]: blob.size for blob in blobs}

    def open_stream(self, name):
        blob = self.copy_container.get_blob_client(self._get_valid_path(name))
        return blob.download_blob(max_concurrency=1, timeout=self.timeout)

    def write_exact(self, name, stream, size):
        """Write under exactly this name, create-only, with the parameters of _save.
        Larger files go up as blocks committed at the end: an interrupted upload
        leaves no blob (Azure discards uncommitted blocks after a week)."""
        path = self._get_valid_path(name)
        self.copy_container.upload_blob(
            path,
            stream,
            length=size,
            content_settings=ContentSettings(**self._get_content_settings_parameters(path)),
            max_concurrency=self.upload_max_conn,
            timeout=self.timeout,
            overwrite=False,
        )

    def configuration_problem(self, error):
        """What is wrong with the set-up when no retry can mend this error, else None."""
        if isinstance(error, ClientAuthenticationError) or (
            isinstance(error, HttpResponseError) and error.status_code in CONFIGURATION_STATUSES
        ):
            return f"{error.status_code} {error_code(error)}: {error.reason}"
        return None

    def diagnose(self, error):
        """The cause of a failed call to the container, in one line (manage.py storage_check)."""
        if isinstance(error, (ServiceRequestError, ServiceResponseError)):
            return f"unreachable: {self.service_client.url}: {error.message}"
        if not isinstance(error, HttpResponseError):
            return self.configuration_problem(error)
        code = error_code(error)
        container = f"container {self.azure_container} at {self.service_client.url}"
        if code == "ContainerNotFound":
            return f"container missing: there is no {container} (MEDIA_STORAGE_URL)"
        if isinstance(error, ClientAuthenticationError) or code in CREDENTIALS_REFUSED:
            return (
                f"credentials refused ({code or error.status_code}): the account does not accept "
                "this key (the ACCOUNT:KEY in MEDIA_STORAGE_URL)"
            )
        if error.status_code == 403:
            return f"access denied ({code}): the credentials may not use {container}"
        return self.configuration_problem(error)
{%- if cookiecutter.media_access == "private" %}

    def unsigned_url(self, url):
        """The URL without its signature, the SAS query string (manage.py storage_check)."""
        return url.partition("?")[0]
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}


{% include "common/storages-listed-static.py" %}

class StaticStorage(ListedStatic, ManifestFilesMixin, BoundedAzureStorage):
    """Static files in the container under hashed names; the manifest stays on local disk.

    collectstatic writes staticfiles.json to STATIC_MANIFEST_ROOT where the site
    runs (the slug or the container), so rendering a page never reads the
    container and pages keep their static URLs while it is unreachable. A rerun
    uploads nothing that has not changed (ListedStatic).
    """

    def __init__(self, **options):
        manifest = FileSystemStorage(location=settings.STATIC_MANIFEST_ROOT)
        super().__init__(manifest_storage=manifest, **options)

    def key(self, name):
        return self._get_valid_path(name)

    def list_times(self):
        """{key: time written} of every static file: one listing (5,000 blobs a request)."""
        prefix = f"{self.location.strip('/')}/" if self.location.strip("/") else ""
        blobs = self.client.list_blobs(name_starts_with=prefix, timeout=self.timeout)
        return {blob.name: blob.last_modified for blob in blobs}
{%- endif %}
