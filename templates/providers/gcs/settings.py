{%- if cookiecutter.media_access == "private" -%}
# Media are private: every URL is signed and expires after GS_EXPIRATION seconds.
# Signing needs a private key: without a key file (workload identity), set
# GS_IAM_SIGN_BLOB=True to sign through the IAM API as GS_SA_EMAIL (by default
# the credentials' own service account, which needs the Token Creator role).
MEDIA_OPTIONS = {
    "expiration": env.int("GS_EXPIRATION", default=60),
    "iam_sign_blob": env.bool("GS_IAM_SIGN_BLOB", default=False),
    "sa_email": env_str("GS_SA_EMAIL", default=None),
    "object_parameters": {
        "cache_control": env_str("GS_CACHE_CONTROL", default="private, max-age=3600"),
    },
}
{%- else -%}
MEDIA_OPTIONS = {
    "object_parameters": {
        "cache_control": env_str("GS_CACHE_CONTROL", default="public, max-age=86400"),
    },
}
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}
STATIC_OPTIONS = {"object_parameters": {"cache_control": "public, max-age=31536000, immutable"}}
{%- endif %}

{% include "common/settings-storages.py" %}
