from django.db import models, transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from .images import thumbnail_names


class Upload(models.Model):
    """A file uploaded by a user, kept in the default storage (STORAGES["default"])."""

    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="uploads/%Y/%m/", max_length=255)
    image = models.ImageField(upload_to="images/%Y/%m/", blank=True, max_length=255)
    # The image's thumbnails (uploads/images.py): {size: {"name": stored name,
    # "width": ..., "height": ..., "box": [width, height] it was made for}}.
    thumbnails = models.JSONField(default=dict, blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


# Stored files follow their row: a file that its row replaces, clears or deletes is
# deleted from the storage once the transaction commits (never if it rolls back),
# and so are the image's thumbnails. Rows deleted outside the ORM (raw SQL, a
# cascade in the database) leave their files.
FILE_FIELDS = ("file", "image")


def delete_after_commit(field_file, name):
    storage = field_file.storage
    transaction.on_commit(lambda: storage.delete(name))


def stored_thumbnails(instance):
    """The thumbnail names the row holds, without loading a deferred field."""
    return thumbnail_names(instance.__dict__.get("thumbnails"))


def stored_name(instance, field):
    """The file name the row holds, without loading a deferred field."""
    value = instance.__dict__.get(field)
    return getattr(value, "name", value) or ""


@receiver(post_init, sender=Upload)
def remember_stored_files(sender, instance, **kwargs):
    instance._stored_files = {field: stored_name(instance, field) for field in FILE_FIELDS}
    instance._stored_thumbnails = stored_thumbnails(instance)


@receiver(post_save, sender=Upload)
def delete_replaced_files(sender, instance, **kwargs):
    for field in FILE_FIELDS:
        old, new = instance._stored_files.get(field, ""), stored_name(instance, field)
        if old and old != new:
            delete_after_commit(getattr(instance, field), old)
    if "thumbnails" in instance.__dict__:
        for name in instance._stored_thumbnails - stored_thumbnails(instance):
            delete_after_commit(instance.image, name)
    remember_stored_files(sender, instance)


@receiver(post_delete, sender=Upload)
def delete_stored_files(sender, instance, **kwargs):
    for field in FILE_FIELDS:
        if getattr(instance, field):
            delete_after_commit(getattr(instance, field), getattr(instance, field).name)
    for name in stored_thumbnails(instance):
        delete_after_commit(instance.image, name)
