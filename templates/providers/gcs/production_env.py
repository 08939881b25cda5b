
    "GS_BUCKET_NAME": "example-media",
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}
    "GS_STATIC_BUCKET_NAME": "example-static",
{%- endif %}