STORAGES = {
    # Local disk (a named volume in Docker), in the folder MEDIA_STORAGE_URL names.
    "default": storage_from_url("MEDIA_STORAGE_URL", MEDIA_STORAGE_URL),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
