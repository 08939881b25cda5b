"""The S3 family (aws-s3, digitalocean-spaces, s3-compatible) on SeaweedFS.

The adapter below; its server in server.py; the tests of what only this family
does (streaming uploads, the streaming files of its bakes) beside them; the
stand-in for its compose.yaml emulator image in docker/; its benchmarks in bench/.
"""

import re
import urllib.parse
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from tests.families.contract import (
    Adapter,
    ComposeStorage,
    Expiry,
    Lacks,
    QuerySignature,
    Stored,
    emulator_of,
)
from tests.families.s3.server import SeaweedFS

EMULATOR = emulator_of("s3")
# The start of the commented emulator line of a bake's local .env (the default
# project slug names the bucket).
LOCAL_ENV_LINE = "s3://{key}:{secret}@my-project-media/media?endpoint=" + EMULATOR["endpoint"] + "&"
# Where the default project's compose stack serves its bucket: compose.yaml names
# SeaweedFS s3.localhost on its network, and publishes its port.
COMPOSE_BUCKET = "http://s3.localhost:8333/my-project-media"


def amz_expiry(url):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    signed = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return signed + timedelta(seconds=int(query["X-Amz-Expires"]))


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


class S3Adapter(Adapter):
    """SeaweedFS: public media in public-media, private ones in private-media; static
    files under static/ of the same bucket, readable by anyone."""

    family = "s3"
    server_class = SeaweedFS
    lifetime_variable = "AWS_QUERYSTRING_EXPIRE"
    scheme = "s3"
    traces = re.compile(rb"(?i)\bAWS_|boto|seaweed|amazon|digitalocean|\bS3\b|collectfasta")
    local_env_lines = {"aws-s3": LOCAL_ENV_LINE, "s3-compatible": LOCAL_ENV_LINE}
    compose_stack = {"storage_provider": "s3-compatible", "static_storage": "bucket"}
    compose_emulator = Lacks(
        "compose.yaml reaches SeaweedFS by a network alias, with keys of the bake's own "
        "that a test's server does not know"
    )

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
        """On a bucket of its own that the anonymous identity may not read (server.py)."""
        client = self.server.client()
        if "closed-media" not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
            client.create_bucket(Bucket="closed-media")
        return self.on_bucket("closed-media")

    def create_bucket(self, name):
        self.server.client().create_bucket(Bucket=name)

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

    # The bake's local .env and compose.yaml --------------------------------------------

    def local_env_credentials(self, env_text):
        values = dict(re.findall(r"^(S3_EMULATOR_\w+)=(.*)$", env_text, re.MULTILINE))
        return {
            "key": values.get("S3_EMULATOR_ACCESS_KEY"),
            "secret": values.get("S3_EMULATOR_SECRET_KEY"),
        }

    def assert_compose_config(self, config):
        web, s3 = config["services"]["web"], config["services"]["s3"]
        assert s3["image"] == EMULATOR["image"]
        assert "s3.localhost" in s3["networks"]["default"]["aliases"]
        assert web["depends_on"]["s3"]["condition"] == "service_healthy"
        # The app and the emulator share the credentials of .env.
        key, secret = s3["environment"]["ACCESS_KEY"], s3["environment"]["SECRET_KEY"]
        assert web["environment"]["MEDIA_STORAGE_URL"].startswith(
            f"s3://{key}:{secret}@my-project-media/media?endpoint=http://s3.localhost:8333&"
        )
        assert "healthcheck" in s3 and "s3_data" in config["volumes"]

    @contextmanager
    def compose_storage(self, site, workdir, reachable_address):
        static_at = f"{COMPOSE_BUCKET}/static/" if self.static_on_bucket else None
        yield ComposeStorage(media_at=f"{COMPOSE_BUCKET}/media/", static_at=static_at)


# The variants the checks run on; the first is the family's main variant.
VARIANTS = [
    S3Adapter("s3-compatible", "private", "bucket"),
    S3Adapter("aws-s3", "private", "whitenoise"),
    S3Adapter("digitalocean-spaces", "public", "bucket"),
]
# The variant whose README's local run tests/test_local_default.py follows.
LOCAL_RUN = "s3-compatible-private-bucket"
