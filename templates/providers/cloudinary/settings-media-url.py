
# Local disk while developing (the generated .env says so); in production the
# account's URL is required (on Heroku, the Cloudinary add-on's CLOUDINARY_URL
# is used while MEDIA_STORAGE_URL is unset).
if DEBUG:
    MEDIA_STORAGE_URL = env_str("MEDIA_STORAGE_URL", default="file:media")
else:
    MEDIA_STORAGE_URL = env_str("MEDIA_STORAGE_URL", default=env_str("CLOUDINARY_URL", default=""))
    if not MEDIA_STORAGE_URL:
        raise missing("MEDIA_STORAGE_URL")