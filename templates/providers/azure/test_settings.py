
# tests/test_storage_live.py runs only when asked to, against the container in the environment.
STORAGE_LIVE = os.environ.get("STORAGE_LIVE_TESTS") == "1"
os.environ.setdefault(
    "MEDIA_STORAGE_URL", "azure://testaccount:dGVzdC1vbmx5LWtleQ%3D%3D@test-media/media"
)
{%- if cookiecutter.static_storage == "bucket" %}
os.environ.setdefault(
    "STATIC_STORAGE_URL", "azure://testaccount:dGVzdC1vbmx5LWtleQ%3D%3D@test-static/static"
)
{%- endif %}