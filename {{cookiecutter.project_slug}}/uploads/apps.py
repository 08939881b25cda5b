from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = "Uploads"

    def ready(self):
        from . import local_media  # noqa: F401 (registers the system check)
