
    "AWS_STORAGE_BUCKET_NAME": "example-media",
{%- if cookiecutter.storage_provider == "digitalocean-spaces" %}
    "AWS_S3_REGION_NAME": "nyc3",
{%- elif cookiecutter.storage_provider == "s3-compatible" %}
    "AWS_S3_ENDPOINT_URL": "https://0123456789abcdef.r2.cloudflarestorage.com",
{%- endif %}
{%- if cookiecutter.storage_provider != "aws-s3" %}
    "AWS_ACCESS_KEY_ID": "example-key",
    "AWS_SECRET_ACCESS_KEY": "example-secret",
{%- endif %}