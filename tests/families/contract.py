"""The contract every family's adapter fills in: what a test needs to know about a
storage family, in words that name no family.

An adapter is one set of storage answers (storage_provider, media_access,
static_storage) and everything a test needs to know about its family: the server
it runs (each family's own, in its module beside the adapter), the environment that
points the project at it, how to list what the project stored, where its URLs
lead, how to break it.

    adapter = variant("<provider>-private-bucket")
    with adapter.start(tmp_path / "server"):       # a server of its own (kill, freeze)
        project, env = deploy(projects, adapter, databases)
    adapter.attach(pool)                            # or the worker's shared server

Capabilities. What a check needs is declared by each adapter, one attribute per
capability: a truthy value that the check uses, or Lacks(reason). Checks are
parametrised with cases(name) (tests/families/__init__.py): every variant that has
the capability and, for a family where none has it, its main variant marked skip
with "<family> lacks <name>: <reason>". adapter.require(name) gives the value (or
skips the same way). A new family gets every check by writing an adapter and
listing its variants.

- signed_urls: media URLs carry a signature the server checks (a signature
  object: QuerySignature, or the family's own: where it is, how to remove or
  alter it, and the text that marks it);
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
  (LiveTests: the variables that opt in);
- compose_emulator: the web service of the bake's compose.yaml reaches the
  family's emulator at the registry's endpoint, with no secret of the bake's own,
  so that a test's server can stand in for it (True).

Besides the capabilities, each adapter states its family's facts that shared tests
check without naming the family (see the attributes of Adapter below).
"""

import tempfile
import urllib.parse
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import CONTEXT

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
    "compose_emulator",
)
# Every project's default lifetime of a signed URL (each adapter's lifetime_variable),
# in seconds: the site hands one out per allowed request (mediafiles/access.py).
DEFAULT_URL_LIFETIME = 60
# The lifetime the checks deploy with (adapter.lifetime_variable): a check that
# fetches a URL some time after it was handed out never races the default minute
# on a busy machine. tests/test_private_media.py deploys with the default.
URL_LIFETIME = 3600
STATIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Every project's THUMBNAIL_SIZES: a stored image's thumbnails follow from its name.
THUMBNAIL_SIZES = {"list": (384, 384), "admin": (240, 240)}
MEDIA_CACHE_CONTROL = {"public": "public, max-age=86400", "private": "private, max-age=3600"}


def providers_of(family):
    """The providers of a family, in the registry's order."""
    return [name for name, entry in CONTEXT["_providers"].items() if entry["family"] == family]


def emulator_of(family):
    """A family's local emulator in the registry (image, endpoint...), or None."""
    return CONTEXT["_families"][family].get("emulator")


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


def flip_first(signature):
    """The same signature with its first character changed."""
    return ("B" if signature[0] == "A" else "A") + signature[1:]


@dataclass(frozen=True)
class QuerySignature:
    """Signed URLs whose signature is the query parameter `parameter`."""

    parameter: str

    @property
    def marker(self):
        """Text that only a signed URL holds."""
        return f"{self.parameter}="

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


@dataclass
class ComposeStorage:
    """What a family's compose stack (tests/test_compose.py) needs and gives: the
    variables it needs beyond .env, where the app's media URLs start, where static
    files on the bucket are served from (None: by the site), and a check that an
    uploaded file's link names what the storage holds."""

    env: dict = field(default_factory=dict)
    media_at: str = ""
    static_at: str | None = None
    check_stored: Callable[[str], None] = lambda link: None


