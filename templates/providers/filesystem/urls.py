
    # MEDIA_URL, when Django serves the media itself (uploads/local_media.py).
    path("", include("uploads.local_media")),