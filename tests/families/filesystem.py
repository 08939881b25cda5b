"""The filesystem family: media on local disk, served by the site itself.

Its "server" is a media directory (LocalDisk); it has no bucket, no credentials
and no emulator, and cannot be killed or frozen.
"""

import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from tests.families.contract import Adapter, ComposeStorage, Lacks


def file_url(path):
    """The project's storage URL of a folder on local disk."""
    return f"file://{quote(str(path))}"


class LocalDisk:
    """The family's "server": a media directory."""

    url = None

    def __init__(self, workdir):
        self.workdir, self.prepared = Path(workdir), set()
        self.media_root = self.workdir / "media"
        self.media_root.mkdir(parents=True)

    def stop(self):
        """Nothing runs: the directory stays until pytest removes it."""

    kill = freeze = thaw = stop


class FilesystemAdapter(Adapter):
    family = "filesystem"
    server_class = LocalDisk
    can_fail = provisions = False
    on_local_disk = sends_private_files = True
    scheme = "file"
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
    compose_emulator = Lacks("no emulator: compose.yaml keeps media in a volume of the web service")
    # Local disk is every bake's storage in its local .env: no emulator line.
    local_env_lines = {"filesystem": None}

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

    def assert_compose_config(self, config):
        # Uploads live in a named volume of the web service.
        web = config["services"]["web"]
        volumes = {(v["source"], v["target"]) for v in web["volumes"]}
        assert ("media", "/app/media") in volumes
        assert "media" in config["volumes"]

    @contextmanager
    def compose_storage(self, site, workdir, reachable_address):
        yield ComposeStorage(media_at=f"{site}/media/")


# The variants the checks run on; the first is the family's main variant.
VARIANTS = [
    FilesystemAdapter("filesystem"),
    FilesystemAdapter("filesystem", "private"),
]
# The variant whose README's local run tests/test_local_default.py follows.
LOCAL_RUN = "filesystem-public-whitenoise"
