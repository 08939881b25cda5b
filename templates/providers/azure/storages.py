"""Where uploaded media{% if cookiecutter.static_storage == "bucket" %} and static files{% endif %} are stored (settings.py configures them)."""

from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.storage.blob import BlobServiceClient
{%- if cookiecutter.static_storage == "bucket" %}
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import FileSystemStorage
{%- endif %}
from storages.backends.azure_storage import AzureStorage

from uploads.storage import CONFIGURATION_STATUSES, UniqueNames, content_disposition


class BoundedAzureStorage(AzureStorage):
    """AzureStorage that keeps its client options (timeouts, retries) with a
    connection string too, where django-storages would drop them."""

    def _get_service_client(self):
        if self.connection_string:
            return BlobServiceClient.from_connection_string(
                self.connection_string, **self.client_options
            )
        return super()._get_service_client()


class MediaStorage(UniqueNames, BoundedAzureStorage):
    """django-storages' AzureStorage with this project's rules for media (uploads/storage.py).

    Writes are create-only as well (`overwrite_files` False sends If-None-Match: *).
    """

    def get_object_parameters(self, name):
        return {
            **super().get_object_parameters(name),
            "content_disposition": content_disposition(name),
        }

    def configuration_problem(self, error):
        """What is wrong with the set-up when no retry can mend this error, else None."""
        if isinstance(error, ClientAuthenticationError) or (
            isinstance(error, HttpResponseError) and error.status_code in CONFIGURATION_STATUSES
        ):
            return f"{error.status_code} {error.error_code or ''}: {error.reason}"
        return None
{%- if cookiecutter.static_storage == "bucket" %}


class StaticStorage(ManifestFilesMixin, BoundedAzureStorage):
    """Static files in the container under hashed names; the manifest stays on local disk.

    collectstatic writes staticfiles.json to STATIC_MANIFEST_ROOT where the site
    runs (the slug or the container), so rendering a page never reads the
    container and pages keep their static URLs while it is unreachable.
    """

    def __init__(self, **options):
        manifest = FileSystemStorage(location=settings.STATIC_MANIFEST_ROOT)
        super().__init__(manifest_storage=manifest, **options)
{%- endif %}
