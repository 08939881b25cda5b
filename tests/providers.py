"""Adapters: how a generated project of each storage family meets its real server.

An adapter is one set of storage answers (storage_provider, media_access,
static_storage) and everything a test needs to know about that family: the
server it runs (tests/servers.py), the environment that points the project at
it, how to list what the project stored, where its URLs lead, how to break it.

    adapter = variant("s3-compatible-private-bucket")
    with adapter.start(tmp_path / "server"):       # a server of its own (kill, freeze)
        project, env = deploy(projects, adapter, databases)
    adapter.attach(pool)                            # or the worker's shared server

Capabilities. What a check needs is declared by each adapter, one attribute per
capability: a truthy value that the check uses, or Lacks(reason). Checks are
parametrised with cases(name): every variant that has the capability and, for a
family where none has it, its main variant marked skip with "<family> lacks
<name>: <reason>". adapter.require(name) gives the value (or skips the same way).
A new family gets every check by writing an adapter and listing its variants.

- signed_urls: media URLs carry a signature the server checks (QuerySignature
  or PathSignature: where it is, how to remove or alter it);
- expiring_urls: that signature expires (an Expiry: how to read the expiry in
  a URL, and Python that makes the project sign as if two hours earlier);
- static_on_bucket: collectstatic sends static files to the bucket (True;
  static_url and static_object then answer);
- incremental_static: a collectstatic rerun uploads nothing (True;
  static_objects then answers);
- wrong_credentials: the server checks a secret (a function that makes the
  secret in an environment wrong);
- unreachable: the storage is a service to reach (a function of an environment
  and a closed port: the environment with the service at that port);
- missing_bucket: a function of an environment and tmp_path: the environment
  with the media bucket (container, cloud, directory) one that does not exist;
- public_read_blocked: public media whose bucket can refuse anonymous reads (a
  function that gives the adapter again on a bucket that refuses them);
- live_tests: the project's own `pytest -m live` runs against the server
  (LiveTests: the variables that opt in).
"""

import base64
import re
import secrets
import shutil
import tempfile
import urllib.parse
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from filelock import FileLock

from tests.helpers import CONTEXT
from tests.servers import REQUEST_TIMEOUT, Azurite, FakeGcs, LoopbackCloudinary, SeaweedFS
from tests.site import create_superuser

CAPABILITIES = (
    "signed_urls",
    "expiring_urls",
    "static_on_bucket",
    "incremental_static",
    "wrong_credentials",
    "unreachable",
    "missing_bucket",
    "public_read_blocked",
    "live_tests",
)
# Every project's default lifetime of a signed URL (AWS_QUERYSTRING_EXPIRE,
# GS_EXPIRATION, AZURE_URL_EXPIRATION_SECS), in seconds: the site hands one out per
# allowed request (mediafiles/access.py).
DEFAULT_URL_LIFETIME = 60
# The lifetime the checks deploy with (adapter.lifetime_variable): a check that
# fetches a URL some time after it was handed out never races the default minute
# on a busy machine. tests/test_private_media.py deploys with the default.
URL_LIFETIME = 3600
STATIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Every project's THUMBNAIL_SIZES: a stored image's thumbnails follow from its name.
THUMBNAIL_SIZES = {"list": (384, 384), "admin": (240, 240)}
MEDIA_CACHE_CONTROL = {"public": "public, max-age=86400", "private": "private, max-age=3600"}


@dataclass(frozen=True)
class Lacks:
    """A capability that an adapter does not have, and why."""

    reason: str

    def __bool__(self):
        return False


@dataclass(frozen=True)
class Stored:
    """One stored object: its bytes and its Cache-Control."""

    data: bytes
    cache_control: str | None


@dataclass(frozen=True)
class QuerySignature:
    """Signed URLs whose signature is the query parameter `parameter`."""

    parameter: str

    def signature(self, url):
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)).get(self.parameter)

    def unsigned(self, url):
        return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(query=""))

    def tampered(self, url):
        parts = urllib.parse.urlsplit(url)
        query = [
            (key, flip_first(value) if key == self.parameter else value)
            for key, value in urllib.parse.parse_qsl(parts.query)
        ]
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


