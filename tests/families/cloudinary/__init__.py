"""The cloudinary family on the loopback Cloudinary: Cloudinary has no emulator.

The adapter below; its server in server.py (the process) and loopback.py (the
HTTP server itself, which checks signatures as Cloudinary does); the tests of what
only this family does beside them.
"""

import base64
import re
import secrets
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass

from tests.families.cloudinary.server import ContractCloudinary, LoopbackCloudinary
from tests.families.contract import (
    OPT_IN_LIVE_TESTS,
    Adapter,
    ComposeStorage,
    Lacks,
    flip_first,
)

# A cloud account as a deployment gives it: compose.yaml and the settings need one
# to start (the local .env has none: there is no emulator).
ACCOUNT = "cloudinary://111222333:not-a-secret@demo-cloud"


@dataclass(frozen=True)
class PathSignature:
    """Signed URLs whose signature is a path segment: /s--SIGNATURE--/."""

    pattern = re.compile(r"/s--([\w-]{8})--/")
    marker = "/s--"

    def signature(self, url):
        match = self.pattern.search(url)
        return match and match.group(1)

    def unsigned(self, url):
        return self.pattern.sub("/", url)

    def tampered(self, url):
        return self.pattern.sub(lambda match: f"/s--{flip_first(match.group(1))}--/", url)


class CloudinaryAdapter(Adapter):
    """The loopback Cloudinary (loopback.py); private media are uploaded as
    `authenticated` and delivered through signed URLs, which the site relays."""

    family = "cloudinary"
    server_class = ContractCloudinary
    provisions = False
    sends_private_files = True
    scheme = "cloudinary"
    media_storage_class = "CloudinaryStorage"
    traces = re.compile(rb"(?i)cloudinary")
    account_env = {"CLOUDINARY_URL": ACCOUNT}
    # No emulator: compose.yaml and a run against the account read CLOUDINARY_URL.
    local_env_lines = {"cloudinary": "CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME"}
    compose_emulator = Lacks("Cloudinary has no emulator: compose.yaml needs an account")
    # Cloudinary delivers a raw file with the Content-Type of its extension, bare
    # (text/plain): no upload parameter sets a Content-Type or charset (the upload
    # API's `headers` takes only Link, Authorization and X-Robots-Tag). Chromium then
    # decodes the bytes as windows-1252, and the user sees the text as the browser
    # guesses it.
    serves_charset = Lacks("Cloudinary serves raw files as the extension's bare Content-Type")
    copies_media = Lacks("Cloudinary names files itself: copy_media refuses it, saying so")
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

    def image_name(self, name):
        # <resource_type>/<delivery type>/<public_id>: the media/ prefix is the public
        # ID's, and the format is the URL's.
        return "image/upload/media/" + name.removesuffix(".jpg")

    def assert_compose_config(self, config):
        # No volume: the account comes from the environment.
        web = config["services"]["web"]
        assert "volumes" not in web and "media" not in config["volumes"]
        assert web["environment"]["MEDIA_STORAGE_URL"] == ACCOUNT

    @contextmanager
    def compose_storage(self, site, workdir, reachable_address):
        """A loopback Cloudinary where the web container reaches it; compose.yaml
        takes CLOUDINARY_URL from the environment (or .env): an account on it, for
        API calls and delivery URLs alike."""
        server = LoopbackCloudinary(
            workdir / "cloudinary", "compose-cloud", "123456789012345",
            secrets.token_urlsafe(20), host=reachable_address(),
        )  # fmt: skip
        host = urllib.parse.urlsplit(server.url).netloc
        account = (
            f"cloudinary://{server.key}:{server.secret}@{server.cloud}"
            f"?upload_prefix={server.url}&cname={host}&secure=false"
        )

        def check_stored(link):
            stored = [asset["public_id"] for asset in server.state("assets")]
            assert len(stored) == 1 and stored[0] in link, (stored, link)

        try:
            yield ComposeStorage(
                env={"CLOUDINARY_URL": account},
                media_at=f"{server.url}/{server.cloud}/",
                check_stored=check_stored,
            )
        finally:
            server.stop()


# The variants the checks run on; the first is the family's main variant.
VARIANTS = [
    CloudinaryAdapter("cloudinary", "private"),
    CloudinaryAdapter("cloudinary", "public"),
]
# The variant whose README's local run tests/test_local_default.py follows.
LOCAL_RUN = "cloudinary-private-whitenoise"
