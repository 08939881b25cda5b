"""The azure family's server: Azurite's blob service in memory, installed into
node_modules by scripts/test (the registry's npm test tools), on a free loopback port
and stopped by PID."""

from tests.helpers import CONTEXT, TEMPLATE_DIR, free_port
from tests.servers import REQUEST_TIMEOUT, Server

AZURITE = TEMPLATE_DIR / "node_modules" / ".bin" / "azurite-blob"
# Azurite's well-known development account (published in Microsoft's documentation),
# as the registry in cookiecutter.json records it for the generated projects.
AZURITE_ACCOUNT = CONTEXT["_families"]["azure"]["emulator"]["account"]
AZURITE_KEY = CONTEXT["_families"]["azure"]["emulator"]["key"]


class Azurite(Server):
    """Azurite's blob service in memory. It checks SAS signatures and container access."""

    account, key = AZURITE_ACCOUNT, AZURITE_KEY

    def __init__(self, workdir):
        workdir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        command = [
            AZURITE,
            *("--blobHost", "127.0.0.1", "--blobPort", str(port)),
            "--inMemoryPersistence",
            *("--skipApiVersionCheck", "--disableTelemetry", "--silent"),
        ]
        # Readiness with a plain request: the SDK's retries would hide it for seconds.
        url = f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}"
        super().__init__(command, url, url, workdir)

    def connection_string(self, key=None):
        return (
            f"DefaultEndpointsProtocol=http;AccountName={self.account};"
            f"AccountKey={key or self.key};BlobEndpoint={self.url};"
        )

    def service(self):
        """A blob service client of our own, with bounded waits and no retries."""
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient.from_connection_string(
            self.connection_string(),
            retry_total=0,
            connection_timeout=5,
            read_timeout=REQUEST_TIMEOUT,
        )
