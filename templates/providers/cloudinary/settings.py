# Uploaded media live on Cloudinary under media/ (config/storages.py).
# The account, in the SDK's own format: cloudinary://API_KEY:API_SECRET@CLOUD_NAME.
CLOUDINARY_URL = env_str("CLOUDINARY_URL")

STORAGES = {
    "default": {
        "BACKEND": "config.storages.CloudinaryStorage",
        "OPTIONS": {
            "location": "media",
{%- if cookiecutter.media_access == "private" %}
            # Files are delivered only through signed URLs, which storage.url() builds.
            "delivery_type": "authenticated",
{%- else %}
            "delivery_type": "upload",
{%- endif %}
        },
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
