# Uploaded media live in an Azure Blob Storage container under media/. The
# storage authenticates with the account key, or with a connection string when
# one is set (the local .env sets one for Azurite, the emulator).
AZURE_ACCOUNT_NAME = env_str("AZURE_ACCOUNT_NAME")
AZURE_CONTAINER = env_str("AZURE_CONTAINER")
AZURE_CONNECTION_STRING = env_str("AZURE_CONNECTION_STRING", default=None)
if AZURE_CONNECTION_STRING:
    AZURE_CREDENTIALS = {"connection_string": AZURE_CONNECTION_STRING}
else:
    AZURE_CREDENTIALS = {
        "account_name": AZURE_ACCOUNT_NAME,
        "account_key": env_str("AZURE_ACCOUNT_KEY"),
    }
MEDIA_URL = f"https://{AZURE_ACCOUNT_NAME}.blob.core.windows.net/{AZURE_CONTAINER}/media/"
# Bounded waits: 5 s to connect, 15 s without a byte, one retry, so a frozen
# service gives the upload form its error well within gunicorn's timeout.
AZURE_CLIENT_OPTIONS = {
    "connection_timeout": 5,
    "read_timeout": 15,
    "retry_total": 1,
    "initial_backoff": 1,
    "increment_base": 2,
}
{%- if cookiecutter.media_access == "private" %}
# Media are private: the container allows no anonymous reads, and every URL
# carries a SAS signature that expires after AZURE_URL_EXPIRATION_SECS seconds.
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}

# Static files must stay public, so they go to a container of their own with
# anonymous blob reads, under static/ with hashed names (config/storages.py).
AZURE_STATIC_CONTAINER = env_str("AZURE_STATIC_CONTAINER")
STATIC_URL = f"https://{AZURE_ACCOUNT_NAME}.blob.core.windows.net/{AZURE_STATIC_CONTAINER}/static/"
{%- elif cookiecutter.static_storage == "bucket" %}

# Static files go to the same container (or a container of their own), under
# static/ with hashed names (config/storages.py).
AZURE_STATIC_CONTAINER = env_str("AZURE_STATIC_CONTAINER", default=AZURE_CONTAINER)
STATIC_URL = f"https://{AZURE_ACCOUNT_NAME}.blob.core.windows.net/{AZURE_STATIC_CONTAINER}/static/"
{%- endif %}

STORAGES = {
    "default": {
        "BACKEND": "config.storages.MediaStorage",
        "OPTIONS": {
            **AZURE_CREDENTIALS,
            "azure_container": AZURE_CONTAINER,
            "location": "media",
            # Create-only writes; names are unique anyway (config/storages.py).
            "overwrite_files": False,
            "client_options": AZURE_CLIENT_OPTIONS,
{%- if cookiecutter.media_access == "private" %}
            "expiration_secs": env.int("AZURE_URL_EXPIRATION_SECS", default=3600),
            "cache_control": env_str("AZURE_CACHE_CONTROL", default="private, max-age=3600"),
{%- else %}
            "cache_control": env_str("AZURE_CACHE_CONTROL", default="public, max-age=86400"),
{%- endif %}
        },
    },
{%- if cookiecutter.static_storage == "bucket" %}
    "staticfiles": {
        "BACKEND": "config.storages.StaticStorage",
        "OPTIONS": {
            **AZURE_CREDENTIALS,
            "azure_container": AZURE_STATIC_CONTAINER,
            "location": "static",
            "overwrite_files": True,
            "client_options": AZURE_CLIENT_OPTIONS,
            "cache_control": "public, max-age=31536000, immutable",
        },
    },
{%- else %}
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
{%- endif %}
}