@dataclass(frozen=True)
class PathSignature:
    """Signed URLs whose signature is a path segment: /s--SIGNATURE--/ (Cloudinary)."""

    pattern = re.compile(r"/s--([\w-]{8})--/")

    def signature(self, url):
        match = self.pattern.search(url)
        return match and match.group(1)

    def unsigned(self, url):
        return self.pattern.sub("/", url)

    def tampered(self, url):
        return self.pattern.sub(lambda match: f"/s--{flip_first(match.group(1))}--/", url)


def flip_first(signature):
    """The same signature with its first character changed."""
    return ("B" if signature[0] == "A" else "A") + signature[1:]


@dataclass(frozen=True)
class Expiry:
    """Signed URLs that expire.

    read(url) is the expiry a URL carries. sign_earlier is Python for
    `manage.py shell` that defines signed_earlier(storage, name): the URL the
    project signs for name as if it were two hours earlier.
    """

    read: Callable[[str], datetime]
    sign_earlier: str


@dataclass(frozen=True)
class LiveTests:
    """The project's own live tests run against the server with these variables."""

    env: dict


OPT_IN_LIVE_TESTS = LiveTests({"STORAGE_LIVE_TESTS": "1"})


def amz_expiry(url):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    signed = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return signed + timedelta(seconds=int(query["X-Amz-Expires"]))


def sas_expiry(url):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    return datetime.fromisoformat(query["se"])


# botocore stamps the signature with botocore.auth.get_current_datetime().
SIGN_EARLIER_BOTOCORE = """
import datetime
import botocore.auth

def signed_earlier(storage, name):
    now = botocore.auth.get_current_datetime
    botocore.auth.get_current_datetime = lambda *a, **k: now(*a, **k) - datetime.timedelta(hours=2)
    try:
        return storage.url(name)
    finally:
        botocore.auth.get_current_datetime = now
"""
# django-storages' AzureStorage.url() takes the SAS lifetime in seconds from now.
SIGN_EARLIER_AZURE = """
def signed_earlier(storage, name):
    return storage.url(name, expire=storage.expiration_secs - 2 * 3600)
"""


def file_url(path):
    """The project's storage URL of a folder on local disk."""
    return f"file://{quote(str(path))}"


class LocalDisk:
    """The filesystem family's "server": a media directory."""

    url = None

    def __init__(self, workdir):
        self.workdir, self.prepared = Path(workdir), set()
        self.media_root = self.workdir / "media"
        self.media_root.mkdir(parents=True)

    def stop(self):
        """Nothing runs: the directory stays until pytest removes it."""

    kill = freeze = thaw = stop


