import io

import pytest
from django.conf import settings as django_settings
from PIL import Image


@pytest.fixture(autouse=True)
def fresh_media(settings, tmp_path):
    """Each test starts with no media: a new media storage, in a directory of its own."""
    default = settings.STORAGES["default"]
    options = {**default.get("OPTIONS", {}), "location": tmp_path / "media"}
    settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}


@pytest.fixture
def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def pytest_collection_modifyitems(config, items):
    """Tests marked live run against the real storage service only when asked to
    (STORAGE_LIVE in config/test_settings.py); otherwise they are deselected."""
    if getattr(django_settings, "STORAGE_LIVE", False):
        return
    live = [item for item in items if item.get_closest_marker("live")]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if item not in live]
