
# tests/test_storage_live.py runs only when asked to, against the container in the environment.
STORAGE_LIVE = os.environ.get("STORAGE_LIVE_TESTS") == "1"
os.environ.setdefault("AZURE_ACCOUNT_NAME", "testaccount")
os.environ.setdefault("AZURE_ACCOUNT_KEY", "dGVzdC1vbmx5LWtleQ==")
os.environ.setdefault("AZURE_CONTAINER", "test-media")
{%- if cookiecutter.static_storage == "bucket" %}
os.environ.setdefault("AZURE_STATIC_CONTAINER", "test-static")
{%- endif %}