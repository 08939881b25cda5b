
MEDIA_BACKEND = "mediafiles.backends.MediaStorage"
SCHEME = "gs"
ACCEPTED = "file:FOLDER (local disk) or gs://BUCKET/PREFIX (a Google Cloud Storage bucket)"