"""Make the thumbnails of uploaded images again (uploads/images.py).

    python manage.py rebuild_thumbnails            # every image, every size
    python manage.py rebuild_thumbnails --missing  # only those missing or outdated

After a change of THUMBNAIL_SIZES, the first form makes every thumbnail again
(and deletes those it replaces). --missing makes only what is absent: a size the
row has no thumbnail for, one made for another size, or one the storage no
longer holds (an existence check per stored thumbnail). Each image is read once
from the storage; one that fails is reported and the others go on.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from uploads.images import in_storage, rebuild
from uploads.models import Upload


class Command(BaseCommand):
    help = "Make the thumbnails of uploaded images again (all, or only the missing ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="only thumbnails that are missing, outdated or absent from the storage",
        )

    def handle(self, *args, missing=False, **options):
        made = failed = 0
        for upload in Upload.objects.exclude(image="").order_by("pk").iterator(chunk_size=100):
            sizes = [
                size
                for size in settings.THUMBNAIL_SIZES
                if not (missing and in_storage(upload, size))
            ]
            if not sizes:
                continue
            try:
                rebuild(upload, sizes)
            except Exception as error:
                failed += 1
                self.stderr.write(f"upload {upload.pk} ({upload.image.name}): {error}")
                continue
            made += 1
            self.stdout.write(f"upload {upload.pk}: {', '.join(sizes)}")
        self.stdout.write(f"Thumbnails made for {made} image(s), {failed} failed.")
        if failed:
            raise CommandError(f"{failed} image(s) could not be thumbnailed.")
