"""Prepare the storage for this project: create the blob containers the storages
use, when missing.

For the local emulator (Azurite) and first set-ups: in production the containers
usually come from the infrastructure's own configuration. A container
is readable anonymously when its storage hands out unsigned URLs. No clean-up rule
is added: Azure discards the uncommitted blocks of an interrupted upload by itself.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Prepare the storage: create the media (and static) containers when they do not exist yet."
    )

    def handle(self, *args, **options):
        if isinstance(storages["default"], FileSystemStorage):
            self.stdout.write("Media are on local disk (MEDIA_STORAGE_URL=file:...): nothing to do")
            return
        service = storages["default"].service_client
        containers = {}
        for storage in settings.STORAGES.values():
            storage_options = storage.get("OPTIONS", {})
            if "azure_container" in storage_options:
                public = not storage_options.get("expiration_secs")
                name = storage_options["azure_container"]
                containers[name] = containers.get(name, True) and public
        for name, public in sorted(containers.items()):
            container = service.get_container_client(name)
            if container.exists():
                self.stdout.write(f"Container {name} exists")
            else:
                container.create_container(public_access="blob" if public else None)
                access = "public blobs" if public else "private"
                self.stdout.write(f"Created container {name} ({access})")
