{%- if cookiecutter.media_access == "public" -%}
# Public media: plain URLs (through custom_domain when the storage URL has one).
MEDIA_OPTIONS = {
    "querystring_auth": False,
    "object_parameters": {
        "CacheControl": env_str("MEDIA_CACHE_CONTROL", default="public, max-age=86400"),
    },
}
{%- else -%}
# Private media: every URL is signed and expires after this many seconds.
MEDIA_OPTIONS = {
    "querystring_auth": True,
    "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
    "object_parameters": {
        "CacheControl": env_str("MEDIA_CACHE_CONTROL", default="private, max-age=3600"),
    },
}
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}
STATIC_OPTIONS = {
    "querystring_auth": False,
    "object_parameters": {
        "CacheControl": env_str(
            "STATIC_CACHE_CONTROL", default="public, max-age=31536000, immutable"
        ),
    },
}
{%- endif %}

{% include "common/settings-storages.py" %}
{%- if cookiecutter.static_storage == "bucket" %}
# collectstatic compares files with one listing of the bucket and uploads only
# changes (static files on local disk are collected by Django itself).
COLLECTFASTA_STRATEGY = "mediafiles.backends.StaticFilesStrategy"
COLLECTFASTA_ENABLED = not is_local(STORAGES["staticfiles"])
{%- endif %}
