"""Storage URLs (config/storage_url.py): what each form configures, and the
message that stops startup when a URL cannot be used."""

{% include "providers/" ~ cookiecutter.__family ~ "/storage_url_tests-stdlib.py" ignore missing -%}
import pytest
from django.core.exceptions import ImproperlyConfigured

from config.storage_url import BASE_DIR, storage_from_url
from tests.test_settings import PRODUCTION, start


def options(url, **cloud_options):
    return storage_from_url("MEDIA_STORAGE_URL", url, **cloud_options)["OPTIONS"]


def refused(url, variable="MEDIA_STORAGE_URL"):
    """The message with which a URL is refused."""
    with pytest.raises(ImproperlyConfigured) as error:
        storage_from_url(variable, url)
    message = str(error.value)
    assert message.startswith(f"{variable}: ")
    assert "It accepts file:" in message
    return message


def test_a_relative_folder_is_in_the_project_served_under_media():
    storage = storage_from_url("MEDIA_STORAGE_URL", "file:media")

    assert storage == {
        "BACKEND": "mediafiles.local.LocalMediaStorage",
        "OPTIONS": {"location": str(BASE_DIR / "media"), "base_url": "/media/"},
    }


def test_an_absolute_folder_and_its_url_path():
    assert options("file:///srv/app%20media?url=/files/") == {
        "location": "/srv/app media",
        "base_url": "/files/",
    }
    assert options("file://localhost/srv/media")["location"] == "/srv/media"


def test_local_disk_takes_no_cloud_options():
    assert "object_parameters" not in options("file:media", object_parameters={})


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://example.com/media", "its scheme ftp: is not one this project stores files with"),
        ("media", "it has no scheme"),
        ("file://media", "a file: URL has no host"),
        ("file:", "it names no folder"),
        ("file:media?url=media", "the option 'url' must be a path that starts and ends with '/'"),
        ("file:media?url=/", "the option 'url' must be a path that starts and ends with '/'"),
        ("file:media?url=", "the option 'url' is empty"),
        ("file:media?url=/a/&url=/b/", "the option 'url' is given twice"),
        ("file:media?colour=blue", "it has an unknown option (colour); its options are: url"),
        ("file:media#top", "a storage URL has no #fragment"),
        ("file:media?url", "it is not a valid URL"),
    ],
)
def test_an_unusable_url_is_refused_naming_the_variable(url, problem):
    assert problem in refused(url)


def test_the_message_names_the_variable_it_is_about():
    assert refused("ftp://example.com", "STATIC_STORAGE_URL").startswith("STATIC_STORAGE_URL: ")


@pytest.mark.parametrize(
    "url",
    ["ftp://user:very-secret-value@example.com/media", "file:media?secret=very-secret-value"],
)
def test_the_message_never_shows_a_secret(url):
    assert "very-secret-value" not in refused(url)


def test_startup_stops_on_an_unusable_storage_url():
    result = start(**{**PRODUCTION, "MEDIA_STORAGE_URL": "ftp://example.com/media"})

    assert result.returncode != 0
    assert "MEDIA_STORAGE_URL: its scheme ftp: is not one" in result.stderr


def test_another_providers_scheme_is_refused():
    assert "its scheme swift: is not one" in refused("swift://container/media")
{%- include "providers/" ~ cookiecutter.__family ~ "/storage_url_tests.py" ignore missing %}
