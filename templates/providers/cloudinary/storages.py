"""Uploaded media on Cloudinary, through the official `cloudinary` SDK.

The account comes from MEDIA_STORAGE_URL, in the SDK's own format:
`cloudinary://API_KEY:API_SECRET@CLOUD_NAME`, where query parameters set any
other SDK option (e.g. `?secure_distribution=media.example.com`; `true`/`false`
become booleans, as in the SDK's CLOUDINARY_* variables).

Each stored name carries everything needed to find the file again:

    <resource_type>/<delivery type>/<public_id>[.<format>]
    image/upload/media/images/2026/05/k3v9x0qa7hw2mz4c/photo.png
    raw/authenticated/media/uploads/2026/05/7hw2mz4ck3v9x0qa/report.pdf

The resource type (image, video or raw) follows the content type guessed from
the file name: images are `image`, video and audio are `video`, anything else
is `raw`. Image and video public IDs have no extension (Cloudinary keeps the
format apart), raw public IDs keep theirs. Every save gets a new unique folder
(mediafiles/storage.py), so uploads never replace each other and `exists()` never
has to ask the rate-limited Admin API: it answers False. Uploads are also
create-only (`overwrite=False`).

Files that are not passive content (HTML, SVG, XML...) get URLs with the
`fl_attachment` flag, so Cloudinary serves them as downloads, never as pages.

With `delivery_type="authenticated"` files can only be fetched through signed
URLs, which `url()` builds. Files larger than `chunk_size` go up in parts of
that size (the SDK's upload_large), so memory use stays bounded; Cloudinary's
upload size limits for the account still apply.
"""

import mimetypes
import posixpath
{%- if cookiecutter.media_access == "private" %}
import re
{%- endif %}
from urllib.parse import parse_qsl, unquote, urlsplit

import cloudinary
import cloudinary.exceptions
import cloudinary.uploader
import cloudinary.utils
import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
{%- if cookiecutter.media_access == "private" %}
from django.http import Http404, StreamingHttpResponse
{%- endif %}
from django.utils.deconstruct import deconstructible

from mediafiles import abilities
from mediafiles.storage import is_inline, unique_name

RESOURCE_TYPES = ("image", "video", "raw")
DELIVERY_TYPES = ("upload", "authenticated")
# Errors with which Cloudinary refuses this project's account or settings: retrying will not help.
CONFIGURATION_ERRORS = (
    cloudinary.exceptions.AuthorizationRequired,
    cloudinary.exceptions.BadRequest,
    cloudinary.exceptions.NotAllowed,
    cloudinary.exceptions.NotFound,
)
{%- if cookiecutter.media_access == "private" %}
# The signature segment of a signed delivery URL: /s--SIGNATURE--/
URL_SIGNATURE = re.compile(r"/s--[\w-]{8}--/")
# Blocks in which a private file is relayed from Cloudinary to the user.
RELAY_BLOCK_SIZE = 64 * 1024
{%- endif %}


def account_options(cloudinary_url):
    """The SDK options in a cloudinary:// URL (cloud name, key, secret, query options)."""
    parts = urlsplit(cloudinary_url)
    if parts.scheme != "cloudinary" or not (parts.hostname and parts.username and parts.password):
        raise ImproperlyConfigured(
            "MEDIA_STORAGE_URL must look like cloudinary://API_KEY:API_SECRET@CLOUD_NAME "
            "(copy it from the Cloudinary console's API keys page)."
        )
    options = {
        "cloud_name": parts.hostname,
        "api_key": unquote(parts.username),
        "api_secret": unquote(parts.password),
    }
    if parts.path.strip("/"):
        options.update(private_cdn=True, secure_distribution=parts.path.strip("/"))
    for key, value in parse_qsl(parts.query):
        options[key] = {"true": True, "false": False}.get(value, value)
    return options


def resource_type_for(filename):
    """image, video (video and audio) or raw, from the content type the name suggests."""
    content_type, _ = mimetypes.guess_type(filename)
    kind = (content_type or "").partition("/")[0]
    if kind == "image":
        return "image"
    if kind in ("video", "audio"):
        return "video"
    return "raw"


class KeepOpen:
    """A file's read, seek and tell, without close: the caller keeps its file open."""

    def __init__(self, file):
        self.file = file

    def read(self, size=-1):
        return self.file.read(size)

    def seek(self, offset, whence=0):
        return self.file.seek(offset, whence)

    def tell(self):
        return self.file.tell()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


