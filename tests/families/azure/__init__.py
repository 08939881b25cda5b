"""The azure family (Azure Blob Storage) on Azurite.

The adapter below; its server in server.py; the stand-in for its compose.yaml
emulator image in docker/.
"""

import base64
import re
import urllib.parse
from datetime import datetime
from urllib.parse import quote

from tests.families.azure.server import Azurite
from tests.families.contract import (
    Adapter,
    Expiry,
    Lacks,
    QuerySignature,
    Stored,
    assert_emulator_beside_web,
    emulator_of,
)

EMULATOR = emulator_of("azure")
# The start of the commented emulator line of a bake's local .env: Azurite's
# well-known account, its key percent-encoded as a storage URL holds it.
LOCAL_ENV_LINE = (
    f"azure://{EMULATOR['account']}:{quote(EMULATOR['key'], safe='')}@media/media"
    f"?endpoint={EMULATOR['endpoint']}"
)


def sas_expiry(url):
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    return datetime.fromisoformat(query["se"])


# django-storages' AzureStorage.url() takes the SAS lifetime in seconds from now.
SIGN_EARLIER_AZURE = """
def signed_earlier(storage, name):
    return storage.url(name, expire=storage.expiration_secs - 2 * 3600)
"""


class AzureAdapter(Adapter):
    """Azurite, whose containers are the buckets here: public media in public-media
    (static files too); private media in private-media and static files in a public
    container of their own."""

    family = "azure"
    server_class = Azurite
    lifetime_variable = "AZURE_URL_EXPIRATION_SECS"
    scheme = "azure"
    bucket_word = "container"
    listed_static = True
    traces = re.compile(rb"(?i)azure|azurite")
    local_env_lines = {"azure": LOCAL_ENV_LINE}
    compose_emulator = True

    @property
    def incremental_static(self):
        # The static storage lists the container once and writes no hashed name twice.
        return self.static_on_bucket

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

    def create_bucket(self, name):
        self.client(name).create_container()

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

    def assert_compose_config(self, config):
        assert_emulator_beside_web(config, self.family, "azurite", "10000", "azurite_data")


# The variants the checks run on; the first is the family's main variant.
VARIANTS = [
    AzureAdapter("azure", "private", "bucket"),
    AzureAdapter("azure", "public", "bucket"),
]
# The variant whose README's local run tests/test_local_default.py follows.
LOCAL_RUN = "azure-public-bucket"
