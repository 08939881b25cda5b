"""Make the thumbnails of every stored image again (mediafiles/images.py).

    python manage.py rebuild_thumbnails            # every image, every size
    python manage.py rebuild_thumbnails --missing  # only those the storage lacks

Every ImageField of every installed app is covered, except those stored as
uploaded (MEDIA_IMAGES_AS_UPLOADED). After a change of THUMBNAIL_SIZES, the
first form makes every thumbnail again and deletes those of sizes no longer
listed. --missing makes only what the storage does not hold (an existence check
per thumbnail). Each image is read once from the storage; one that fails is
reported and the others go on.
"""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mediafiles.guarantees import file_fields, processes_images
from mediafiles.images import in_storage, rebuild


def image_fields():
    """(model, field) for every image field whose images get thumbnails."""
    for model in apps.get_models():
        for field in file_fields(model):
            if processes_images(field):
                yield model, field


class Command(BaseCommand):
    help = "Make the thumbnails of stored images again (all, or only the missing ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="only thumbnails that the storage does not hold",
        )

    def handle(self, *args, missing=False, **options):
        made = failed = 0
        for model, field in image_fields():
            rows = model._base_manager.exclude(**{field.name: ""}).exclude(
                **{f"{field.name}__isnull": True}
            )
            for row in rows.only("pk", field.name).order_by("pk").iterator(chunk_size=100):
                image = getattr(row, field.attname)
                sizes = [
                    size
                    for size in settings.THUMBNAIL_SIZES
                    if not (missing and in_storage(image, size))
                ]
                if not sizes:
                    continue
                try:
                    rebuild(image, sizes)
                except Exception as error:
                    failed += 1
                    self.stderr.write(f"{model._meta.label} {row.pk} ({image.name}): {error}")
                    continue
                made += 1
                self.stdout.write(f"{model._meta.label} {row.pk}: {', '.join(sizes)}")
        self.stdout.write(f"Thumbnails made for {made} image(s), {failed} failed.")
        if failed:
            raise CommandError(f"{failed} image(s) could not be thumbnailed.")
