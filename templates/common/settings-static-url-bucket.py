
{%- if cookiecutter.media_access == "private" and cookiecutter.__family in ["gcs", "azure"] %}
# Static files must stay public, so they need a public {{ "bucket" if cookiecutter.__family == "gcs" else "container" }} of their own (beside
# local media, the project's staticfiles/ folder).
STATIC_STORAGE_URL = env_str(
    "STATIC_STORAGE_URL",
    default=static_beside(MEDIA_STORAGE_URL) if MEDIA_STORAGE_URL.startswith("file:") else None,
)
if STATIC_STORAGE_URL is None:
    raise missing("STATIC_STORAGE_URL")
{%- else %}
# Where collected static files live: by default beside the media, under static/.
STATIC_STORAGE_URL = env_str("STATIC_STORAGE_URL", default=static_beside(MEDIA_STORAGE_URL))
{%- endif %}