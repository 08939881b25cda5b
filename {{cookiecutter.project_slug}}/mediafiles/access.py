"""Private media: who may read a file is the application's decision.

The media storage refuses every request that is not signed, and a signed URL is
a ticket that anyone holding it can use until it expires. So no page carries
one. Every file field on a private storage gets a URL of this site in its place:

    row.file.url                       /media-files/<app>/<model>/<pk>/<field>
    row.image|thumbnail:"list"         /media-files/<app>/<model>/<pk>/<field>/list

(the admin's "Currently:" link, templates, thumbnails, any code that asks a
FieldFile for its url). That link checks the rule below on every request:

- a visitor who has not logged in is sent to the login page;
- a user the rule refuses gets 404, the same answer as for a row that does not
  exist, so walking primary keys tells nothing;
- a user it allows is redirected to a signed URL that lives for the storage's
  signed-URL lifetime (60 seconds unless the environment says otherwise), in a
{%- if "Relays" in cookiecutter.__media_abilities %}
  response no cache may keep; on local disk, and from a storage whose signed
  URLs never expire (abilities.Relays), the site sends the file itself.
{%- else %}
  response no cache may keep; on local disk the site sends the file itself.
{%- endif %}

The rule, in one place per model:

- the model's own `may_read_file(self, user, field_name)` method when it has
  one (e.g. "any logged-in user may read the avatar, only the owner the CV");
- else the row's owner (the ForeignKey to the user model named `owner`, or the
  name in the model's `file_owner_field`) and staff who may view the model in
  the admin (superusers included). A model with no owner: staff only.

readable(queryset, user) gives the rows a list page may show: the same rule.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from . import abilities, images
from .local import private_file_response

OWNER_FIELD = "owner"
# A response that hands out a signed URL or a private file: no cache keeps it.
NO_STORE = "private, no-store"


def is_private(storage):
    """Whether a storage's files are read only through this site's links."""
    return isinstance(storage, abilities.PrivateMedia) and storage.private


def private_file_fields(model):
    """The model's file fields whose storage is private."""
    return [
        field
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and is_private(field.storage)
    ]


def owner_field(model):
    """The model's ForeignKey to the user model that names a row's owner, or None."""
    name = getattr(model, "file_owner_field", OWNER_FIELD)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if isinstance(field, models.ForeignKey) and field.related_model is get_user_model():
        return field
    return None


def may_view_all(user, model):
    """Staff who may view the model in the admin read every row's files."""
    permission = f"{model._meta.app_label}.view_{model._meta.model_name}"
    return user.is_active and user.is_staff and user.has_perm(permission)


def may_read(user, row, field_name):
    """Whether this user may read the file in this field of this row."""
    if not user.is_authenticated:
        return False
    rule = getattr(row, "may_read_file", None)
    if callable(rule):
        return bool(rule(user, field_name))
    if may_view_all(user, type(row)):
        return True
    owner = owner_field(type(row))
    return owner is not None and user.is_active and getattr(row, owner.attname) == user.pk


def readable(queryset, user):
    """The rows of the queryset whose files this user may read (for a list page).

    The default rule is one query. A model with its own may_read_file is checked
    row by row: give it a `readable_by(queryset, user)` classmethod to make it a
    query too.
    """
    model = queryset.model
    if not user.is_authenticated:
        return queryset.none()
    if callable(getattr(model, "readable_by", None)):
        return model.readable_by(queryset, user)
    if callable(getattr(model, "may_read_file", None)):
        fields = [field.name for field in private_file_fields(model)]
        allowed = [row.pk for row in queryset if any(may_read(user, row, name) for name in fields)]
        return queryset.filter(pk__in=allowed)
    if may_view_all(user, model):
        return queryset
    owner = owner_field(model)
    if owner is None or not user.is_active:
        return queryset.none()
    return queryset.filter(**{owner.attname: user.pk})


def link(field_file, size=None):
    """The site's URL of a private file (of one of its thumbnails, with a size)."""
    row, field = field_file.instance, field_file.field
    if row.pk is None:
        raise ValueError(f"The {field.name} file has no link until its row is saved.")
    args = [row._meta.app_label, row._meta.model_name, row.pk, field.name]
    if size is None:
        return reverse("media-file", args=args)
    return reverse("media-thumbnail", args=[*args, size])


class PrivateLinks:
    """FieldFile mixin: the url is the site's link that checks the rule."""

    @property
    def url(self):
        self._require_file()
        return link(self)

    def link(self, size=None):
        return link(self, size)


def protect(model):
    """Give every private file field of the model links in place of storage URLs."""
    for field in private_file_fields(model):
        if not issubclass(field.attr_class, PrivateLinks):
            base = field.attr_class
            field.attr_class = type(f"Private{base.__name__}", (PrivateLinks, base), {})


def protect_all():
    """Every model of every installed app (MediaFilesConfig.ready())."""
    for model in apps.get_models():
        protect(model)


def readable_file(request, app_label, model_name, pk, field_name):
    """The row's FieldFile, when the request's user may read it; else Http404."""
    try:
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
    except (LookupError, FieldDoesNotExist) as error:
        raise Http404("No such file.") from error
    if not (isinstance(field, models.FileField) and is_private(field.storage)):
        raise Http404("No such file.")
    try:
        row = model._default_manager.filter(pk=pk).first()
    except (ValidationError, ValueError) as error:
        raise Http404("No such file.") from error
    if row is None or not may_read(request.user, row, field.name):
        raise Http404("No such file.")
    field_file = getattr(row, field.attname)
    if not field_file:
        raise Http404("No such file.")
    return field_file


{% if "Relays" in cookiecutter.__media_abilities -%}
def handed_out(request, storage, name, url=None):
    """The response that gives an allowed user the stored file `name` (or the
    storage's URL `url` of it, e.g. a resized image)."""
    if isinstance(storage, FileSystemStorage):
        response = private_file_response(request, storage, name)
    elif isinstance(storage, abilities.Relays):
        # Signed URLs that never expire are not handed out: the site relays the file.
        response = storage.relayed(url or storage.url(name))
    else:
        response = redirect(url or storage.url(name))
{%- else -%}
def handed_out(request, storage, name):
    """The response that gives an allowed user the stored file `name`."""
    if isinstance(storage, FileSystemStorage):
        response = private_file_response(request, storage, name)
    else:
        response = redirect(storage.url(name))
{%- endif %}
    response.headers["Cache-Control"] = NO_STORE
    return response


@login_required
def media_file(request, app_label, model_name, pk, field_name):
    """A private file, for a user the rule allows."""
    field_file = readable_file(request, app_label, model_name, pk, field_name)
    return handed_out(request, field_file.storage, field_file.name)


def thumbnail_handed_out(request, field_file, size):
    """The response that gives an allowed user an image's thumbnail in this size."""
    storage, name = field_file.storage, field_file.name
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
    if images.resizes_by_url(storage):
        box = settings.THUMBNAIL_SIZES[size]
        return handed_out(request, storage, name, storage.resized_url(name, *box))
{%- endif %}
    return handed_out(request, storage, images.thumbnail_name(name, size))


@login_required
def media_thumbnail(request, app_label, model_name, pk, field_name, size):
    """A private image's thumbnail, for a user the rule allows.

    Nothing is asked of the storage: a thumbnail it lost fails to load, and the
    page then asks the thumbnail fallback (mediafiles/views.py), which applies
    the same rule and makes it again.
    """
    if size not in settings.THUMBNAIL_SIZES:
        raise Http404("No such thumbnail size.")
    field_file = readable_file(request, app_label, model_name, pk, field_name)
    return thumbnail_handed_out(request, field_file, size)