class Adapter:
    """A family's answers and server. Subclasses fill in the blanks."""

    family = ""
    server_class = None
    can_fail = True  # a server that can be killed or frozen
    provisions = True  # the project has `manage.py ensure_storage`
    # Every adapter declares each of CAPABILITIES; this default marks one it forgot.
    signed_urls = expiring_urls = incremental_static = wrong_credentials = Lacks("not declared")
    unreachable = missing_bucket = public_read_blocked = Lacks("not declared")
    live_tests = OPT_IN_LIVE_TESTS

    def __init__(self, provider, media_access="public", static_storage="whitenoise"):
        self.storage = {
            "storage_provider": provider,
            "media_access": media_access,
            "static_storage": static_storage,
        }
        self.server, self.own_server = None, False
        self.media_bucket = None  # another bucket than the variant's (on_bucket)

    def __repr__(self):
        return self.id

    @property
    def id(self):
        return "-".join(self.storage.values())

    @property
    def answers(self):
        return {**self.storage, "use_heroku": False, "use_docker": False}

    @property
    def private(self):
        return self.storage["media_access"] == "private"

    @property
    def bucket(self):
        """The media bucket (container) on a shared server: one per media access."""
        return self.media_bucket or ("private-media" if self.private else "public-media")

    def on_bucket(self, name):
        """The same variant on the same server, its media in bucket (container) `name`."""
        other = type(self)(*self.storage.values())
        other.server, other.media_bucket = self.server, name
        return other

    @property
    def static_bucket(self):
        """Static files share the media bucket, or get a public one beside private media."""
        return "static" if self.private else self.bucket

    @property
    def static_on_bucket(self):
        return self.storage["static_storage"] == "bucket" or Lacks("static files on whitenoise")

    def require(self, capability):
        """The capability's value; a skip naming it and the reason when the adapter lacks it."""
        value = getattr(self, capability)
        if not value:
            pytest.skip(f"{self.id} lacks {capability}: {value.reason}")
        return value

    # The server ------------------------------------------------------------------------

    def start(self, workdir):
        """A fresh server of this adapter's own, in a new directory under workdir."""
        Path(workdir).mkdir(parents=True, exist_ok=True)
        self.server = self.server_class(Path(tempfile.mkdtemp(prefix="server-", dir=workdir)))
        self.own_server = True
        return self

    def attach(self, pool):
        """The worker's shared server of this family, with no media left in it."""
        self.server = pool.get(self.server_class)
        self.own_server = False
        self.reset()
        return self

    def kill(self):
        self.server.kill()

    def freeze(self):
        self.server.freeze()

    def thaw(self):
        self.server.thaw()

    def fail(self, fault):
        """Do a fault to the server: "killed" or "frozen" ("misconfigured" is in the
        project's environment, see deployed_to_fail)."""
        {"killed": self.kill, "frozen": self.freeze}.get(fault, lambda: None)()

    def stop(self):
        if self.own_server and self.server is not None:
            self.server.stop()
        self.server = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    # The project's side ----------------------------------------------------------------

    # The variable that sets how long a signed media URL lives, where URLs expire.
    lifetime_variable = None

    def env(self, project):
        """The project's production environment, with the storage pointed at the server."""
        env = {
            "ENV_FILE": str(project.root / ".env.example"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "False",
            "SECURE_HSTS_SECONDS": "0",
            **self.storage_env(),
        }
        if self.private and self.lifetime_variable:
            env[self.lifetime_variable] = str(URL_LIFETIME)
        return env

    def storage_env(self, **changes):
        """The storage URLs of the variant's buckets on the server (changes: what
        storage_url should give otherwise, e.g. another secret)."""
        env = {"MEDIA_STORAGE_URL": self.storage_url(self.bucket, "media", **changes)}
        if self.static_on_bucket:
            env["STATIC_STORAGE_URL"] = self.storage_url(self.static_bucket, "static", **changes)
        return env

    def storage_url(self, bucket, prefix, **changes):
        raise NotImplementedError

    def misconfigured(self, env, tmp_path):
        """A copy of env that the storage refuses whatever the retries."""
        raise NotImplementedError

    def reset(self):
        """Delete every media object (the server is shared by a worker's tests)."""
        raise NotImplementedError

    def media_objects(self):
        """Every stored media object: the name the FileField holds -> bytes."""
        raise NotImplementedError

    def thumbnails(self, image):
        """The names of the thumbnails the project stores for an image (its name)."""
        return [
            f"thumbnails/{image}/{size}-{width}x{height}.webp"
            for size, (width, height) in THUMBNAIL_SIZES.items()
        ]

    def media_url(self, name):
        """The plain address of a stored file: its URL without any signature (here
        the server's path-style bucket URL)."""
        return f"{self.server.url}/{self.bucket}/media/{name}"

    @property
    def media_cache_control(self):
        return MEDIA_CACHE_CONTROL[self.storage["media_access"]]

    def static_url(self, name):
        """Where the bucket serves a static file (name under static/)."""
        return f"{self.server.url}/{self.static_bucket}/static/{name}"

    def static_objects(self):
        """With incremental_static: every static object on the bucket, name under
        static/ -> a marker that changes whenever the object is written again."""
        raise NotImplementedError

    def static_object(self, name):
        """One static object on the bucket (name under static/): Stored."""
        raise NotImplementedError


class FilesystemAdapter(Adapter):
    family = "filesystem"
    server_class = LocalDisk
    can_fail = provisions = False
    media_cache_control = None
    signed_urls = Lacks("the site sends private files on local disk itself: no URL is signed")
    expiring_urls = signed_urls
    static_on_bucket = Lacks("there is no bucket (the template refuses static_storage=bucket)")
    incremental_static = static_on_bucket
    wrong_credentials = Lacks("local disk takes no credentials")
    unreachable = Lacks("local disk is no service to reach")
    public_read_blocked = Lacks(
        "the site serves local media to anyone, or not at all (SERVE_MEDIA off: 404)"
    )
    live_tests = Lacks("the project's unit tests already run on local disk; it has no live tests")

    def storage_env(self):
        # SERVE_MEDIA: the app serves /media/ itself (as compose.yaml has it), so the
        # files' URLs answer like those of the other providers.
        return {"MEDIA_STORAGE_URL": file_url(self.server.media_root), "SERVE_MEDIA": "True"}

    def misconfigured(self, env, tmp_path):
        # A media folder below a regular file: no directory can ever be created there.
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("a file where the media directory should be")
        return {**env, "MEDIA_STORAGE_URL": file_url(blocker / "media")}

    def missing_bucket(self, env, tmp_path):
        return self.misconfigured(env, tmp_path)

    def reset(self):
        shutil.rmtree(self.server.media_root)
        self.server.media_root.mkdir()

    def media_objects(self):
        root = self.server.media_root
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    def media_url(self, name):
        return f"/media/{name}"


class S3Adapter(Adapter):
    """SeaweedFS: public media in public-media, private ones in private-media; static
    files under static/ of the same bucket, readable by anyone."""

    family = "s3"
    server_class = SeaweedFS
    lifetime_variable = "AWS_QUERYSTRING_EXPIRE"

    @property
    def static_bucket(self):
        # The bucket policy lets anyone read static/ in the private bucket too.
        return self.bucket

    @property
    def signed_urls(self):
        return QuerySignature("X-Amz-Signature") if self.private else Lacks("public media")

    @property
    def incremental_static(self):
        # Collectfasta compares the bucket's ETags with the files before uploading.
        return self.static_on_bucket

    @property
    def expiring_urls(self):
        return Expiry(amz_expiry, SIGN_EARLIER_BOTOCORE) if self.private else self.signed_urls

    def storage_url(self, bucket, prefix, secret=None, endpoint=None):
        """The project's storage URL for a prefix of a bucket on the server."""
        key = quote(self.server.access_key, safe="")
        secret = quote(secret or self.server.secret_key, safe="")
        endpoint = endpoint or self.server.endpoint
        options = f"endpoint={endpoint}&region=us-east-1&addressing_style=path"
        return f"s3://{key}:{secret}@{bucket}/{prefix}?{options}"

    def wrong_credentials(self, env):
        return {**env, **self.storage_env(secret="not-the-secret")}

    def misconfigured(self, env, tmp_path):
        return self.wrong_credentials(env)

    def unreachable(self, env, port):
        return {**env, **self.storage_env(endpoint=f"http://127.0.0.1:{port}")}

    def missing_bucket(self, env, tmp_path):
        # The server creates no bucket on a first write (-s3.autoCreateBucket=false).
        return {**env, "MEDIA_STORAGE_URL": self.storage_url("no-such-bucket", "media")}

    @property
    def public_read_blocked(self):
        return Lacks("private media") if self.private else self.on_closed_bucket

    def on_closed_bucket(self):
        """On a bucket of its own that the anonymous identity may not read (servers.py)."""
        client = self.server.client()
        if "closed-media" not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
            client.create_bucket(Bucket="closed-media")
        return self.on_bucket("closed-media")

    def objects(self, prefix):
        client = self.server.client()
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [item for page in pages for item in page.get("Contents", [])]

    def stored(self, key):
        answer = self.server.client().get_object(Bucket=self.bucket, Key=key)
        return Stored(answer["Body"].read(), answer.get("CacheControl"))

    def reset(self):
        client = self.server.client()
        for item in self.objects("media/"):
            client.delete_object(Bucket=self.bucket, Key=item["Key"])
        # And the multipart uploads a killed or cut-short test left unfinished.
        answer = client.list_multipart_uploads(Bucket=self.bucket)
        for upload in answer.get("Uploads", []):
            client.abort_multipart_upload(
                Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )

    def media_objects(self):
        return {
            item["Key"].removeprefix("media/"): self.stored(item["Key"]).data
            for item in self.objects("media/")
        }

    def static_objects(self):
        # S3 has no generation number: ETag and modification time (to the second) mark a write.
        return {
            item["Key"].removeprefix("static/"): f"{item['ETag']} {item['LastModified']}"
            for item in self.objects("static/")
        }

    def static_object(self, name):
        return self.stored(f"static/{name}")


class GcsAdapter(Adapter):
    """fake-gcs-server: public media in public-media (static files too); private media
    in private-media and static files in a public bucket of their own."""

    family = "gcs"
    server_class = FakeGcs
    lifetime_variable = "GS_EXPIRATION"
    wrong_credentials = Lacks(
        "fake-gcs-server checks no credentials (the Google client is anonymous with "
        "STORAGE_EMULATOR_HOST set), so no secret can be wrong"
    )
    signed_urls = Lacks(
        "fake-gcs-server checks no signatures, and the anonymous emulator client cannot "
        "sign: private media run with GS_QUERYSTRING_AUTH=False, as compose.yaml sets"
    )
    expiring_urls = signed_urls
    public_read_blocked = Lacks(
        "fake-gcs-server serves every object to anyone: it has no IAM or ACLs to refuse "
        "anonymous reads"
    )

    @property
    def live_tests(self):
        if self.private:
            return Lacks(
                "the project's live test of private media needs signed URLs, which the "
                "emulator cannot give (see signed_urls)"
            )
        return OPT_IN_LIVE_TESTS

    def storage_url(self, bucket, prefix, endpoint=None):
        # With an endpoint the Google client goes there, anonymous (and then the
        # project signs no URL).
        return f"gs://{bucket}/{prefix}?endpoint={endpoint or self.server.url}"

    def misconfigured(self, env, tmp_path):
        # A media bucket that does not exist (the static bucket stays).
        return {**env, "MEDIA_STORAGE_URL": self.storage_url("no-such-bucket", "media")}

    def unreachable(self, env, port):
        return {**env, **self.storage_env(endpoint=f"http://127.0.0.1:{port}")}

    missing_bucket = misconfigured

    @property
    def incremental_static(self):
        # The static storage lists the bucket once and writes no hashed name twice.
        return self.static_on_bucket

    def blobs(self, bucket, prefix):
        """The bucket's blobs under prefix (none before ensure_storage created it)."""
        client = self.server.client()
        if client.lookup_bucket(bucket, timeout=REQUEST_TIMEOUT) is None:
            return []
        return list(client.list_blobs(bucket, prefix=prefix, timeout=REQUEST_TIMEOUT))

    def reset(self):
        for blob in self.blobs(self.bucket, "media/"):
            blob.delete(timeout=REQUEST_TIMEOUT)

    def media_objects(self):
        return {
            blob.name.removeprefix("media/"): blob.download_as_bytes(timeout=REQUEST_TIMEOUT)
            for blob in self.blobs(self.bucket, "media/")
        }

    def static_objects(self):
        # Each write of a blob gives it a new generation.
        return {
            blob.name.removeprefix("static/"): blob.generation
            for blob in self.blobs(self.static_bucket, "static/")
        }

    def static_object(self, name):
        blob = self.server.client().bucket(self.static_bucket).get_blob(f"static/{name}")
        data = blob.download_as_bytes(timeout=REQUEST_TIMEOUT)
        return Stored(data, blob.cache_control)


class AzureAdapter(Adapter):
    """Azurite, whose containers are the buckets here: public media in public-media
    (static files too); private media in private-media and static files in a public
    container of their own."""

    family = "azure"
    server_class = Azurite
    lifetime_variable = "AZURE_URL_EXPIRATION_SECS"
    incremental_static = GcsAdapter.incremental_static  # the same ListedStatic

    @property
    def signed_urls(self):
        return QuerySignature("sig") if self.private else Lacks("public media")

    @property
    def expiring_urls(self):
        return Expiry(sas_expiry, SIGN_EARLIER_AZURE) if self.private else self.signed_urls

    def storage_url(self, container, prefix, key=None, endpoint=None):
        account = f"{self.server.account}:{quote(key or self.server.key, safe='')}"
        return f"azure://{account}@{container}/{prefix}?endpoint={endpoint or self.server.url}"

    def wrong_credentials(self, env):
        # A well-formed key (valid base64 of 64 bytes) that is not the account's.
        wrong = base64.b64encode(b"not the account key".ljust(64, b".")).decode()
        return {**env, **self.storage_env(key=wrong)}

    def misconfigured(self, env, tmp_path):
        return {**env, "MEDIA_STORAGE_URL": self.storage_url("no-such-container", "media")}

    missing_bucket = misconfigured

    def unreachable(self, env, port):
        endpoint = f"http://127.0.0.1:{port}/{self.server.account}"
        return {**env, **self.storage_env(endpoint=endpoint)}

    @property
    def public_read_blocked(self):
        return Lacks("private media") if self.private else self.on_closed_container

    def on_closed_container(self):
        """On a container of its own without anonymous access."""
        container = self.client("closed-media")
        if not container.exists():
            container.create_container()
        return self.on_bucket("closed-media")

    def client(self, container):
        return self.server.service().get_container_client(container)

    def blobs(self, container, prefix):
        client = self.client(container)
        return list(client.list_blobs(name_starts_with=prefix)) if client.exists() else []

    def reset(self):
        client = self.client(self.bucket)
        for blob in self.blobs(self.bucket, "media/"):
            client.delete_blob(blob.name)

    def media_objects(self):
        client = self.client(self.bucket)
        return {
            blob.name.removeprefix("media/"): client.download_blob(blob.name).readall()
            for blob in self.blobs(self.bucket, "media/")
        }

    def static_objects(self):
        # Each write of a blob gives it a new ETag.
        return {
            blob.name.removeprefix("static/"): f"{blob.etag} {blob.last_modified}"
            for blob in self.blobs(self.static_bucket, "static/")
        }

    def static_object(self, name):
        download = self.client(self.static_bucket).download_blob(f"static/{name}")
        return Stored(download.readall(), download.properties.content_settings.cache_control)


class CloudinaryServer(LoopbackCloudinary):
    """The loopback Cloudinary with this family's test account."""

    def __init__(self, workdir):
        super().__init__(workdir, "contract-cloud", "123456789012345", secrets.token_urlsafe(20))


class CloudinaryAdapter(Adapter):
    """The loopback Cloudinary (tests/servers_cloudinary.py); private media are
    uploaded as `authenticated` and delivered through signed URLs."""

    family = "cloudinary"
    server_class = CloudinaryServer
    provisions = False
    media_cache_control = None  # Cloudinary's CDN sets its own
    live_tests = OPT_IN_LIVE_TESTS
    static_on_bucket = Lacks("Cloudinary holds no static files (the template refuses bucket)")
    incremental_static = static_on_bucket
    expiring_urls = Lacks("Cloudinary's signed delivery URLs do not expire")
    public_read_blocked = Lacks(
        "the loopback Cloudinary delivers every 'upload' file, as Cloudinary does unless "
        "the account restricts delivery"
    )

    @property
    def signed_urls(self):
        return PathSignature() if self.private else Lacks("public media")

    def thumbnails(self, image):
        return []  # Cloudinary resizes from the URL: no copies are stored

    def account_url(self, secret=None, cloud=None, api=None):
        # upload_prefix sends the API here; cname + secure=false make delivery URLs
        # http://127.0.0.1:PORT/<cloud>/..., which this server answers too.
        host = urllib.parse.urlsplit(self.server.url).netloc
        account = f"{self.server.key}:{secret or self.server.secret}@{cloud or self.server.cloud}"
        api = api or self.server.url
        return f"cloudinary://{account}?upload_prefix={api}&cname={host}&secure=false"

    def storage_env(self):
        return {"MEDIA_STORAGE_URL": self.account_url()}

    def wrong_credentials(self, env):
        return {**env, "MEDIA_STORAGE_URL": self.account_url(secret="not-the-secret")}

    def misconfigured(self, env, tmp_path):
        return {**env, "MEDIA_STORAGE_URL": self.account_url(cloud="no-such-cloud")}

    missing_bucket = misconfigured

    def unreachable(self, env, port):
        return {**env, "MEDIA_STORAGE_URL": self.account_url(api=f"http://127.0.0.1:{port}")}

    def reset(self):
        self.server.reset()

    def media_objects(self):
        # Names as mediafiles/backends.py gives them out:
        # <resource_type>/<delivery type>/<public_id>[.<format>] (raw keeps no format).
        objects = {}
        for asset in self.server.state("assets"):
            name = f"{asset['resource_type']}/{asset['type']}/{asset['public_id']}"
            if asset["resource_type"] != "raw" and asset["format"]:
                name += "." + asset["format"]
            objects[name] = base64.b64decode(asset["data"])
        return objects

    def media_url(self, name):
        resource_type, delivery_type, path = name.split("/", 2)
        return f"{self.server.url}/{self.server.cloud}/{resource_type}/{delivery_type}/v1/{path}"


# Every variant the checks run on; each family's first one is its main variant.
VARIANTS = [
    FilesystemAdapter("filesystem"),
    FilesystemAdapter("filesystem", "private"),
    S3Adapter("s3-compatible", "private", "bucket"),
    S3Adapter("aws-s3", "private", "whitenoise"),
    S3Adapter("digitalocean-spaces", "public", "bucket"),
    GcsAdapter("gcs", "public", "bucket"),
    GcsAdapter("gcs", "private", "bucket"),
    AzureAdapter("azure", "private", "bucket"),
    AzureAdapter("azure", "public", "bucket"),
    CloudinaryAdapter("cloudinary", "private"),
    CloudinaryAdapter("cloudinary", "public"),
]


def adapter_for(provider, media_access="public", static_storage="whitenoise"):
    """A new adapter (with no server yet) for any answers of the storage questions."""
    family = CONTEXT["_providers"][provider]["family"]
    (kind,) = {type(adapter) for adapter in VARIANTS if adapter.family == family}
    return kind(provider, media_access, static_storage)


def variant(adapter_id):
    """A new adapter (with no server yet) for one of VARIANTS, by id."""
    (template,) = [adapter for adapter in VARIANTS if adapter.id == adapter_id]
    return type(template)(*template.storage.values())


def case(adapter_id, *values, marks=()):
    """A test parameter for one variant. Its tests share one xdist worker, which
    then prepares the variant's project and buckets only once."""
    group = pytest.mark.xdist_group(adapter_id)
    return pytest.param(adapter_id, *values, marks=[group, *marks])


def families():
    """Each family's variants, in the order of VARIANTS."""
    grouped = {}
    for adapter in VARIANTS:
        grouped.setdefault(adapter.family, []).append(adapter)
    return grouped


# The main variant of every family, for what every family guarantees.
MAIN_VARIANTS = [members[0] for members in families().values()]
FAMILIES = [case(adapter.id) for adapter in MAIN_VARIANTS]


def cases(capability):
    """Parameters for a check that needs a capability: every variant that has it;
    for a family where none has it, its main variant, skipped with the reason."""
    params = []
    for family, members in families().items():
        having = [case(adapter.id) for adapter in members if getattr(adapter, capability)]
        if not having:
            lacks = getattr(members[0], capability)
            skip = pytest.mark.skip(reason=f"{family} lacks {capability}: {lacks.reason}")
            having = [case(members[0].id, marks=[skip])]
        params += having
    return params


class ServerPool:
    """One shared server per family and test worker, started on first use."""

    def __init__(self, workdir):
        self.workdir, self.servers = Path(workdir), {}

    def get(self, server_class):
        if server_class not in self.servers:
            workdir = self.workdir / server_class.__name__.lower()
            self.servers[server_class] = server_class(workdir)
        return self.servers[server_class]

    def stop(self):
        for server in self.servers.values():
            server.stop()


def deploy(projects, adapter, databases, static_files=True, developer_app=False):
    """Bake and install the adapter's project, give it a database, create its buckets,
    collect static files; (project, env).

    The database is a new PostgreSQL database (databases: the test's, see
    tests/servers.py), a copy of one migrated once per project and server, with a
    superuser "admin" (site.PASSWORD). The rest as a deployment would:
    `ensure_storage` and, for static files on the bucket, collectstatic to the
    server (once per server: the files stay); static files for whitenoise are
    collected once into the project's STATIC_ROOT (the build). static_files=False
    leaves the bucket without them where the local manifest already exists: pages
    only need the manifest (for a server that a test breaks). developer_app=True: the
    project with a developer's own app (tests/developer_app.py).
    """
    project = projects(**adapter.answers, developer_app=developer_app)
    env = adapter.env(project)
    env["DATABASE_URL"] = databases.new(template=migrated_database(project, env, databases.server))
    # Once per project and server: the developer-app project has a manifest of its own.
    if (adapter.id, project.root) not in adapter.server.prepared:
        if adapter.provisions:
            result = project.manage("ensure_storage", env=env)
            assert result.returncode == 0, result.stdout + result.stderr
        manifest = project.root / "staticfiles" / "staticfiles.json"
        if adapter.static_on_bucket and (static_files or not manifest.exists()):
            collect_static(project, env)
        adapter.server.prepared.add((adapter.id, project.root))
    if not adapter.static_on_bucket:
        with FileLock(f"{project.root}.collectstatic.lock"):
            if not (project.root / "staticfiles" / "staticfiles.json").exists():
                collect_static(project, env)
    return project, env


@contextmanager
def deployed_to_fail(
    projects, server_pool, databases, tmp_path, adapter_id, fault, developer_app=False
):
    """A variant's project deployed for a storage fault; (adapter, project, env).

    "killed" and "frozen" need a server of the test's own, which adapter.fail(fault)
    then breaks; "misconfigured" uses the worker's shared server, with the project's
    storage setting made one that cannot work. The bucket gets no static files:
    pages only read the local manifest.
    """
    adapter = variant(adapter_id)
    if fault == "misconfigured":
        adapter.attach(server_pool)
    else:
        adapter.start(tmp_path / "server")
    with adapter:
        project, env = deploy(
            projects, adapter, databases, static_files=False, developer_app=developer_app
        )
        if fault == "misconfigured":
            env = adapter.misconfigured(env, tmp_path)
        yield adapter, project, env


def migrated_database(project, env, postgres):
    """The name of the project's database on this server, migrated and with its
    superuser: made once, then copied (CREATE DATABASE ... TEMPLATE)."""
    if project.root not in postgres.templates:
        name = postgres.create_database()
        env = {**env, "DATABASE_URL": postgres.url(name)}
        project.migrate(env)
        create_superuser(project, env)
        postgres.templates[project.root] = name
    return postgres.templates[project.root]


def collect_static(project, env):
    result = project.manage("collectstatic", "--noinput", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result
