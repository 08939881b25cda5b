
    "MEDIA_STORAGE_URL": "cloudinary://111222333:s3cr3t@demo-cloud",