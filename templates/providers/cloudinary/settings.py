STORAGES = {
    # Files go under media/ on the account (config/storages.py).
    "default": storage_from_url(
        "MEDIA_STORAGE_URL",
        MEDIA_STORAGE_URL,
        location="media",
{%- if cookiecutter.media_access == "private" %}
        # Files are delivered only through signed URLs, which storage.url() builds.
        delivery_type="authenticated",
{%- else %}
        delivery_type="upload",
{%- endif %}
    ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
