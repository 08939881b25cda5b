
# tests/test_storage_live.py runs only with a real account in CLOUDINARY_URL.
STORAGE_LIVE = bool(os.environ.get("CLOUDINARY_URL"))
os.environ.setdefault("CLOUDINARY_URL", "cloudinary://test-key:test-secret@test-cloud")