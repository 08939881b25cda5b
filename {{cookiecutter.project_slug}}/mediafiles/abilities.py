"""What a storage of this project can do beyond Django's Storage API, in one place.

Django's Storage saves, opens, lists, deletes and gives URLs. This project's
commands and modules ask some storages for more: each such ability is a Protocol
below, with its members, what they return and who asks for them.

- A storage class says which abilities it has with `@abilities.declare(...)` (its
  bases' count too); a declared member that the class lacks is a TypeError as
  soon as the module is imported.
- A caller asks `isinstance(storage, abilities.X)`, and takes its plain way when
  the answer is no: any storage can be given to it (the unit tests' storage, a
  STORAGES alias of the developer's own).
- tests/test_abilities.py checks that every storage class of the project
  declares exactly the abilities it has, and that each ability here has a
  storage that declares it.
"""

import inspect
from typing import Protocol, runtime_checkable


def members(ability):
    """The names an ability asks for: its methods, properties and attributes."""
    names = set()
    for base in ability.__mro__:
        if base is not Protocol and getattr(base, "_is_protocol", False):
            names.update(inspect.get_annotations(base))
            names.update(vars(base))
    return frozenset(name for name in names if not name.startswith("_"))


def declare(*declared):
    """Class decorator: the class has these abilities (and those its bases declared);
    each one's members must all be on the class."""

    def check(cls):
        missing = sorted(
            f"{ability.__name__}.{name}"
            for ability in declared
            for name in members(ability)
            if not hasattr(cls, name)
        )
        if missing:
            raise TypeError(f"{cls.__qualname__} declares what it lacks: {', '.join(missing)}")
        inherited = (getattr(base, "declared_abilities", ()) for base in cls.__mro__[1:])
        implied = {
            base
            for ability in declared
            for base in ability.__mro__
            if base is not Protocol and getattr(base, "_is_protocol", False)
        }
        cls.declared_abilities = frozenset(implied).union(*inherited)
        return cls

    return check


# Local disk's storages (mediafiles/storage.py, mediafiles/local.py) have these.


@runtime_checkable
class Diagnoses(Protocol):
    """diagnose(error): the cause of a failed call to the storage in one line
    ("unreachable: ...", "credentials refused: ...", a missing bucket or
    directory...), or None when it cannot tell.

    Asked by manage.py storage_check and manage.py copy_media (their error lines)
    and by /healthz/deep (config/health.py).
    """

    def diagnose(self, error: Exception) -> str | None: ...


@runtime_checkable
class RecognizesMisconfiguration(Protocol):
    """configuration_problem(error): what is wrong with the set-up when no retry
    can mend this error (credentials, bucket, permissions, a missing or read-only
    directory), else None.

    Asked by the upload forms (mediafiles/guarantees.py: "misconfigured" rather
    than "try again") and by manage.py copy_media, which stops at the first one.
    """

    def configuration_problem(self, error: Exception) -> str | None: ...


@runtime_checkable
class SuggestsFixes(Protocol):
    """url_fixes: {kind of failure: what to do}, for a stored file's URL that does
    not answer as it should ("public read blocked", "URL not served", "private
    media leak"...).

    Asked by manage.py storage_check, which adds the fix to its error line.
    """

    url_fixes: dict[str, str]


@runtime_checkable
class WritesExact(Protocol):
    """write_exact(name, stream, size): store `size` bytes read from `stream`
    under exactly `name` (never a name of get_available_name's), never replacing
    a file; an interrupted write leaves nothing under the name. Returns None.

    Asked by mediafiles/images.py for thumbnails, whose names follow from their
    image's, and by manage.py copy_media for the destination.
    """

    def write_exact(self, name: str, stream, size: int) -> None: ...


@runtime_checkable
class Copyable(WritesExact, Protocol):
    """What manage.py copy_media needs of both sides, with write_exact():

    - list_sizes(): {name: size in bytes} of every file, from one listing;
    - open_stream(name): the file as a binary stream the caller reads in blocks
      and closes.
    """

    def list_sizes(self) -> dict[str, int]: ...

    def open_stream(self, name: str): ...


