"""System checks for where uploaded media are stored."""

import os

from django.conf import settings
from django.core.checks import Error, register
from django.core.files.storage import FileSystemStorage, storages


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
                    "Point STORAGES['default'] at a cloud storage (S3, Spaces, Google "
                    "Cloud Storage, Azure or Cloudinary), or generate the project again "
                    "with that storage_provider."
                ),
                id="uploads.E001",
            )
        ]
    return []
