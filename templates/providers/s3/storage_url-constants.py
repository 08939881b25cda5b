
MEDIA_BACKEND = "mediafiles.backends.MediaStorage"
SCHEME = "s3"
{%- if cookiecutter.storage_provider == "aws-s3" %}
ACCEPTED = "file:FOLDER (local disk) or s3://KEY:SECRET@BUCKET/PREFIX?region=REGION (an S3 bucket)"
{%- elif cookiecutter.storage_provider == "digitalocean-spaces" %}
ACCEPTED = "file:FOLDER (local disk) or s3://KEY:SECRET@SPACE/PREFIX?region=REGION (a Space)"
{%- else %}
ACCEPTED = (
    "file:FOLDER (local disk) or s3://KEY:SECRET@BUCKET/PREFIX?endpoint=URL&region=REGION "
    "(a bucket of an S3-compatible service)"
)
{%- endif %}