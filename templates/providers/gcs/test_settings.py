
# tests/test_storage_live.py runs only when asked to, against the bucket in the environment.
STORAGE_LIVE = os.environ.get("STORAGE_LIVE_TESTS") == "1"
os.environ.setdefault("MEDIA_STORAGE_URL", "gs://test-media/media")
{%- if cookiecutter.static_storage == "bucket" %}
os.environ.setdefault("STATIC_STORAGE_URL", "gs://test-static/static")
{%- endif %}