"""What every file field of every installed app gets, whatever model it is on.

- New files are stored before their row is written, by this module's
  store_new_files(): through a form of mediafiles/forms.py (the admin uses them
  for every model, mediafiles/admin.py) while the form validates, so a failure
  is a form error; otherwise from the pre_save signal, so a failure raises
  FileRefused before any row is written, which mediafiles/middleware.py answers
  with a 503 (storage) or 400 (file) page instead of a server error.
- An ImageField's new image is checked from its header, stored without its
  metadata, and its thumbnails are made (mediafiles/images.py), unless
  MEDIA_IMAGES_AS_UPLOADED names the field or its model.
- A file stored for a row that the request did not save after all (another field
  or an inline refused, the transaction rolled back) is deleted when the request
  ends.
- A replaced, cleared or deleted file is deleted once the transaction commits,
  never on rollback: django-cleanup does that for every model (opt out per
  model with its @cleanup.ignore), and the receiver below deletes an image's
  thumbnails with it.
"""

import logging
from functools import cache

from asgiref.local import Local
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.signals import request_finished, request_started
from django.db import models, router
from django.db.models.fields.files import FieldFile
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django_cleanup.signals import cleanup_post_delete

from . import abilities, images

logger = logging.getLogger(__name__)

UNUSABLE_NAME = "This file name cannot be stored. Rename the file and upload it again."
STORAGE_DOWN = (
    "The file could not be stored right now, so nothing was saved. Please try again in a moment."
)
STORAGE_MISCONFIGURED = (
    "The file storage is misconfigured, so nothing was saved, and trying again will "
    "not help. The site's administrators will find the cause in the server log."
)


class FileRefused(Exception):
    """A new file that was not stored: `field` is the field's name, `message` what
    the user is told."""

    status = 400

    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


class StorageFailed(FileRefused):
    """The storage failed to store a new file (an outage, or a misconfiguration
    that no retry mends)."""

    status = 503


def storage_failed(field, storage, what, error):
    """The StorageFailed for this error, logged with its cause."""
    problem = None
    if isinstance(storage, abilities.RecognizesMisconfiguration):
        problem = storage.configuration_problem(error)
    where = type(storage).__name__
    if problem:
        logger.error(
            "Storage misconfigured: could not store %s in %s: %s", what, where, problem,
            exc_info=error,
        )  # fmt: skip
        return StorageFailed(field.name, STORAGE_MISCONFIGURED)
    logger.error("Could not store %s in %s", what, where, exc_info=error)
    return StorageFailed(field.name, STORAGE_DOWN)


@cache
def file_fields(model):
    """The model's own file fields (FileField and ImageField)."""
    return tuple(
        field for field in model._meta.concrete_fields if isinstance(field, models.FileField)
    )


def kept_as_uploaded(field):
    """Whether MEDIA_IMAGES_AS_UPLOADED names this field ("app_label.Model.field")
    or its model ("app_label.Model")."""
    model = field.model._meta.label
    return bool({model, f"{model}.{field.name}"} & set(settings.MEDIA_IMAGES_AS_UPLOADED))


def processes_images(field):
    """Whether the field's new images are checked, cleaned and thumbnailed."""
    return isinstance(field, models.ImageField) and not kept_as_uploaded(field)


def is_new(value):
    """Whether a file field's value is a file that Model.save() would store."""
    if isinstance(value, FieldFile):
        return bool(value) and not value._committed
    return isinstance(value, File)


# Files stored during the current request: (field, name). Whatever no row holds
# when the request ends is deleted.
_request = Local()


def remember(field, name):
    files = getattr(_request, "files", None)
    if files is not None:
        files.append((field, name))


def discard(field, name):
    """Delete a file stored for a row that was not saved, and its thumbnails."""
    try:
        field.storage.delete(name)
        if isinstance(field, models.ImageField):
            images.delete_thumbnails(field.storage, name)
    except Exception:
        logger.exception("Could not delete %s, stored for a row that was not saved", name)


def store(instance, field, file):
    """Store one new file; its stored name."""
    storage, content, prepared = field.storage, file.file, None
{%- if "mediafiles/streaming.py" in cookiecutter._families[cookiecutter.__family].paths %}
    if hasattr(content, "claim"):  # stored while it arrived (mediafiles/streaming.py)
        try:
            name = content.claim()
        except Exception as error:
            raise storage_failed(field, storage, repr(file.name), error) from error
        setattr(instance, field.attname, name)
        remember(field, name)
        return name
{%- endif %}
    if processes_images(field):
        try:
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
            prepared = images.prepare(content, storage)
{%- else %}
            prepared = images.prepare(content)
{%- endif %}
        except images.ImageRefused as error:
            raise FileRefused(field.name, str(error)) from error
        content = prepared.original
    try:
        file.save(file.name, content, save=False)
    except SuspiciousFileOperation as error:
        logger.warning("Refused the file name %r: %s", file.name, error)
        raise FileRefused(field.name, UNUSABLE_NAME) from error
    except Exception as error:
        raise storage_failed(field, storage, repr(file.name), error) from error
    if prepared is not None:
        try:
            images.store_thumbnails(storage, file.name, prepared)
        except Exception as error:
            images.delete_quietly(storage, [file.name])
            raise storage_failed(field, storage, "the thumbnails", error) from error
    remember(field, file.name)
    return file.name


def store_new_files(instance, only=None):
    """Store every new file of the instance (of the fields named in `only`), as
    Model.save() would, with this project's rules; raise FileRefused for the first
    that fails, after deleting what this call stored."""
    stored = []
    try:
        for field in file_fields(type(instance)):
            if only is not None and field.name not in only:
                continue
            if is_new(instance.__dict__.get(field.attname)):
                stored.append((field, store(instance, field, getattr(instance, field.attname))))
    except FileRefused:
        for field, name in stored:
            discard(field, name)
        raise


@receiver(pre_save, dispatch_uid="mediafiles.store_new_files")
def store_before_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    """Files assigned outside a form of mediafiles/forms.py are stored here, with
    the same rules, before the row is written (only those of the fields saved)."""
    if not raw and file_fields(sender):
        store_new_files(instance, only=update_fields)


@receiver(request_started, dispatch_uid="mediafiles.start_remembering")
def start_remembering(**kwargs):
    _request.files = []


def delete_unsaved(keep_remembering=False):
    """Delete the files stored during this request that no row holds.

    mediafiles/middleware.py calls it once the view has answered, before the
    response leaves, so a client never sees a response while such a file is
    still stored; request_finished then deletes any stored after that.
    """
    files = getattr(_request, "files", None)
    _request.files = [] if keep_remembering and files is not None else None
    for field, name in files or []:
        try:
            model = field.model
            rows = model._base_manager.using(router.db_for_write(model))
            saved = rows.filter(**{field.name: name}).exists()
        except Exception:
            logger.exception("Could not tell whether a row holds %s", name)
            continue
        if not saved:
            discard(field, name)


@receiver(request_finished, dispatch_uid="mediafiles.delete_unsaved_files")
def delete_unsaved_files(**kwargs):
    """When the request ends (the server has sent the response): what is left."""
    delete_unsaved()


@receiver(cleanup_post_delete, dispatch_uid="mediafiles.delete_thumbnails")
def delete_thumbnails_with_their_image(sender, file, file_name, success, **kwargs):
    """django-cleanup deleted an image (after the commit): its thumbnails go too."""
    if success and isinstance(file.field, models.ImageField):
        try:
            images.delete_thumbnails(file.storage, file_name)
        except Exception:
            logger.exception("Could not delete the thumbnails of %s", file_name)
