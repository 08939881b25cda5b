
# Local disk while developing (the generated .env says so); in production the
# cloud storage's URL is required.
if DEBUG:
    MEDIA_STORAGE_URL = env_str("MEDIA_STORAGE_URL", default="file:media")
else:
    MEDIA_STORAGE_URL = env_str("MEDIA_STORAGE_URL")