"""What every media storage of this project does, whatever holds the files.

- Names are unique by construction: each stored file gets a folder of its own,
  named by 80 random bits, so `uploads/2026/05/report.pdf` is stored as
  `uploads/2026/05/k3v9x0qa7hw2mz4c/report.pdf`. No upload can replace another,
  however many arrive at once, and no existence check (a round trip to the
  storage, and a race) is needed. The original file name stays readable and is
  what browsers offer when saving the file.
- Only passive content is shown inline: raster images, PDF, audio, video and
  plain text. Anything else (HTML, SVG, XML, scripts...) is stored with
  `Content-Disposition: attachment`, so the browser downloads it instead of
  running it, from whatever origin the storage serves it.
- Every file is stored with the Content-Type its name gives (not the one the
  browser sent), UTF-8 text with its charset.

It also holds local disk as `manage.py copy_media` reads and writes it
(LocalFiles), which every project needs, whatever its provider: media move
from a directory to the cloud and back. A cloud provider's storage class has
its own side of a copy.
"""

import codecs
import errno
import mimetypes
import os
import posixpath
import secrets
import string
import tempfile
import time
from contextlib import suppress

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import FileSystemStorage, InMemoryStorage

from . import abilities

TOKEN_ALPHABET = string.ascii_lowercase + string.digits
TOKEN_LENGTH = 16  # 36**16 is about 2**82
INLINE_TYPES = {
    "application/pdf",
    "image/avif",
    "image/bmp",
    "image/gif",
    "image/jpeg",
    "image/png",
    "image/webp",
    "text/plain",
}
INLINE_FAMILIES = ("audio/", "video/")
# How much of a text file is read to tell whether it is UTF-8.
TEXT_SNIFF_SIZE = 1024 * 1024


def unique_name(name, max_length=None, prefix=""):
    """`name` with a random folder before its file name, within max_length characters.

    A file name too long to fit is shortened, keeping its extension; `prefix`
    (part of the stored name, e.g. a storage's own folder) counts towards the length.
    """
    directory, filename = posixpath.split(name)
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    folder = prefix + posixpath.join(directory, token)
    excess = len(folder) + 1 + len(filename) - max_length if max_length else 0
    if excess > 0:
        stem, extension = posixpath.splitext(filename)
        if excess >= len(stem):
            raise SuspiciousFileOperation(
                f"{name!r} cannot be stored in a name of at most {max_length} characters."
            )
        filename = stem[:-excess] + extension
    return f"{folder}/{filename}"


def is_inline(name):
    """Whether a browser may show this file in place (a passive content type)."""
    content_type, encoding = mimetypes.guess_type(name)
    if content_type is None or encoding is not None:
        return False
    return content_type in INLINE_TYPES or content_type.startswith(INLINE_FAMILIES)


def content_disposition(name):
    return "inline" if is_inline(name) else "attachment"


def is_utf8(content):
    """Whether a file's first TEXT_SNIFF_SIZE bytes are UTF-8 (a character cut at the
    end of that block counts as UTF-8). The file is read from its start and rewound."""
    content.seek(0)
    head = content.read(TEXT_SNIFF_SIZE)
    content.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def media_type(name, content=None):
    """The Content-Type a stored file is served with, from its name: for text,
    with `charset=utf-8` when its content is UTF-8 (a browser would otherwise
    guess another charset, and show "GrÃ¼ÃŸe" for "Grüße")."""
    content_type, encoding = mimetypes.guess_type(name)
    if content_type is None or encoding is not None:
        return "application/octet-stream"
    if content_type.startswith("text/") and content is not None and is_utf8(content):
        return f"{content_type}; charset=utf-8"
    return content_type


{% if cookiecutter.media_access == "private" -%}
@abilities.declare(abilities.PrivateMedia)
{% endif -%}
class UniqueNames:
{%- if cookiecutter.media_access == "private" %}
    """Storage mixin: every save gets a new unique name, and nothing is asked of the
    storage; the file is stored with the Content-Type of media_type().

    Its files are private: pages link them through the site, which checks who
    may read each one (mediafiles/access.py)."""

    private = True
{%- else %}
    """Storage mixin: every save gets a new unique name, and nothing is asked of the
    storage; the file is stored with the Content-Type of media_type()."""
{%- endif %}

    def get_available_name(self, name, max_length=None):
        return unique_name(name, max_length)

    def save(self, name, content, max_length=None):
        if name is None:
            name = content.name
        if not hasattr(content, "chunks"):
            content = File(content, name)
        content.content_type = media_type(name, content)
        return super().save(name, content, max_length=max_length)


