{% if cookiecutter.media_access == "public" -%}
from django.core.files.storage import StorageHandler
{% endif -%}
from storages.backends.s3 import S3Storage
