{% if cookiecutter.media_access == "private" -%}
from django.conf import settings
{% endif -%}
from django.db import models


class Upload(models.Model):
    """A file uploaded by a user, with an optional image, kept in the media storage.

    Nothing here is special to files: the project's mediafiles app gives every
    FileField and ImageField its guarantees (unique names, files stored before
    the row, images cleaned and thumbnailed, no orphans).
{%- if cookiecutter.media_access == "private" %}

    Media are private: the uploader (`owner`) and staff who may view uploads
    read its files, through links that check it (mediafiles/access.py).
{%- endif %}
    """

    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="uploads/%Y/%m/", max_length=255)
    image = models.ImageField(upload_to="images/%Y/%m/", blank=True, max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)
{%- if cookiecutter.media_access == "private" %}
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploads",
    )
{%- endif %}

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title
