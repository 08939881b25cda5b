"""Projects whose compose.yaml brings their family's emulator beside the web service
(adapter.compose_emulator): the web service's environment, as Docker Compose resolves
it, works against that emulator (here the test's own server of the family, where
compose's address pointed)."""

import json
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.families import VARIANTS, case
from tests.families.contract import emulator_of
from tests.helpers import COMPOSE, clean_env

pytestmark = pytest.mark.slow

# The storage URLs, in which the host part names what ensure_storage creates.
STORAGE_URLS = ["MEDIA_STORAGE_URL", "STATIC_STORAGE_URL"]
# Each such family's variant with both storage URLs and private media.
EMULATED = [
    case(adapter.id)
    for adapter in VARIANTS
    if adapter.compose_emulator and adapter.private and adapter.static_on_bucket
]
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


@pytest.mark.parametrize("adapter", EMULATED, indirect=True)
def test_compose_web_environment_works_against_its_emulator(projects, adapter, tmp_path):
    project = projects(**{**adapter.answers, "use_docker": True})
    env = compose_web_environment(project)
    # The emulator's address in compose.yaml (the registry's, in cookiecutter.json).
    address, kind = emulator_of(adapter.family)["endpoint"], adapter.bucket_word
    created_names = []
    for variable in STORAGE_URLS:
        assert address in env[variable]
        # The test's own server, and buckets of this test's own for ensure_storage.
        parts = urlsplit(env[variable].replace(address, adapter.server.url))
        userinfo, at, name = parts.netloc.rpartition("@")
        name = f"{name}-{uuid.uuid4().hex[:10]}"
        env[variable] = urlunsplit(parts._replace(netloc=f"{userinfo}{at}{name}"))
        created_names.append(name)
    env.update(
        ENV_FILE="",  # compose has read .env already
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    # The first step of the web service's start command.
    created = project.manage("ensure_storage", env=env)

    assert created.returncode == 0, created.stdout + created.stderr
    for name in created_names:
        assert f"Created {kind} {name}" in created.stdout, created.stdout
    assert project.shell(SAVE_AND_READ, env) == "through compose's environment"
