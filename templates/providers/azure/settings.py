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
{%- if cookiecutter.static_storage == "bucket" %}
STATIC_OPTIONS = {"overwrite_files": True, "cache_control": "public, max-age=31536000, immutable"}
{%- endif %}

{% include "common/settings-storages.py" %}
