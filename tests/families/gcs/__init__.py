"""The gcs family (Google Cloud Storage) on fake-gcs-server.

The adapter below; its server in server.py; the stand-in for its compose.yaml
emulator image in docker/.
"""

import re

from tests.families.contract import (
    OPT_IN_LIVE_TESTS,
    Adapter,
    Lacks,
    Stored,
    assert_emulator_beside_web,
    emulator_of,
)
from tests.families.gcs.server import FakeGcs
from tests.servers import REQUEST_TIMEOUT

EMULATOR = emulator_of("gcs")


class GcsAdapter(Adapter):
    """fake-gcs-server: public media in public-media (static files too); private media
    in private-media and static files in a public bucket of their own."""

    family = "gcs"
    server_class = FakeGcs
    lifetime_variable = "GS_EXPIRATION"
    scheme = "gs"
    traces = re.compile(rb"(?i)\bGS_|google|fake-gcs|gcloud")
    local_env_lines = {"gcs": f"gs://media/media?endpoint={EMULATOR['endpoint']}"}
    compose_emulator = True
    listed_static = True
    # The Google client retries a refused connection for 10 s.
    retries_refused_connections = True
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

    def create_bucket(self, name):
        self.server.client().create_bucket(name)

    def assert_compose_config(self, config):
        assert_emulator_beside_web(config, self.family, "gcs", "4443", "gcs_data")


# The variants the checks run on; the first is the family's main variant.
VARIANTS = [
    GcsAdapter("gcs", "public", "bucket"),
    GcsAdapter("gcs", "private", "bucket"),
]
# The variant whose README's local run tests/test_local_default.py follows.
LOCAL_RUN = "gcs-private-bucket"
