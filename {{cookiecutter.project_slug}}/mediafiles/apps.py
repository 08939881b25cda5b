from django.apps import AppConfig


class MediaFilesConfig(AppConfig):
    name = "mediafiles"
    verbose_name = "Media files"

    def ready(self):
        from . import checks, guarantees, local  # noqa: F401 (signal receivers and system checks)
