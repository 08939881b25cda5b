
# Static files must stay public, so they need a public bucket of their own (beside
# local media, the project's staticfiles/ folder).
STATIC_STORAGE_URL = env_str(
    "STATIC_STORAGE_URL",
    default=static_beside(MEDIA_STORAGE_URL) if MEDIA_STORAGE_URL.startswith("file:") else None,
)
if STATIC_STORAGE_URL is None:
    raise missing("STATIC_STORAGE_URL")