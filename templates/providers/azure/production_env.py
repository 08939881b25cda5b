
    "MEDIA_STORAGE_URL": "azure://exampleaccount:ZXhhbXBsZS1rZXk%3D@media/media",
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}
    "STATIC_STORAGE_URL": "azure://exampleaccount:ZXhhbXBsZS1rZXk%3D@static/static",
{%- endif %}