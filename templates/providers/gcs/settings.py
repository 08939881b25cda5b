# Uploaded media live in a Google Cloud Storage bucket under media/. The Google
# client finds its credentials itself: the service-account key file named by
# GOOGLE_APPLICATION_CREDENTIALS, or the workload identity on Cloud Run and GKE.
# The bucket uses uniform bucket-level access, so no object ACLs are sent.
GS_BUCKET_NAME = env_str("GS_BUCKET_NAME")
MEDIA_URL = f"https://storage.googleapis.com/{GS_BUCKET_NAME}/media/"
{%- if cookiecutter.media_access == "private" %}
# Media are private: every URL is signed and expires after GS_EXPIRATION seconds.
# Signing needs a private key: without a key file (workload identity), set
# GS_IAM_SIGN_BLOB=True to sign through the IAM API as GS_SA_EMAIL (by default
# the credentials' own service account, which needs the Token Creator role).
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}

# Static files must stay public, so they go to a public bucket of their own,
# under static/ with hashed names (config/storages.py).
GS_STATIC_BUCKET_NAME = env_str("GS_STATIC_BUCKET_NAME")
STATIC_URL = f"https://storage.googleapis.com/{GS_STATIC_BUCKET_NAME}/static/"
{%- elif cookiecutter.static_storage == "bucket" %}

# Static files go to the same bucket (or a bucket of their own), under static/
# with hashed names (config/storages.py).
GS_STATIC_BUCKET_NAME = env_str("GS_STATIC_BUCKET_NAME", default=GS_BUCKET_NAME)
STATIC_URL = f"https://storage.googleapis.com/{GS_STATIC_BUCKET_NAME}/static/"
{%- endif %}

STORAGES = {
    "default": {
        "BACKEND": "config.storages.MediaStorage",
        "OPTIONS": {
            "bucket_name": GS_BUCKET_NAME,
            "location": "media",
            "default_acl": None,
{%- if cookiecutter.media_access == "private" %}
            # False only for an emulator that cannot sign (fake-gcs-server).
            "querystring_auth": env.bool("GS_QUERYSTRING_AUTH", default=True),
            "expiration": env.int("GS_EXPIRATION", default=3600),
            "iam_sign_blob": env.bool("GS_IAM_SIGN_BLOB", default=False),
            "sa_email": env_str("GS_SA_EMAIL", default=None),
            "object_parameters": {
                "cache_control": env_str("GS_CACHE_CONTROL", default="private, max-age=3600"),
            },
{%- else %}
            "querystring_auth": False,
            "object_parameters": {
                "cache_control": env_str("GS_CACHE_CONTROL", default="public, max-age=86400"),
            },
{%- endif %}
        },
    },
{%- if cookiecutter.static_storage == "bucket" %}
    "staticfiles": {
        "BACKEND": "config.storages.StaticStorage",
        "OPTIONS": {
            "bucket_name": GS_STATIC_BUCKET_NAME,
            "location": "static",
            "default_acl": None,
            "querystring_auth": False,
            "object_parameters": {"cache_control": "public, max-age=31536000, immutable"},
        },
    },
{%- else %}
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
{%- endif %}
}
