{% if cookiecutter.static_storage == "bucket" -%}
"""Where uploaded media and static files are stored (settings.py configures them)."""
{%- else -%}
"""Where uploaded media are stored (settings.py configures them)."""
{%- endif %}

from functools import cached_property
from types import SimpleNamespace
{%- if cookiecutter.media_access == "public" %}
from urllib.parse import quote
{%- endif %}

from botocore.exceptions import (
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    ParamValidationError,
)
from botocore.exceptions import ConnectionError as EndpointUnreachable
{%- if cookiecutter.static_storage == "bucket" %}
from collectfasta.strategies.boto3 import Boto3ManifestMemoryStrategy
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3ManifestStaticStorage, S3Storage
{%- else %}
from storages.backends.s3 import S3Storage
{%- endif %}
from storages.utils import clean_name

from mediafiles import abilities
from mediafiles.storage import CONFIGURATION_STATUSES, UniqueNames, content_disposition

# Error codes with which the service refuses the credentials themselves.
CREDENTIALS_REFUSED = {
    "InvalidAccessKeyId": "the service knows no such access key (MEDIA_STORAGE_URL)",
    "SignatureDoesNotMatch": "the secret key does not match its access key (MEDIA_STORAGE_URL)",
    "InvalidToken": "the session token is invalid",
    "ExpiredToken": "the session token has expired",
    "RequestTimeTooSkewed": "this machine's clock is too far from the service's",
}
# Error codes that say the bucket is in another region than the storage URL says.
WRONG_REGION = {
    "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"
}  # fmt: skip


class MultipartUpload:
    """One S3 multipart upload, its parts sent as they come (from several threads).
    Only complete() makes an object; abort() drops the parts sent so far."""

    def __init__(self, client, bucket, key, parameters):
        self.client, self.target = client, {"Bucket": bucket, "Key": key}
        # boto3's own checksums where the client sends them (AWS itself), as
        # upload_file asks for them: CRC32 per part, listed again at completion.
        self.checksum = {}
        if client.meta.config.request_checksum_calculation == "when_supported":
            self.checksum = {"ChecksumAlgorithm": "CRC32"}
        answer = client.create_multipart_upload(**self.target, **parameters, **self.checksum)
        self.target["UploadId"] = answer["UploadId"]

    def send_part(self, number, body):
        answer = self.client.upload_part(
            **self.target, PartNumber=number, Body=body, **self.checksum
        )
        part = {"ETag": answer["ETag"], "PartNumber": number}
        if self.checksum and "ChecksumCRC32" in answer:
            part["ChecksumCRC32"] = answer["ChecksumCRC32"]
        return part

    def complete(self, parts):
        self.client.complete_multipart_upload(**self.target, MultipartUpload={"Parts": parts})

    def abort(self):
        self.client.abort_multipart_upload(**self.target)


{% if cookiecutter.media_access == "public" -%}
class PlainURLs:
    """Unsigned URLs built as strings.

    Without a custom domain, django-storages asks botocore for every public URL,
    which builds and "presigns" a request each time (tens of microseconds per
    URL, on every page). The bucket's base URL does not change, so it is asked
    for once and each URL is that base plus the key, percent-encoded as botocore
    encodes it (safe: "/" and "~").
    """

    _url_base = None

    def url(self, name, parameters=None, expire=None, http_method=None):
        if self.querystring_auth or self.custom_domain or parameters or http_method:
            return super().url(name, parameters, expire, http_method)
        key = quote(self._normalize_name(clean_name(name)), safe="/~")
        if self._url_base is None:
            url = super().url(name)
            # Only a plain "<base><key>" URL is taken apart; anything else stays botocore's.
            self._url_base = url[: -len(key)] if url.endswith(key) and "?" not in url else ""
            return url
        if not self._url_base:
            return super().url(name)
        return self._url_base + key


