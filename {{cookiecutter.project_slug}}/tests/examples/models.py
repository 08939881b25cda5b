"""A developer's own app, as a project built on this one adds it: its models know
nothing of the mediafiles app, and its admin is Django's plain registration. The
tests prove the guarantees on it (config/test_settings.py installs it)."""

{% if cookiecutter.media_access == "private" -%}
from django.conf import settings
{% endif -%}
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
{%- if cookiecutter.media_access == "private" %}


class Payslip(models.Model):
    """A model with an owner: its file is read by the owner and by staff who may view
    payslips (the default rule of mediafiles/access.py)."""

    # No database constraint: this test-only app has no migrations, so its tables
    # are made before those of the migrated apps (auth's user table among them).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_constraint=False
    )
    file = models.FileField(upload_to="payslips/")

    def __str__(self):
        return self.file.name


class Report(models.Model):
    """A model with a rule of its own: any logged-in user reads the summary, only
    the author the draft."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_constraint=False
    )
    summary = models.FileField(upload_to="summaries/")
    draft = models.FileField(upload_to="drafts/", blank=True)

    def __str__(self):
        return self.summary.name

    def may_read_file(self, user, field_name):
        return field_name == "summary" or user.pk == self.author_id
{%- endif %}
