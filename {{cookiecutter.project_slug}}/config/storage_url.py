"""Where a storage keeps its files, as one URL in one environment variable.

{% if cookiecutter.static_storage == "bucket" -%}
MEDIA_STORAGE_URL says where uploaded media live (STATIC_STORAGE_URL, where
collected static files live). This project accepts two kinds:
{%- else -%}
MEDIA_STORAGE_URL says where uploaded media live. This project accepts two kinds:
{%- endif %}

    file:media                         local disk: the project's media/ folder, served under /media/
    file:///srv/media?url=/files/      an absolute folder, and the URL path it is served under
{%- include "providers/" ~ cookiecutter.__family ~ "/storage_url-forms.txt" ignore missing %}

Parts of the URL are percent-decoded, so a secret holding "/", "+", ":" or "@" is
written with %2F, %2B, %3A or %40 in their place. Any other scheme, an unknown
option or a malformed URL stops startup with a message that names the variable
(never the URL itself, which may hold a secret).
"""

{% include "providers/" ~ cookiecutter.__family ~ "/storage_url-stdlib.py" ignore missing -%}
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

{% include "providers/" ~ cookiecutter.__family ~ "/storage_url-imports.py" ignore missing -%}
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_STORAGE = "mediafiles.local.LocalMediaStorage"
{%- include "providers/" ~ cookiecutter.__family ~ "/storage_url-constants.py" %}
{%- if cookiecutter.static_storage == "bucket" %}
STATIC_BACKEND = "mediafiles.backends.StaticStorage"
{%- endif %}
# Bucket, container or cloud names: letters, digits, dots, dashes and underscores.
NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


class StorageURL:
    """A storage URL taken apart. Each option is read once; `finish()` refuses the rest."""

    def __init__(self, variable, value):
        self.variable = variable
        try:
            parts = urlsplit(value.strip())
            pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
        except ValueError as error:
            raise self.error(f"it is not a valid URL ({error})") from None
        if parts.fragment:
            raise self.error("a storage URL has no #fragment (percent-encode a '#' as %23)")
        self.scheme = parts.scheme.lower()
        userinfo, at, self.host = parts.netloc.rpartition("@")
        user, _, password = userinfo.partition(":")
        self.has_userinfo = bool(at)
        self.user = unquote(user) or None
        self.password = unquote(password) or None
        self.path = unquote(parts.path)
        self.raw = parts
        self.options = {}
        self.known = []
        for name, option in pairs:
            if name in self.options:
                raise self.error(f"the option {name!r} is given twice")
            self.options[name] = option

    def error(self, problem):
        return ImproperlyConfigured(f"{self.variable}: {problem}. It accepts {ACCEPTED}.")

    def name(self, what):
        """The host part as a bucket (container, cloud) name; required."""
        if not self.host:
            raise self.error(f"it names no {what}")
        if not set(self.host) <= NAME_CHARACTERS:
            raise self.error(
                f"the {what} name has characters no {what} name has; "
                "a secret holding '/', ':' or '@' must be percent-encoded"
            )
        return self.host

    def option(self, name, default=None, choices=None):
        """An option's value, or the default when it is not given."""
        self.known.append(name)
        value = self.options.pop(name, None)
        if value is None:
            return default
        if not value.strip():
            raise self.error(f"the option {name!r} is empty")
        if choices and value not in choices:
            raise self.error(f"the option {name!r} must be one of {', '.join(choices)}")
        return value

{%- if "emulator" in cookiecutter._families[cookiecutter.__family] %}

    def endpoint(self, name="endpoint", default=None):
        """An http(s) URL option, without a trailing slash."""
        value = self.option(name, default)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self.error(f"the option {name!r} must be an http:// or https:// URL")
        return value.rstrip("/")
{%- endif %}

    def finish(self):
        if self.options:
            unknown = ", ".join(sorted(self.options))
            known = ", ".join(self.known) or "none"
            raise self.error(f"it has an unknown option ({unknown}); its options are: {known}")


def local_storage(url, static):
    """Local disk: file:relative/folder (in the project) or file:///absolute/folder."""
    if url.raw.netloc not in ("", "localhost"):
        raise url.error(
            "a file: URL has no host: write file:relative/folder or file:///absolute/folder"
        )
    if not url.path.strip("/"):
        raise url.error("it names no folder")
    base_url = url.option("url", "/static/" if static else "/media/")
    if not (base_url.startswith("/") and base_url.endswith("/")) or base_url == "/":
        raise url.error("the option 'url' must be a path that starts and ends with '/': /media/")
    backend = "django.contrib.staticfiles.storage.StaticFilesStorage" if static else LOCAL_STORAGE
    location = BASE_DIR / url.path
    return {"BACKEND": backend, "OPTIONS": {"location": str(location), "base_url": base_url}}
{%- include "providers/" ~ cookiecutter.__family ~ "/storage_url.py" ignore missing %}


def storage_from_url(variable, value, static=False, **extra_options):
    """The STORAGES entry (BACKEND and OPTIONS) for a storage URL.

    `static` is for collected static files; `extra_options` are added to the
    OPTIONS of a cloud storage (local disk has no use for them).
    """
    url = StorageURL(variable, value)
    if url.scheme == "file":
        storage = local_storage(url, static)
{%- if cookiecutter.__family != "filesystem" %}
    elif url.scheme == SCHEME:
        options = {**cloud_options(url, static), **extra_options}
{%- if cookiecutter.static_storage == "bucket" %}
        storage = {"BACKEND": STATIC_BACKEND if static else MEDIA_BACKEND, "OPTIONS": options}
{%- else %}
        storage = {"BACKEND": MEDIA_BACKEND, "OPTIONS": options}
{%- endif %}
{%- endif %}
    elif url.scheme:
        raise url.error(f"its scheme {url.scheme}: is not one this project stores files with")
    else:
        raise url.error("it has no scheme")
    url.finish()
    return storage


def is_local(storage):
    """Whether a STORAGES entry keeps its files on local disk."""
    return "base_url" in storage.get("OPTIONS", {}) and "location" in storage["OPTIONS"]
{%- if cookiecutter.static_storage == "bucket" %}


def static_beside(media_url):
    """The static storage URL that goes with a media storage URL: the same bucket
    and options, under static/ (local disk: the project's staticfiles/ folder)."""
    parts = urlsplit(media_url.strip())
    if parts.scheme.lower() == "file":
        return "file:staticfiles"
    return parts._replace(path="/static").geturl()
{%- endif %}
