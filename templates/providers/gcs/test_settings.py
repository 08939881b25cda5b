
# tests/test_storage_live.py runs only when asked to, against the bucket in the environment.
STORAGE_LIVE = os.environ.get("STORAGE_LIVE_TESTS") == "1"
os.environ.setdefault("GS_BUCKET_NAME", "test-media")
{%- if cookiecutter.static_storage == "bucket" %}
os.environ.setdefault("GS_STATIC_BUCKET_NAME", "test-static")
{%- endif %}