from django.apps import AppConfig


class MediaFilesConfig(AppConfig):
    name = "mediafiles"
    verbose_name = "Media files"

    def ready(self):
        from . import checks, guarantees, local  # noqa: F401 (signal receivers and system checks)
{%- if cookiecutter.media_access == "private" %}
        from .access import protect_all

        # Private files get the site's links as their URLs, on every model.
        protect_all()
{%- endif %}
