
{%- if cookiecutter.storage_provider == "aws-s3" %}
    "MEDIA_STORAGE_URL": "s3://example-media/media?region=eu-west-1",
{%- elif cookiecutter.storage_provider == "digitalocean-spaces" %}
    "MEDIA_STORAGE_URL": "s3://example-key:example-secret@example-media/media?region=nyc3",
{%- else %}
    "MEDIA_STORAGE_URL": (
        "s3://example-key:example-secret@example-media/media"
        "?endpoint=https://0123456789abcdef.r2.cloudflarestorage.com"
    ),
{%- endif %}