{%- if cookiecutter.__family == "s3" -%}
"""Give the media bucket a rule that cleans up abandoned multipart uploads.

A large upload goes up in parts; when it is cut (an outage, a killed worker) the
parts already sent stay in the bucket, invisible and billed, until something
aborts them. The rule makes the service abort any upload left incomplete for a
day. AWS S3, DigitalOcean Spaces, Cloudflare R2, MinIO and SeaweedFS accept it;
run this once per bucket (compose.yaml runs it at every start).
"""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand

RULE = {
    "ID": "abort-incomplete-multipart-uploads",
    "Status": "Enabled",
    "Filter": {"Prefix": ""},
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
}


class Command(BaseCommand):
    help = "Add the rule that aborts multipart uploads left incomplete for a day."

    def handle(self, *args, **options):
        storage = storages["default"]
        client = storage.connection.meta.client
        try:
            rules = client.get_bucket_lifecycle_configuration(Bucket=storage.bucket_name)["Rules"]
        except client.exceptions.ClientError as error:
            if error.response["Error"]["Code"] != "NoSuchLifecycleConfiguration":
                raise
            rules = []
        if any(rule.get("ID") == RULE["ID"] for rule in rules):
            self.stdout.write(f"Bucket {storage.bucket_name} already has the rule")
            return
        client.put_bucket_lifecycle_configuration(
            Bucket=storage.bucket_name, LifecycleConfiguration={"Rules": [*rules, RULE]}
        )
        self.stdout.write(
            f"Bucket {storage.bucket_name}: incomplete multipart uploads are aborted after a day"
        )
{%- elif cookiecutter.storage_provider == "gcs" -%}
"""Create the buckets the storages use, when missing.

For the local emulator (fake-gcs-server) and first set-ups: in production the
buckets usually come from the infrastructure's own configuration.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the media (and static) buckets when they do not exist yet."

    def handle(self, *args, **options):
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
{%- elif cookiecutter.storage_provider == "azure" -%}
"""Create the blob containers the storages use, when missing.

For the local emulator (Azurite) and first set-ups: in production the containers
usually come from the infrastructure's own configuration. A container
is readable anonymously when its storage hands out unsigned URLs.
"""

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the media (and static) containers when they do not exist yet."

    def handle(self, *args, **options):
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
{%- endif %}
