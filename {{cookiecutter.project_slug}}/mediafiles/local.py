"""Uploaded media on local disk: the storage, Django serving it when asked to, and
the check that refuses it on Heroku.

MEDIA_STORAGE_URL=file:... selects it (config/storage_url.py).
"""

import errno
import os
{%- if cookiecutter.media_access == "private" %}
from pathlib import Path
from urllib.parse import quote
{%- else %}
import re
from urllib.parse import urlsplit
{%- endif %}

from django.conf import settings
from django.core.checks import Error, register
from django.core.files.storage import FileSystemStorage, storages
{%- if cookiecutter.media_access == "private" %}
from django.http import Http404, HttpResponse
{%- else %}
from django.urls import re_path
{%- endif %}
from django.views.static import serve

from . import abilities
from .storage import LocalFiles, UniqueNames, content_disposition, media_type

# Errors that no retry can mend: the directory is missing, read-only, not ours or full.
MISSING_ERRNOS = {errno.ENOENT, errno.ENOTDIR}
READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
CONFIGURATION_ERRNOS = MISSING_ERRNOS | READ_ONLY_ERRNOS | FULL_ERRNOS


@abilities.declare(
    abilities.Diagnoses, abilities.RecognizesMisconfiguration, abilities.SuggestsFixes
)
class LocalMediaStorage(UniqueNames, LocalFiles):
    """Django's FileSystemStorage with this project's unique names (mediafiles/storage.py).

    Files are also created with O_EXCL, so not even a name drawn twice could
    replace a file. manage.py copy_media lists and writes them as LocalFiles does
    (mediafiles/storage.py).
    """

    # What manage.py storage_check suggests when a media URL does not answer as it should.
    url_fixes = {
        "URL not served": (
            "serve the media folder under its URL: SERVE_MEDIA=True, or a web server in front"
        ),
    }

    def configuration_problem(self, error):
        """What is wrong with the set-up when no retry can mend this error, else None."""
        if isinstance(error, OSError) and error.errno in CONFIGURATION_ERRNOS:
            return f"{error.strerror} ({error.filename or self.location})"
        return None

    def diagnose(self, error):
        """The cause of a failed storage call, in one line (manage.py storage_check)."""
        problem = self.configuration_problem(error)
        if problem is None:
            return None
        if error.errno in MISSING_ERRNOS:
            return f"media directory missing: {problem}: MEDIA_STORAGE_URL must name a directory"
        if error.errno in READ_ONLY_ERRNOS:
            return f"media directory not writable: {problem}: give this user write access"
        return f"disk full: {problem}"


def serve_media(request, path, storage=None):
    """Serve an uploaded file from the media folder.

    Only passive content (images, PDF, audio, video, plain text) is shown
    inline; anything else is a download. The sandbox policy also keeps an
    uploaded HTML or SVG file from running scripts with this site's cookies.
    UTF-8 text is served with its charset, as the cloud storages store it.
    """
    media = storage or storages["default"]
    response = serve(request, path, document_root=media.location)
    if response.status_code == 200 and response.headers["Content-Type"].startswith("text/"):
        with media.open(path) as content:
            response.headers["Content-Type"] = media_type(path, content)
    response.headers["Content-Disposition"] = content_disposition(path)
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
{%- if cookiecutter.media_access == "private" %}


def private_file_response(request, storage, name):
    """A private file on local disk, for a user mediafiles/access.py allows.

    The site sends it as serve_media() does, or, with MEDIA_SENDFILE set,
    leaves the sending to the web server in front: "X-Accel-Redirect" (nginx:
    an `internal` location at MEDIA_SENDFILE_URL, aliased to the media folder)
    or "X-Sendfile" (Apache's mod_xsendfile, lighttpd: the file's path).
    """
    if settings.MEDIA_SENDFILE not in ("X-Accel-Redirect", "X-Sendfile"):
        return serve_media(request, name, storage)
    path = Path(storage.path(name))
    if not path.is_file():
        raise Http404("No such file.")
    response = HttpResponse()
    if settings.MEDIA_SENDFILE == "X-Accel-Redirect":
        response.headers["X-Accel-Redirect"] = settings.MEDIA_SENDFILE_URL + quote(name)
    else:
        response.headers["X-Sendfile"] = str(path)
    with path.open("rb") as content:
        response.headers["Content-Type"] = media_type(name, content)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
{%- else %}


# Django serves the media folder itself when DEBUG is on, or when asked to
# (SERVE_MEDIA); a CDN or a web server in front is better for real traffic.
{%- if cookiecutter.use_docker %}
# compose.yaml sets SERVE_MEDIA.
{%- endif %}
urlpatterns = []
media = storages["default"]
if settings.SERVE_MEDIA and isinstance(media, FileSystemStorage) and media.base_url != "/":
    media_prefix = re.escape(urlsplit(media.base_url).path.lstrip("/"))
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media))
{%- endif %}


@register()
def media_survives_restarts(app_configs, **kwargs):
    """Refuse to run on Heroku while media go to the dyno's local disk."""
    on_heroku = "DYNO" in os.environ
    if on_heroku and isinstance(storages["default"], FileSystemStorage):
        return [
            Error(
                "Uploaded media are stored on the dyno's local disk "
                f"({storages['default'].location}), which Heroku wipes on every restart, "
                "deploy and scale: every upload would be lost within a day.",
                hint=(
{%- if cookiecutter.__family == "filesystem" %}
                    "Generate the project again with a cloud storage_provider, and set "
                    "MEDIA_STORAGE_URL to its storage."
{%- else %}
                    "Set MEDIA_STORAGE_URL to the cloud storage (README.md); "
                    "python manage.py copy_media moves the files already uploaded."
{%- endif %}
                ),
                id="mediafiles.E001",
            )
        ]
    return []
