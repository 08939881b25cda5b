
MEDIA_BACKEND = "mediafiles.backends.CloudinaryStorage"
SCHEME = "cloudinary"
ACCEPTED = (
    "file:FOLDER (local disk) or cloudinary://API_KEY:API_SECRET@CLOUD_NAME "
    "(a Cloudinary account, as its console gives the URL)"
)