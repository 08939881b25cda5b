"""Prepare the storage for this project: give the media bucket the rule that
cleans up abandoned multipart uploads. The bucket itself is not created here: the
service's console or the infrastructure's configuration makes it (a local
emulator, at its start).

A large upload goes up in parts; when it is cut (an outage, a killed worker) the
parts already sent stay in the bucket, invisible and billed, until something
aborts them. The rule makes the service abort any upload left incomplete for a
day. AWS S3, DigitalOcean Spaces, Cloudflare R2, MinIO and SeaweedFS accept it;
run this once per bucket.
{%- if cookiecutter.use_docker %}
compose.yaml runs it at every start.
{%- endif %}
"""

from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand

RULE = {
    "ID": "abort-incomplete-multipart-uploads",
    "Status": "Enabled",
    "Filter": {"Prefix": ""},
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
}


class Command(BaseCommand):
    help = (
        "Prepare the storage: give the media bucket the rule that aborts multipart "
        "uploads left incomplete for a day (the bucket must exist)."
    )

    def handle(self, *args, **options):
        if isinstance(storages["default"], FileSystemStorage):
            self.stdout.write("Media are on local disk (MEDIA_STORAGE_URL=file:...): nothing to do")
            return
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
