from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = "Uploads"
{%- if cookiecutter.storage_provider == "filesystem" %}

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
{%- endif %}
