
# tests/test_storage_live.py runs only when asked to, against the account in the environment.
STORAGE_LIVE = os.environ.get("STORAGE_LIVE_TESTS") == "1"
os.environ.setdefault("MEDIA_STORAGE_URL", "cloudinary://test-key:test-secret@test-cloud")