
# Where collected static files live: by default beside the media, under static/.
STATIC_STORAGE_URL = env_str("STATIC_STORAGE_URL", default=static_beside(MEDIA_STORAGE_URL))