@abilities.declare(abilities.WritesExact)
class MemoryMediaStorage(UniqueNames, InMemoryStorage):
    """Media in memory, named as the real storage names them: the unit tests' storage."""

    def write_exact(self, name, stream, size):
        """Write under exactly this name, never over a file (as the real storages do)."""
        if self.exists(name):
            raise FileExistsError(errno.EEXIST, "File exists", name)
        self._save(name, File(stream, name))


# HTTP statuses with which a storage service refuses this project's configuration
# (credentials, bucket, permissions, region) rather than being unwell: retrying
# will not help. Timeouts (408), throttling (429) and 5xx are outages.
CONFIGURATION_STATUSES = {301, 400, 401, 403, 404}


# Blocks in which files are streamed from one storage to another (manage.py copy_media).
COPY_BLOCK_SIZE = 1024 * 1024
# What ends the name of a file that manage.py copy_media is still writing.
PARTIAL_SUFFIX = ".copy-media-part"
# Such a file that nothing has written to for this long (seconds) was left by a
# copy that was killed; the next copy to the directory deletes it.
ABANDONED_AFTER = 600
# The process's umask, read once at import (reading it means setting it, for every thread).
UMASK = os.umask(0o022)
os.umask(UMASK)


@abilities.declare(abilities.Copyable, abilities.RemovesLeftovers)
class LocalFiles(FileSystemStorage):
    """Local disk as manage.py copy_media sees it.

    - list_sizes(): every file under the directory with its size, from one walk
      (os.scandir gives each size without another system call per file);
    - open_stream(name): the file, read in blocks;
    - write_exact(name, stream, size): the file under exactly that name (never a
      name of get_available_name's): written under a temporary name in the same
      directory, then linked to its name, which fails if a file is already there.
      An interrupted copy leaves at most a `*.copy-media-part` file, which no
      listing counts, never a partial file under the real name;
    - remove_leftovers(): deletes such files that the listing found and that
      nothing has written to for ABANDONED_AFTER (a copy running beside this one
      keeps writing to its own).
    """

    leftovers = ()

    def list_sizes(self):
        sizes, self.leftovers = {}, []
        pending = [("", self.location)]
        while pending:
            prefix, directory = pending.pop()
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((f"{prefix}{entry.name}/", entry.path))
                    elif entry.is_file() and entry.name.endswith(PARTIAL_SUFFIX):
                        self.leftovers.append((entry.path, entry.stat().st_mtime))
                    elif entry.is_file():
                        sizes[prefix + entry.name] = entry.stat().st_size
        return sizes

    def remove_leftovers(self):
        """Delete the unfinished files of killed copies; how many."""
        removed, abandoned = 0, time.time() - ABANDONED_AFTER
        for path, modified in self.leftovers:
            if modified < abandoned:
                with suppress(FileNotFoundError):
                    os.unlink(path)
                    removed += 1
        return removed

    def open_stream(self, name):
        return open(self.path(name), "rb")  # noqa: SIM115 (the caller closes it)

    def write_exact(self, name, stream, size):
        path = self.path(name)
        directory, filename = os.path.split(path)
        os.makedirs(directory, exist_ok=True)
        handle, partial = tempfile.mkstemp(
            dir=directory, prefix=f".{filename[:100]}.", suffix=PARTIAL_SUFFIX
        )
        try:
            with os.fdopen(handle, "wb") as out:
                while block := stream.read(COPY_BLOCK_SIZE):
                    out.write(block)
            os.chmod(partial, self.file_permissions_mode or 0o666 & ~UMASK)
            try:
                os.link(partial, path)  # create-only: never replaces a file
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
                # No hard links on this filesystem: the check and the rename are two steps.
                if os.path.exists(path):
                    raise FileExistsError(errno.EEXIST, "File exists", path) from error
                os.rename(partial, path)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
