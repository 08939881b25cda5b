"""The Azure Blob Storage configuration, checked offline.

The storages are built from config.settings.STORAGES (the test settings keep
media in memory); URLs and SAS signatures are computed locally.
"""

from urllib.parse import parse_qs, urlsplit
{% if cookiecutter.static_storage == "bucket" %}
from django.contrib.staticfiles.storage import ManifestFilesMixin
{%- endif %}
from django.core.files.storage import storages
{%- if cookiecutter.static_storage == "bucket" %}
from django.utils.module_loading import import_string
{%- endif %}

from config import settings as configured

# What the test settings' storage URLs name (config/test_settings.py).
MEDIA = configured.STORAGES["default"]["OPTIONS"]
MEDIA_URL = (
    f"https://{MEDIA['account_name']}.blob.core.windows.net/{MEDIA['azure_container']}/media/"
)


def build(alias):
    return storages.create_storage(configured.STORAGES[alias])


def test_media_go_under_media_and_are_never_overwritten():
    storage = build("default")

    assert storage.azure_container == "test-media"
    assert storage.location == "media"
    assert storage.overwrite_files is False
    names = {storage.get_available_name("uploads/report.pdf") for _ in range(20)}
    assert len(names) == 20
    assert storage.cache_control
{%- if cookiecutter.media_access == "private" %}


def test_private_media_urls_carry_a_sas_signature_that_expires():
    storage = build("default")

    url = storage.url("uploads/report.pdf")

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert url.startswith(f"{MEDIA_URL}uploads/report.pdf?")
    assert parts.path == f"/{MEDIA['azure_container']}/media/uploads/report.pdf"
    assert query["sp"] == ["r"]
    assert query["se"] and query["sig"]
    assert storage.expiration_secs == 60
{%- else %}


def test_public_media_urls_are_plain_and_unsigned():
    storage = build("default")

    url = storage.url("uploads/report.pdf")

    assert url == f"{MEDIA_URL}uploads/report.pdf"
    assert not parse_qs(urlsplit(url).query)
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}


def test_static_files_are_public_under_static_with_hashed_names():
    # Building the storage would read its manifest from the container: check the settings.
    static = configured.STORAGES["staticfiles"]
    options = static["OPTIONS"]

    assert issubclass(import_string(static["BACKEND"]), ManifestFilesMixin)
    assert options["azure_container"] == "test-static"
    assert options["location"] == "static"
    assert options["overwrite_files"] is True
    assert "expiration_secs" not in options
    assert "immutable" in options["cache_control"]
{%- endif %}