{% endif -%}
@abilities.declare(
    abilities.Copyable,
    abilities.Diagnoses,
    abilities.RecognizesMisconfiguration,
    abilities.StreamsUploads,
    abilities.SuggestsFixes,
{%- if cookiecutter.media_access == "private" %}
    abilities.SignsURLs,
{%- endif %}
)
{%- if cookiecutter.media_access == "public" %}
class MediaStorage(UniqueNames, PlainURLs, S3Storage):
{%- else %}
class MediaStorage(UniqueNames, S3Storage):
{%- endif %}
    """django-storages' S3Storage with this project's rules for media (mediafiles/storage.py).

    Each save is a single PUT under a new unique name: no HEAD first, and no
    reliance on the service honouring `If-None-Match` (not every S3-compatible
    service does), so no upload can replace another on any of them. Large admin
    uploads are multipart uploads under such a name, sent while the request
    arrives (start_multipart, mediafiles/streaming.py).
    """

    # What manage.py storage_check suggests when a media URL does not answer as it should.
{%- if cookiecutter.media_access == "public" %}
    url_fixes = {
        "public read blocked": (
            "let anyone read media/ in the bucket policy (s3:GetObject on BUCKET/media/*), "
            "or through the CDN's origin access policy"
        ),
    }
{%- else %}
    url_fixes = {
        "private media leak": (
            "keep the bucket private: remove public read of media/ from its policy and ACLs"
        ),
    }
{%- endif %}

    def get_object_parameters(self, name):
        return {
            **super().get_object_parameters(name),
            "ContentDisposition": content_disposition(name),
        }

    def _save(self, name, content):
        """Uploads that Django spooled to a temporary file (larger than
        FILE_UPLOAD_MAX_MEMORY_SIZE) go up from that file: boto3 reads each part
        from disk as it sends it, where django-storages' upload_fileobj would hold
        every part in flight in the worker's memory."""
        temporary_file_path = getattr(content, "temporary_file_path", None)
        if temporary_file_path is None or self.gzip:
            return super()._save(name, content)
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        self.bucket.Object(key).upload_file(
            temporary_file_path(),
            ExtraArgs=self._get_write_parameters(key, content),
            Config=self.transfer_config,
        )
        return cleaned

    # Uploads streamed while the request arrives (mediafiles/streaming.py). ---------------

    @property
    def stream_part_size(self):
        """Files larger than one part stream in parts of this size (the transfer
        configuration of config/storage_url.py)."""
        return None if self.gzip else self.transfer_config.multipart_chunksize

    def start_multipart(self, name, content_type):
        """A multipart upload of a new object under exactly this (unique) name, with
        the object parameters of _save."""
        key = self._normalize_name(clean_name(name))
        parameters = self._get_write_parameters(key, SimpleNamespace(content_type=content_type))
        return MultipartUpload(self.copy_client, self.bucket_name, key, parameters)

    # manage.py copy_media: one listing, streamed reads, writes under the exact name. ----

    @cached_property
    def copy_client(self):
        """One boto3 client for every thread of a copy or of a streamed upload
        (clients are thread-safe)."""
        return self.connection.meta.client

    def list_sizes(self):
        """Every media file with its size, from list_objects_v2 (1,000 keys a request)."""
        prefix = f"{self.location.strip('/')}/" if self.location.strip("/") else ""
        pages = self.copy_client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket_name, Prefix=prefix
        )
        return {
            item["Key"][len(prefix) :]: item["Size"]
            for page in pages
            for item in page.get("Contents", ())
            if not item["Key"].endswith("/")
        }

    def open_stream(self, name):
        key = self._normalize_name(clean_name(name))
        return self.copy_client.get_object(Bucket=self.bucket_name, Key=key)["Body"]

    def write_exact(self, name, stream, size):
        """Write under exactly this name, with the object parameters of _save. A file
        smaller than a part (8 MiB) goes up in one PUT from one buffer; a larger one in
        parts (at most four in memory, config/storage_url.py), and only a completed
        multipart upload makes an object: an interrupted one leaves none
        (ensure_storage's lifecycle rule aborts it)."""
        key = self._normalize_name(clean_name(name))
        parameters = self._get_write_parameters(key)
        if size < self.transfer_config.multipart_threshold:
            body = stream.read(size)
            if stream.read(1):
                raise OSError(f"the source holds more than the {size} bytes listed")
            self.copy_client.put_object(Bucket=self.bucket_name, Key=key, Body=body, **parameters)
        else:
            self.copy_client.upload_fileobj(
                stream, self.bucket_name, key, ExtraArgs=parameters, Config=self.transfer_config
            )

    def configuration_problem(self, error):
        """What is wrong with the set-up when no retry can mend this error, else None."""
        if isinstance(error, (NoCredentialsError, ParamValidationError)):
            return str(error)
        if isinstance(error, ClientError):
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status in CONFIGURATION_STATUSES:
                detail = error.response.get("Error", {})
                return f"{detail.get('Code', status)}: {detail.get('Message', error)}"
        return None

    def diagnose(self, error):
        """The cause of a failed call to the bucket, in one line (manage.py storage_check)."""
        endpoint = self.connection.meta.client.meta.endpoint_url
        if isinstance(error, (EndpointUnreachable, HTTPClientError)):
            return f"unreachable: {endpoint}: {error}"
        if isinstance(error, NoCredentialsError):
            return f"credentials missing: {error} (KEY:SECRET@ in MEDIA_STORAGE_URL)"
        code = error.response["Error"].get("Code") if isinstance(error, ClientError) else None
        bucket = f"bucket {self.bucket_name} at {endpoint}"
        if code == "NoSuchBucket":
            return f"bucket missing: there is no {bucket} (the bucket in MEDIA_STORAGE_URL)"
        if code in CREDENTIALS_REFUSED:
            return f"credentials refused ({code}): {CREDENTIALS_REFUSED[code]}"
        if code == "AccessDenied":
            return (
                f"access denied: the credentials may not use {bucket} "
                "(the key's permissions or the bucket policy)"
            )
        if code in WRONG_REGION:
            return f"wrong region ({code}): {bucket} is not in the region MEDIA_STORAGE_URL gives"
        return self.configuration_problem(error)
{%- if cookiecutter.media_access == "private" %}

    def unsigned_url(self, url):
        """The URL without its signature, the query string (manage.py storage_check)."""
        return url.partition("?")[0]
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}


class StaticStorage(S3ManifestStaticStorage):
    """Static files in the bucket under hashed names; the manifest stays on local disk.

    collectstatic writes staticfiles.json to STATIC_MANIFEST_ROOT where the site
    runs (the slug or the container), so rendering a page never reads the bucket
    and pages keep their static URLs while the bucket is unreachable.
    """

    def __init__(self, **options):
        manifest = FileSystemStorage(location=settings.STATIC_MANIFEST_ROOT)
        super().__init__(manifest_storage=manifest, **options)


class StaticFilesStrategy(Boto3ManifestMemoryStrategy):
    """Collectfasta's strategy (hash in memory, upload only what changed) that also
    writes the manifest to StaticStorage's local manifest storage, which its
    in-memory first pass would otherwise never reach."""

    def second_pass_strategy(self):
        name = self.memory_storage.manifest_name
        with self.memory_storage.open(name) as manifest:
            contents = manifest.read()
        local = self.original_storage.manifest_storage
        if local.exists(name):
            local.delete(name)
        local._save(name, ContentFile(contents))
        return super().second_pass_strategy()
{%- endif %}
