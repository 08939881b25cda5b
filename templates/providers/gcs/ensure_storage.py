"""Prepare the storage for this project: create the buckets the storages use, when
missing.

For the local emulator (fake-gcs-server) and first set-ups: in production the
buckets usually come from the infrastructure's own configuration. No clean-up rule
is added: Google Cloud Storage discards interrupted resumable uploads by itself.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prepare the storage: create the media (and static) buckets when they do not exist yet."

    def handle(self, *args, **options):
        if isinstance(storages["default"], FileSystemStorage):
            self.stdout.write("Media are on local disk (MEDIA_STORAGE_URL=file:...): nothing to do")
            return
        client = storages["default"].client
        names = {
            storage["OPTIONS"]["bucket_name"]
            for storage in settings.STORAGES.values()
            if "bucket_name" in storage.get("OPTIONS", {})
        }
        for name in sorted(names):
            if client.lookup_bucket(name) is None:
                client.create_bucket(name)
                self.stdout.write(f"Created bucket {name}")
            else:
                self.stdout.write(f"Bucket {name} exists")
