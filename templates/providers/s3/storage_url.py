


# Large files go up in 8 MiB parts, four at a time, with at most four parts read
# ahead (boto3 takes that one only as an attribute): a worker buffers ~32 MiB, not
# the ~125 MiB of boto3's defaults, whatever the file size.
TRANSFER_CONFIG = TransferConfig(multipart_chunksize=8 * 1024 * 1024, max_concurrency=4)
TRANSFER_CONFIG.max_in_memory_upload_chunks = 4


def cloud_options(url, static):
    """s3://KEY:SECRET@BUCKET/PREFIX?options, as django-storages' S3Storage options."""
    bucket = url.name("bucket")
{%- if cookiecutter.storage_provider == "aws-s3" %}
    if url.has_userinfo and not (url.user and url.password):
        raise url.error("give both the access key and its secret (KEY:SECRET@), or neither")
    # Without them, boto3 finds credentials itself: instance or task roles, IRSA, ~/.aws.
    region = url.option("region", "us-east-1")
    # Only for S3-compatible test doubles or VPC endpoints; unset for AWS itself.
    endpoint = url.endpoint()
    addressing_style = url.option("addressing_style", "virtual", choices=("path", "virtual"))
    # boto3's default checksums on AWS itself; other endpoints often refuse its
    # aws-chunked uploads.
    checksums = "when_required" if endpoint else "when_supported"
{%- else %}
    if not (url.user and url.password):
        raise url.error("it needs the access key and its secret: s3://KEY:SECRET@...")
{%- if cookiecutter.storage_provider == "digitalocean-spaces" %}
    # The Space's region, e.g. nyc3, ams3, sgp1, fra1.
    region = url.option("region")
    if region is None:
        raise url.error("it needs the Space's region: ?region=nyc3")
    endpoint = url.endpoint(default=f"https://{region}.digitaloceanspaces.com")
    addressing_style = url.option("addressing_style", "virtual", choices=("path", "virtual"))
{%- else %}
    # R2: https://<account>.r2.cloudflarestorage.com and region auto; B2:
    # https://s3.<region>.backblazeb2.com; MinIO or SeaweedFS: http://host:port.
    endpoint = url.endpoint()
    if endpoint is None:
        raise url.error("it needs the service's endpoint: ?endpoint=https://...")
    region = url.option("region", "us-east-1")
    addressing_style = url.option("addressing_style", "path", choices=("path", "virtual"))
{%- endif %}
{%- endif %}
    options = {
        "bucket_name": bucket,
        "location": url.path.strip("/"),
        "region_name": region,
        "endpoint_url": endpoint,
        "access_key": url.user,
        "secret_key": url.password,
        # s3v4 signatures and bounded waits: 5 s to connect, 5 s without a byte,
        # one retry, so a frozen service gives the upload form its error before a
        # platform's router gives up on the request (Heroku's, after 30 s).
        "client_config": Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},
{%- if cookiecutter.storage_provider == "aws-s3" %}
            request_checksum_calculation=checksums,
            response_checksum_validation=checksums,
{%- else %}
            # Services other than AWS refuse boto3's default aws-chunked uploads.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
{%- endif %}
            connect_timeout=5,
            read_timeout=5,
            retries={"mode": "standard", "max_attempts": 2},
        ),
        "transfer_config": TRANSFER_CONFIG,
        # No ACLs (new buckets refuse them): public prefixes come from a bucket policy.
        "default_acl": None,
    }
{%- if cookiecutter.media_access == "public" or cookiecutter.static_storage == "bucket" %}
    # A CDN or custom domain serving the bucket, for public files.
    custom_domain = url.option("custom_domain")
{%- if cookiecutter.media_access == "private" %}
    if custom_domain and not static:
        raise url.error(
            "custom_domain serves public files, and media are private (signed by the "
            "bucket): give it to STATIC_STORAGE_URL only"
        )
{%- endif %}
    options["custom_domain"] = custom_domain
{%- endif %}
    return options