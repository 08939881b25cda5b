"""Uploaded media on local disk: served by Django when asked to, refused on Heroku."""

import os
import re

from django.conf import settings
from django.core.checks import Error, register
from django.core.files.storage import FileSystemStorage, storages
from django.urls import re_path
from django.views.static import serve

from .storage import content_disposition


def serve_media(request, path):
    """Serve an uploaded file from MEDIA_ROOT.

    Only passive content (images, PDF, audio, video, plain text) is shown
    inline; anything else is a download. The sandbox policy also keeps an
    uploaded HTML or SVG file from running scripts with this site's cookies.
    """
    response = serve(request, path, document_root=storages["default"].location)
    response.headers["Content-Disposition"] = content_disposition(path)
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


# Django serves MEDIA_ROOT itself when DEBUG is on, or when asked to (SERVE_MEDIA,
# as compose.yaml does); a CDN or a web server in front is better for real traffic.
urlpatterns = []
if settings.SERVE_MEDIA:
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{media_prefix}(?P<path>.*)$", serve_media))


@register()
def media_survives_restarts(app_configs, **kwargs):
    """Refuse to run on Heroku while media go to the dyno's local disk."""
    on_heroku = "DYNO" in os.environ
    if on_heroku and isinstance(storages["default"], FileSystemStorage):
        return [
            Error(
                "Uploaded media are stored on the dyno's local disk "
                f"(MEDIA_ROOT={settings.MEDIA_ROOT}), which Heroku wipes on every restart, "
                "deploy and scale: every upload would be lost within a day.",
                hint=(
                    "Point STORAGES['default'] at a cloud storage, or generate the "
                    "project again with a cloud storage_provider."
                ),
                id="uploads.E001",
            )
        ]
    return []
