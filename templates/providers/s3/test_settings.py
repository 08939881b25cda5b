
# tests/test_storage_live.py runs only when asked to, against the bucket in the environment.
STORAGE_LIVE = os.environ.get("STORAGE_LIVE_TESTS") == "1"
os.environ.setdefault("AWS_STORAGE_BUCKET_NAME", "test-bucket")
{%- if cookiecutter.storage_provider == "digitalocean-spaces" %}
os.environ.setdefault("AWS_S3_REGION_NAME", "nyc3")
{%- elif cookiecutter.storage_provider == "s3-compatible" %}
os.environ.setdefault("AWS_S3_ENDPOINT_URL", "http://localhost:8333")
{%- endif %}
{%- if cookiecutter.storage_provider != "aws-s3" %}
os.environ.setdefault("AWS_ACCESS_KEY_ID", "test-key")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test-secret")
{%- endif %}