
# collectstatic keeps the manifest of hashed names here, where the site runs, so
# rendering a page never reads the bucket (mediafiles/backends.py).
STATIC_MANIFEST_ROOT = BASE_DIR / "staticfiles"