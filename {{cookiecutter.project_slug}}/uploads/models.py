from django.db import models


class Upload(models.Model):
    """A file uploaded by a user, with an optional image, kept in the media storage.

    Nothing here is special to files: the project's mediafiles app gives every
    FileField and ImageField its guarantees (unique names, files stored before
    the row, images cleaned and thumbnailed, no orphans).
    """

    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="uploads/%Y/%m/", max_length=255)
    image = models.ImageField(upload_to="images/%Y/%m/", blank=True, max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title