@deconstructible(path="mediafiles.backends.CloudinaryStorage")
@abilities.declare(
    abilities.ConfirmsDeletion,
    abilities.Diagnoses,
    abilities.RecognizesMisconfiguration,
    abilities.RefusesCopies,
    abilities.ResizesByURL,
{%- if cookiecutter.media_access == "private" %}
    abilities.PrivateMedia,
    abilities.Relays,
    abilities.SignsURLs,
{%- else %}
    abilities.SuggestsFixes,
{%- endif %}
)
class CloudinaryStorage(Storage):
{%- if cookiecutter.media_access == "private" %}
    # Pages link files through the site, which checks who may read each one
    # (mediafiles/access.py) and relays it (relayed()).
    private = True
{%- else %}
    # What manage.py storage_check suggests when a media URL does not answer as it should.
    url_fixes = {
        "public read blocked": (
            "check the delivery restrictions under Settings > Security in the Cloudinary console"
        ),
    }
{% endif %}
    # Why manage.py copy_media neither reads nor writes this storage.
    copy_refused = (
        "Cloudinary names files itself: a stored name carries the resource type and "
        "delivery type Cloudinary assigns, and image and video names leave their format to "
        "Cloudinary, so a copy could not keep the names the database holds; and listing an "
        "account takes its rate-limited Admin API. Move Cloudinary media with Cloudinary's "
        "own tools"
    )

    def __init__(
        self,
        location="media",
        delivery_type="upload",
        timeout=15,
        chunk_size=20 * 1024 * 1024,
        cloudinary_url=None,
    ):
        if delivery_type not in DELIVERY_TYPES:
            raise ImproperlyConfigured(f"delivery_type must be one of {DELIVERY_TYPES}")
        self.location = location.strip("/")
        self.delivery_type = delivery_type
        self.timeout = timeout
        self.chunk_size = chunk_size
        self.account = account_options(cloudinary_url or settings.MEDIA_STORAGE_URL)
        self.account.setdefault("secure", True)
        self.http = cloudinary.utils.get_http_connector(cloudinary.config(), cloudinary.CERT_KWARGS)

    def get_available_name(self, name, max_length=None):
        """A new unique name on every call (mediafiles/storage.py), nothing asked of Cloudinary."""
        prefix = f"{resource_type_for(name)}/{self.delivery_type}/{self.location}/"
        return unique_name(name, max_length, prefix=prefix)

    def exists(self, name):
        # Names are never reused (see get_available_name).
        return False

    def _save(self, name, content):
        resource_type, delivery_type, public_id, _ = self.parse(name)
        content.seek(0)
        if content.size > self.chunk_size:
            # upload_large closes what it reads: give it a file object of its own.
            upload, content = cloudinary.uploader.upload_large, KeepOpen(content)
        else:
            upload = cloudinary.uploader.upload
        result = upload(
            content,
            chunk_size=self.chunk_size,
            public_id=public_id,
            resource_type=resource_type,
            type=delivery_type,
            overwrite=False,
            filename=posixpath.basename(name),
            timeout=self.timeout,
            **self.account,
        )
        if result.get("existing"):
            # overwrite=False kept the file already there: this content was not stored.
            raise FileExistsError(f"Cloudinary already holds {public_id}")
        stored = f"{result['resource_type']}/{result['type']}/{result['public_id']}"
        if result["resource_type"] != "raw" and result.get("format"):
            stored += "." + result["format"]
        return stored

    def parse(self, name):
        """(resource_type, delivery type, public_id, format or None) of a stored name."""
        parts = name.split("/", 2)
        if len(parts) != 3 or parts[0] not in RESOURCE_TYPES or parts[1] not in DELIVERY_TYPES:
            raise ValueError(f"{name!r} is not a name this storage gave out")
        resource_type, delivery_type, path = parts
        if resource_type == "raw":
            return resource_type, delivery_type, path, None
        public_id, extension = posixpath.splitext(path)
        return resource_type, delivery_type, public_id, extension.lstrip(".") or None

    def url(self, name):
        resource_type, delivery_type, public_id, file_format = self.parse(name)
        url, _ = cloudinary.utils.cloudinary_url(
            public_id,
            resource_type=resource_type,
            type=delivery_type,
            format=file_format,
            sign_url=delivery_type != "upload",
            flags=None if is_inline(name) else "attachment",
            **self.account,
        )
        return url

    def resized_url(self, name, width, height):
        """The image fitted in width x height, as WebP: Cloudinary resizes it from
        the URL's transformation (and drops its metadata), so no copy is stored
        (mediafiles/images.py)."""
        resource_type, delivery_type, public_id, _ = self.parse(name)
        url, _ = cloudinary.utils.cloudinary_url(
            public_id,
            resource_type=resource_type,
            type=delivery_type,
            format="webp",
            transformation=[{"crop": "limit", "width": width, "height": height, "quality": 80}],
            sign_url=delivery_type != "upload",
            **self.account,
        )
        return url

    def configuration_problem(self, error):
        """What is wrong with the set-up when no retry can mend this error, else None."""
        if isinstance(error, CONFIGURATION_ERRORS):
            return f"{type(error).__name__}: {error}"
        return None

    def diagnose(self, error):
        """The cause of a failed call to Cloudinary, in one line (manage.py storage_check)."""
        api = self.account.get("upload_prefix", "https://api.cloudinary.com")
        # The SDK raises its own Error while handling the connection's (its context).
        for failure in (error, error.__context__):
            if isinstance(failure, (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError)):
                return f"unreachable: {api}: {failure}"
        message = str(error)
        if isinstance(error, cloudinary.exceptions.AuthorizationRequired):
            if message.startswith("Invalid cloud_name"):
                return f"cloud missing: {message} (the cloud name in MEDIA_STORAGE_URL)"
            if message.startswith("Invalid Signature"):
                return (
                    "credentials refused: the API secret in MEDIA_STORAGE_URL does not match "
                    "the API key (Invalid Signature)"
                )
            return f"credentials refused: {message} (the API key in MEDIA_STORAGE_URL)"
        if isinstance(error, cloudinary.exceptions.NotAllowed):
            return f"access denied: {message}"
        return self.configuration_problem(error)

    def confirm_deleted(self, name):
        """Whether Cloudinary no longer holds the file: destroying it again answers
        "not found" (exists() never asks Cloudinary). For manage.py storage_check."""
        resource_type, delivery_type, public_id, _ = self.parse(name)
        result = cloudinary.uploader.destroy(
            public_id,
            resource_type=resource_type,
            type=delivery_type,
            timeout=self.timeout,
            **self.account,
        )
        return result.get("result") == "not found"
{%- if cookiecutter.media_access == "private" %}

    def relayed(self, url):
        """The response that sends a user the file at this signed delivery URL.

        Cloudinary's signed delivery URLs never expire: one handed to a browser
        would let anyone it reaches read the file for good. So the site fetches
        the file itself and streams it on, for a user mediafiles/access.py allows.
        """
        upstream = self.http.request(
            "GET", url, preload_content=False, timeout=self.timeout, retries=False
        )
        if upstream.status != 200:
            upstream.release_conn()
            if upstream.status == 404:
                raise Http404("No such file.")
            raise OSError(f"Cloudinary answered {upstream.status} for {url}")

        def blocks():
            try:
                yield from upstream.stream(RELAY_BLOCK_SIZE)
            finally:
                upstream.release_conn()

        content_type = upstream.headers.get("Content-Type")
        response = StreamingHttpResponse(blocks(), content_type=content_type)
        for header in ("Content-Length", "Content-Disposition", "Last-Modified", "ETag"):
            if header in upstream.headers:
                response.headers[header] = upstream.headers[header]
        response.headers["Content-Security-Policy"] = "sandbox"
        return response

    def unsigned_url(self, url):
        """The URL without its signature segment (manage.py storage_check)."""
        return URL_SIGNATURE.sub("/", url, count=1)
{%- endif %}

    def _fetch(self, method, name):
        response = self.http.request(method, self.url(name), timeout=self.timeout)
        if response.status == 404:
            raise FileNotFoundError(f"{name} is not on Cloudinary")
        if response.status != 200:
            raise OSError(f"Cloudinary answered {response.status} for {name}")
        return response

    def _open(self, name, mode="rb"):
        if mode != "rb":
            raise ValueError("Files on Cloudinary open read-only, in 'rb' mode.")
        return ContentFile(self._fetch("GET", name).data, name=name)

    def size(self, name):
        return int(self._fetch("HEAD", name).headers["Content-Length"])

    def delete(self, name):
        resource_type, delivery_type, public_id, _ = self.parse(name)
        result = cloudinary.uploader.destroy(
            public_id,
            resource_type=resource_type,
            type=delivery_type,
            invalidate=True,
            timeout=self.timeout,
            **self.account,
        )
        # Deleting a file that is already gone is not an error for Django.
        if result.get("result") not in ("ok", "not found"):
            raise OSError(f"Cloudinary did not delete {name}: {result}")
