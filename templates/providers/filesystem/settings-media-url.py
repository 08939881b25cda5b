
MEDIA_STORAGE_URL = env_str("MEDIA_STORAGE_URL", default="file:media")