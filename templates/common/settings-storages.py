STORAGES = {
    "default": storage_from_url("MEDIA_STORAGE_URL", MEDIA_STORAGE_URL, **MEDIA_OPTIONS),
{%- if cookiecutter.static_storage == "bucket" %}
    # Static files under static/ with hashed names (mediafiles/backends.py).
    "staticfiles": storage_from_url(
        "STATIC_STORAGE_URL", STATIC_STORAGE_URL, static=True, **STATIC_OPTIONS
    ),
{%- else %}
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
{%- endif %}
}