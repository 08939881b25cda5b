from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver


class Upload(models.Model):
    """A file uploaded by a user, kept in the default storage (STORAGES["default"])."""

    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="uploads/%Y/%m/")
    image = models.ImageField(upload_to="images/%Y/%m/", blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


@receiver(post_delete, sender=Upload)
def delete_stored_files(sender, instance, **kwargs):
    """Remove the stored files once the row's deletion is committed."""
    for field_file in (instance.file, instance.image):
        if field_file:
            storage, name = field_file.storage, field_file.name
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
