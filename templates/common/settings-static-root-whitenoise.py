
# Static files are collected into STATIC_ROOT and served by whitenoise with
# hashed names, far-future caching and brotli/gzip variants.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"