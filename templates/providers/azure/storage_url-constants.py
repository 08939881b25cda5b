
MEDIA_BACKEND = "mediafiles.backends.MediaStorage"
SCHEME = "azure"
ACCEPTED = (
    "file:FOLDER (local disk) or azure://ACCOUNT:KEY@CONTAINER/PREFIX "
    "(an Azure Blob Storage container, the key percent-encoded)"
)