@runtime_checkable
class RemovesLeftovers(Protocol):
    """remove_leftovers(): delete what killed copies left behind and that nothing
    writes to any more; how many files. Asked by manage.py copy_media, of its
    destination once listed."""

    def remove_leftovers(self) -> int: ...
{%- if cookiecutter.media_access == "private" %}


# Private media.


@runtime_checkable
class PrivateMedia(Protocol):
    """private: True when pages must link the storage's files through the site,
    which checks who may read each one (mediafiles/access.py). manage.py
    storage_check expects no file of such a storage on local disk to be served
    at its plain URL."""

    private: bool
{%- endif %}
{%- if cookiecutter.media_access == "private" and cookiecutter.__family != "filesystem" %}


@runtime_checkable
class SignsURLs(Protocol):
    """unsigned_url(url): the storage's signed URL without its signature, which the
    service must refuse. Asked by manage.py storage_check (its "unsigned" step)."""

    def unsigned_url(self, url: str) -> str: ...
{%- endif %}
{%- if "StreamsUploads" in cookiecutter.__media_abilities %}


# Uploads streamed to the bucket while the request arrives (mediafiles/streaming.py).


@runtime_checkable
class StreamsUploads(Protocol):
    """Multipart uploads of new files, asked by mediafiles/streaming.py:

    - stream_part_size: the size of each part in bytes; None when the storage's
      settings rule out streaming (gzip);
    - start_multipart(name, content_type): a new upload under exactly this
      (unique) name, with send_part(number, body) (each part's entry for
      complete), complete(parts) and abort().
    """

    @property
    def stream_part_size(self) -> int | None: ...

    def start_multipart(self, name: str, content_type: str): ...
{%- endif %}
{%- if "ConfirmsDeletion" in cookiecutter.__abilities %}


@runtime_checkable
class ConfirmsDeletion(Protocol):
{%- if "ConfirmsDeletion" in cookiecutter.__media_abilities %}
    """confirm_deleted(name): whether the service no longer holds the file, where
    exists() answers without asking it (the media storage). Asked by manage.py
    storage_check and /healthz/deep after deleting their probe."""
{%- else %}
    """confirm_deleted(name): whether the service no longer holds the file, where
    exists() answers without asking it (the static files' storage, from its
    listing). Asked by manage.py storage_check after deleting its probe."""
{%- endif %}

    def confirm_deleted(self, name: str) -> bool: ...
{%- endif %}
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}


@runtime_checkable
class ResizesByURL(Protocol):
{%- if cookiecutter.media_access == "private" %}
    """resized_url(name, width, height): the URL of the image fitted in the box,
    resized by the service itself, so no thumbnail is stored. Asked by
    mediafiles/images.py and mediafiles/access.py."""
{%- else %}
    """resized_url(name, width, height): the URL of the image fitted in the box,
    resized by the service itself, so no thumbnail is stored. Asked by
    mediafiles/images.py."""
{%- endif %}

    def resized_url(self, name: str, width: int, height: int) -> str: ...
{%- endif %}
{%- if "RefusesCopies" in cookiecutter.__media_abilities %}


@runtime_checkable
class RefusesCopies(Protocol):
    """copy_refused: why manage.py copy_media can neither read nor write the
    storage, which it says instead of copying."""

    copy_refused: str
{%- endif %}
{%- if "Relays" in cookiecutter.__media_abilities and cookiecutter.media_access == "private" %}


@runtime_checkable
class Relays(Protocol):
    """relayed(url): the response that streams the file at this signed URL to the
    user, for a storage whose signed URLs never expire (one handed to a browser
    would be valid for good). Asked by mediafiles/access.py instead of a redirect."""

    def relayed(self, url: str): ...
{%- endif %}
