import io
{%- if cookiecutter.__family not in ["filesystem", "cloudinary"] %}
import os
{%- endif %}

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
{%- if cookiecutter.__family == "filesystem" %}
def media_root(settings, tmp_path):
    """Each test stores its uploads in a directory of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
{%- else %}
def fresh_media_storage(settings):
    """Each test starts with an empty in-memory default storage."""
    settings.STORAGES = {**settings.STORAGES}
{%- endif %}


@pytest.fixture
def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(buffer, format="PNG")
    return buffer.getvalue()
{%- if cookiecutter.__family != "filesystem" %}


def pytest_collection_modifyitems(config, items):
{%- if cookiecutter.__family == "cloudinary" %}
    """Tests marked live need a real account: they run only when CLOUDINARY_URL is set."""
    from django.conf import settings

    if settings.CLOUDINARY_LIVE:
        return
{%- else %}
    """Tests marked live run only when STORAGE_LIVE_TESTS=1 (see test_storage_live.py)."""
    if os.environ.get("STORAGE_LIVE_TESTS") == "1":
        return
{%- endif %}
    live = [item for item in items if item.get_closest_marker("live")]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if item not in live]
{%- endif %}
