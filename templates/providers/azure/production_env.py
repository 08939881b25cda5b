
    "AZURE_ACCOUNT_NAME": "exampleaccount",
    "AZURE_ACCOUNT_KEY": "ZXhhbXBsZS1rZXk=",
    "AZURE_CONTAINER": "media",
{%- if cookiecutter.static_storage == "bucket" and cookiecutter.media_access == "private" %}
    "AZURE_STATIC_CONTAINER": "static",
{%- endif %}