"""A developer's own app, as a project built on this one adds it: its models know
nothing of the mediafiles app, and its admin is Django's plain registration. The
tests prove the guarantees on it (config/test_settings.py installs it)."""

from django.db import models


class Profile(models.Model):
    name = models.CharField(max_length=100)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    cv = models.FileField(upload_to="cv/", blank=True)

    def __str__(self):
        return self.name


class Album(models.Model):
    title = models.CharField(max_length=100)
    cover = models.ImageField(upload_to="covers/", blank=True)

    def __str__(self):
        return self.title


class Photo(models.Model):
    album = models.ForeignKey(Album, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="photos/")

    def __str__(self):
        return self.image.name


class Visible(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(archived=False)


class Document(models.Model):
    """A model whose default manager hides some rows."""

    file = models.FileField(upload_to="documents/")
    archived = models.BooleanField(default=False)

    objects = Visible()

    def __str__(self):
        return self.file.name
