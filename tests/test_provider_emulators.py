"""Google Cloud Storage and Azure projects bring their emulator in compose.yaml: the web
service's environment, as Docker Compose resolves it, works against that emulator
(here the test's own fake-gcs-server or Azurite, where compose's address pointed)."""

import json
import subprocess
import uuid

import pytest

from tests.helpers import COMPOSE, CONTEXT, clean_env
from tests.providers import case

pytestmark = pytest.mark.slow

# The variable that holds the emulator's address in compose.yaml, and that address
# (the registry's, in cookiecutter.json).
EMULATOR_ADDRESS = {
    family: (variable, CONTEXT["_families"][family]["emulator"]["endpoint"])
    for family, variable in (("gcs", "STORAGE_EMULATOR_HOST"), ("azure", "AZURE_CONNECTION_STRING"))
}
# What ensure_storage creates, and the variables that name them.
BUCKETS = {
    "gcs": ("bucket", ["GS_BUCKET_NAME", "GS_STATIC_BUCKET_NAME"]),
    "azure": ("container", ["AZURE_CONTAINER", "AZURE_STATIC_CONTAINER"]),
}
SAVE_AND_READ = """
import json
from urllib.request import urlopen
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage as storage
name = storage.save("uploads/compose.txt", ContentFile(b"through compose's environment"))
with urlopen(storage.url(name), timeout=30) as response:
    print(json.dumps(response.read().decode()))
"""


def compose_web_environment(project):
    """The web service's environment as Docker Compose resolves it (.env included)."""
    result = subprocess.run(
        [COMPOSE, "-f", "compose.yaml", "config", "--format", "json"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env=clean_env(),
        check=True,
    )
    return json.loads(result.stdout)["services"]["web"]["environment"]


@pytest.mark.parametrize(
    "adapter", [case("gcs-private-bucket"), case("azure-private-bucket")], indirect=True
)
def test_compose_web_environment_works_against_its_emulator(projects, adapter, tmp_path):
    project = projects(**{**adapter.answers, "use_docker": True})
    env = compose_web_environment(project)
    holder, address = EMULATOR_ADDRESS[adapter.family]
    assert address in env[holder]
    env[holder] = env[holder].replace(address, adapter.server.url)
    # Buckets of this test's own, for ensure_storage to create.
    kind, variables = BUCKETS[adapter.family]
    for variable in variables:
        env[variable] = f"{env[variable]}-{uuid.uuid4().hex[:10]}"
    env.update(
        ENV_FILE="",  # compose has read .env already
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    # The first step of the web service's start command.
    created = project.manage("ensure_storage", env=env)

    assert created.returncode == 0, created.stdout + created.stderr
    for variable in variables:
        assert f"Created {kind} {env[variable]}" in created.stdout, created.stdout
    assert project.shell(SAVE_AND_READ, env) == "through compose's environment"
