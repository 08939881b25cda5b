"""Forms that store their new files while they validate.

Django stores a form's files in Model.save(), after validation: a storage that
fails there can only raise, and the user gets an error page. A form with
StoredFilesMixin stores them as its last validation step instead
(mediafiles/guarantees.py), so a failure is an error on the form's field and no
row is written. The admin gives every model's forms this mixin
(mediafiles/admin.py); a view of the project's own gets it by subclassing
StoredFilesModelForm instead of forms.ModelForm.
"""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import UploadedFile

from .guarantees import FileRefused, processes_images, store_new_files
from .images import ImageRefused, check


class CheckedImageField(forms.ImageField):
    """Django's image field, refusing too many pixels from the file's header first:
    Django's own check would say "not an image" of a decompression bomb, or open
    an image of any size."""

    def to_python(self, data):
        if isinstance(data, UploadedFile):
            try:
                check(data)
            except ImageRefused as error:
                raise forms.ValidationError(str(error), code="invalid_image") from error
            data.seek(0)
        return super().to_python(data)


class StoredFilesMixin:
    """ModelForm mixin: new images are checked from their header first, and new
    files are stored, or the form is invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            # The form's own copy of a plain image field becomes a checked one
            # (it adds no state); a field class of the form's own is left alone.
            if type(field) is forms.ImageField and self._processes_images(name):
                field.__class__ = CheckedImageField

    def _processes_images(self, name):
        try:
            return processes_images(self._meta.model._meta.get_field(name))
        except FieldDoesNotExist:  # a field of the form's own
            return False

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            store_new_files(self.instance)
        except FileRefused as refused:
            self.add_error(refused.field if refused.field in self.fields else None, refused.message)


class StoredFilesModelForm(StoredFilesMixin, forms.ModelForm):
    """A ModelForm whose new files are stored while it validates."""


def with_stored_files(form_class):
    """The form class, with StoredFilesMixin if it has not got it."""
    if issubclass(form_class, StoredFilesMixin):
        return form_class
    attributes = {"__module__": form_class.__module__, "__qualname__": form_class.__qualname__}
    return type(form_class.__name__, (StoredFilesMixin, form_class), attributes)
