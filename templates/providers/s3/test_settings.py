
# tests/test_storage_live.py runs only when asked to, against the bucket in the environment.
STORAGE_LIVE = os.environ.get("STORAGE_LIVE_TESTS") == "1"
os.environ.setdefault(
    "MEDIA_STORAGE_URL",
{%- if cookiecutter.storage_provider == "digitalocean-spaces" %}
    "s3://test-key:test-secret@test-bucket/media?region=nyc3&endpoint=http://localhost:8333",
{%- else %}
    "s3://test-key:test-secret@test-bucket/media?region=us-east-1&endpoint=http://localhost:8333",
{%- endif %}
)