{%- if cookiecutter.media_access == "private" -%}
# Media are private: the container allows no anonymous reads, and every URL
# carries a SAS signature that expires after AZURE_URL_EXPIRATION_SECS seconds.
MEDIA_OPTIONS = {
    # Create-only writes; names are unique anyway (mediafiles/backends.py).
    "overwrite_files": False,
    "expiration_secs": env.int("AZURE_URL_EXPIRATION_SECS", default=60),
    "cache_control": env_str("AZURE_CACHE_CONTROL", default="private, max-age=3600"),
}
{%- else -%}
MEDIA_OPTIONS = {
    # Create-only writes; names are unique anyway (mediafiles/backends.py).
    "overwrite_files": False,
    "cache_control": env_str("AZURE_CACHE_CONTROL", default="public, max-age=86400"),
}
{%- endif %}

STORAGES = {
    "default": storage_from_url("MEDIA_STORAGE_URL", MEDIA_STORAGE_URL, **MEDIA_OPTIONS),
{%- if cookiecutter.static_storage == "bucket" %}
    # Static files under static/ with hashed names (mediafiles/backends.py).
    "staticfiles": storage_from_url(
        "STATIC_STORAGE_URL",
        STATIC_STORAGE_URL,
        static=True,
        overwrite_files=True,
        cache_control="public, max-age=31536000, immutable",
    ),
{%- else %}
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
{%- endif %}
}
