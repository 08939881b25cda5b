
if is_local(STORAGES["staticfiles"]):
    # runserver serves static files from the apps while DEBUG is on; nothing else would.
    if not DEBUG:
        raise ImproperlyConfigured(
            "STATIC_STORAGE_URL: static files on local disk are served only while DEBUG "
            "is on; in production give the bucket's URL."
        )
    STATIC_URL = STORAGES["staticfiles"]["OPTIONS"]["base_url"]
    STATIC_ROOT = STORAGES["staticfiles"]["OPTIONS"]["location"]
else:
    # Static URLs come from the storage: the bucket, or the custom domain when set.
    STATIC_URL = "static/"