{%- if cookiecutter.storage_provider == "aws-s3" -%}
# Uploaded media live in an AWS S3 bucket under media/. The AWS_* names are
# django-storages' own settings.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", default="us-east-1")
# Only for S3-compatible test doubles or VPC endpoints; unset for AWS itself.
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL", default=None)
# Unset keys leave credentials to boto3's chain: instance or task roles, IRSA, ~/.aws.
AWS_S3_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID", default=None)
AWS_S3_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY", default=None)
# s3v4 signatures, boto3's default checksums on AWS itself (other endpoints often
# refuse its aws-chunked uploads), and bounded waits: 5 s to connect, 15 s without
# a byte, one retry, so a frozen service gives the upload form its error well
# within gunicorn's timeout.
checksums = "when_required" if AWS_S3_ENDPOINT_URL else "when_supported"
AWS_S3_CLIENT_CONFIG = Config(
    signature_version="s3v4",
    request_checksum_calculation=checksums,
    response_checksum_validation=checksums,
    connect_timeout=5,
    read_timeout=15,
    retries={"mode": "standard", "max_attempts": 2},
)
{%- elif cookiecutter.storage_provider == "digitalocean-spaces" -%}
# Uploaded media live in a DigitalOcean Space under media/. The AWS_* names are
# django-storages' own settings.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
# The Space's region, e.g. nyc3, ams3, sgp1, fra1.
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME")
AWS_S3_ENDPOINT_URL = env_str(
    "AWS_S3_ENDPOINT_URL", default=f"https://{AWS_S3_REGION_NAME}.digitaloceanspaces.com"
)
AWS_S3_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID")
AWS_S3_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY")
# s3v4 signatures, checksums only where required (Spaces refuses boto3's default
# aws-chunked uploads), and bounded waits: 5 s to connect, 15 s without a byte,
# one retry, so a frozen service gives the upload form its error well within
# gunicorn's timeout.
AWS_S3_CLIENT_CONFIG = Config(
    signature_version="s3v4",
    s3={"addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", default="virtual")},
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
    connect_timeout=5,
    read_timeout=15,
    retries={"mode": "standard", "max_attempts": 2},
)
{%- else -%}
# Uploaded media live in a bucket of an S3-compatible service (Cloudflare R2,
# Backblaze B2, MinIO, SeaweedFS, Wasabi...) under media/. The AWS_* names are
# django-storages' own settings.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL")
# "auto" for Cloudflare R2; the service's region name elsewhere.
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME", default="us-east-1")
AWS_S3_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID")
AWS_S3_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY")
# s3v4 signatures, checksums only where required (most services other than AWS
# refuse boto3's default aws-chunked uploads), and bounded waits: 5 s to connect,
# 15 s without a byte, one retry, so a frozen service gives the upload form its
# error well within gunicorn's timeout.
AWS_S3_CLIENT_CONFIG = Config(
    signature_version="s3v4",
    s3={"addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", default="path")},
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
    connect_timeout=5,
    read_timeout=15,
    retries={"mode": "standard", "max_attempts": 2},
)
{%- endif %}
# Large files go up in 8 MiB parts, four at a time, with at most four parts read
# ahead (boto3 takes that one only as an attribute): a worker buffers ~32 MiB, not
# the ~125 MiB of boto3's defaults, whatever the file size.
AWS_S3_TRANSFER_CONFIG = TransferConfig(multipart_chunksize=8 * 1024 * 1024, max_concurrency=4)
AWS_S3_TRANSFER_CONFIG.max_in_memory_upload_chunks = 4
# No ACLs (new buckets refuse them): public prefixes come from a bucket policy.
AWS_DEFAULT_ACL = None
{%- if cookiecutter.media_access == "public" %}
# Public media: plain URLs, through a CDN or custom domain when one is set.
AWS_QUERYSTRING_AUTH = False
AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN", default=None)
MEDIA_CACHE_CONTROL = env_str("MEDIA_CACHE_CONTROL", default="public, max-age=86400")
{%- else %}
# Private media: every URL is signed and expires after this many seconds.
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=3600)
MEDIA_CACHE_CONTROL = env_str("MEDIA_CACHE_CONTROL", default="private, max-age=3600")
{%- endif %}

STORAGES = {
    "default": {
        "BACKEND": "config.storages.MediaStorage",
        "OPTIONS": {
            "location": "media",
            "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
        },
    },
{%- if cookiecutter.static_storage == "bucket" %}
    # Static files go to the same bucket (or AWS_STATIC_BUCKET_NAME) under static/.
    "staticfiles": {
        "BACKEND": "config.storages.StaticStorage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STATIC_BUCKET_NAME", default=AWS_STORAGE_BUCKET_NAME),
            "location": "static",
            "querystring_auth": False,
{%- if cookiecutter.media_access == "private" %}
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN", default=None),
{%- endif %}
            "object_parameters": {
                "CacheControl": env_str(
                    "STATIC_CACHE_CONTROL", default="public, max-age=31536000, immutable"
                ),
            },
        },
    },
{%- else %}
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
{%- endif %}
}
{%- if cookiecutter.static_storage == "bucket" %}
# Static URLs come from the storage: the bucket, or the custom domain when set.
STATIC_URL = "static/"
# collectstatic compares files with one listing of the bucket and uploads only changes.
COLLECTFASTA_STRATEGY = "config.storages.StaticFilesStrategy"
{%- endif %}
