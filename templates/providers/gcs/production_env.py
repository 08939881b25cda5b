
    "MEDIA_STORAGE_URL": "gs://example-media/media",
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}
    "STATIC_STORAGE_URL": "gs://example-static/static",
{%- endif %}