class Adapter:
    """A family's answers and server. Each family's module fills in the blanks."""

    family = ""
    server_class = None
    can_fail = True  # a server that can be killed or frozen
    provisions = True  # the project has `manage.py ensure_storage`
    # Every adapter declares each of CAPABILITIES; this default marks one it forgot.
    signed_urls = expiring_urls = incremental_static = wrong_credentials = Lacks("not declared")
    unreachable = missing_bucket = public_read_blocked = Lacks("not declared")
    compose_emulator = Lacks("not declared")
    live_tests = OPT_IN_LIVE_TESTS

    # The family's facts that shared tests check ------------------------------------------

    # Media are files on this machine's disk, served by the site itself (no server).
    on_local_disk = False
    # Private files are sent by the site itself, not handed out as a signed URL.
    sends_private_files = False
    # The server names the charset of a text file it serves (else Lacks(why)).
    serves_charset = True
    # `manage.py copy_media` copies to and from the storage (else Lacks(why)).
    copies_media = True
    # The storage client keeps retrying a refused connection longer than the deep
    # health check's budget, which may then time out before it names the cause.
    retries_refused_connections = False
    # The static storage on the bucket is the project's ListedStatic over Django's
    # ManifestFilesMixin (bench/static_files.py measures it against the mixin alone).
    listed_static = False
    # What the family's storages call a bucket (ensure_storage says "Created <word> <name>").
    bucket_word = "bucket"
    # The class that holds media in the bake's mediafiles/backends.py.
    media_storage_class = "MediaStorage"
    # The scheme of the family's storage URLs (MEDIA_STORAGE_URL=<scheme>://...).
    scheme = ""
    # Names only the bakes of this family may contain, docs and comments too (a bytes
    # regular expression; None: every bake may name what this family names).
    traces = None
    # What a provider's project needs in its environment beyond .env (a cloud account).
    account_env = {}
    # provider -> the start of the commented storage URL line in its bake's local .env,
    # {key} and {secret} standing for the .env's own emulator keys (None: no such line).
    local_env_lines = {}
    # The answers of the family's stack in tests/test_compose.py (empty: its first
    # provider's defaults).
    compose_stack = {}

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

    @classmethod
    def stack_answers(cls):
        """The answers of the family's compose stack (compose_stack, or its first
        provider with the defaults)."""
        return cls.compose_stack or {"storage_provider": providers_of(cls.family)[0]}

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

    def create_bucket(self, name):
        """An empty bucket (container) `name` on the server, for a family with buckets."""
        raise NotImplementedError

    def thumbnails(self, image):
        """The names of the thumbnails the project stores for an image (its name)."""
        return [
            f"thumbnails/{image}/{size}-{width}x{height}.webp"
            for size, (width, height) in THUMBNAIL_SIZES.items()
        ]

    def image_name(self, name):
        """What an ImageField holds for an image the project stored as `name`."""
        return name

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

    # The bake's local .env and compose.yaml --------------------------------------------

    def local_env_credentials(self, env_text):
        """The emulator's keys that a bake's local .env holds: {"key", "secret"}
        (None each where the family's emulator takes none)."""
        return {"key": None, "secret": None}

    def assert_compose_config(self, config):
        """Check the family's part of compose.yaml, as `docker compose config` resolves it."""
        raise NotImplementedError

    @contextmanager
    def compose_storage(self, site, workdir, reachable_address):
        """What the family's compose stack needs and where it keeps files (a
        ComposeStorage) while the stack runs. site: the stack's published address;
        reachable_address(): this machine's address that the containers reach."""
        emulator = emulator_of(self.family)
        yield ComposeStorage(media_at=f"{emulator['endpoint']}/media/media/")


def assert_emulator_beside_web(config, family, service, port, volume):
    """compose.yaml runs the family's emulator (the registry's image) as `service`,
    sharing its network with the web service: it publishes the site's port and its
    own, keeps its data in `volume`, and answers before the web service starts."""
    services, web = config["services"], config["services"]["web"]
    assert services[service]["image"] == emulator_of(family)["image"]
    assert web["network_mode"] == f"service:{service}"
    assert "ports" not in web and "volumes" not in web
    assert {p["published"] for p in services[service]["ports"]} == {"8000", port}
    assert volume in config["volumes"]
    # The web service starts once the emulator answers (ensure_storage needs it).
    assert web["depends_on"][service]["condition"] == "service_healthy"
    assert "healthcheck" in services[service]
    assert web["command"][-1].startswith("python manage.py ensure_storage")
