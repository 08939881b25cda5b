import logging

from django import forms
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile

from .images import ImageRefused, check, delete_quietly, prepare, store_thumbnails
from .models import Upload
from .streaming import StreamedFile

logger = logging.getLogger(__name__)

UNUSABLE_NAME = "This file name cannot be stored. Rename the file and upload it again."
STORAGE_DOWN = (
    "The file could not be stored right now, so nothing was saved. Please try again in a moment."
)
STORAGE_MISCONFIGURED = (
    "The file storage is misconfigured, so nothing was saved, and trying again will "
    "not help. The site's administrators will find the cause in the server log."
)


class CheckedImageField(forms.ImageField):
    """Django's image field, refusing too many pixels from the file's header first:
    Django's own check would decode a decompression bomb's first frame."""

    def to_python(self, data):
        if isinstance(data, UploadedFile):
            try:
                check(data)
            except ImageRefused as error:
                raise forms.ValidationError(str(error), code="invalid_image") from error
            data.seek(0)
        return super().to_python(data)


class UploadForm(forms.ModelForm):
    """Stores new files while validating, so a storage failure is a form error.

    Django would otherwise store them while saving the model and answer a failure
    with a server error. Here no row is written unless every file was stored; what
    was stored before a failure is deleted again. An image is stored without its
    metadata, with its thumbnails (uploads/images.py).
    """

    class Meta:
        model = Upload
        fields = ["title", "file", "image"]
        field_classes = {"image": CheckedImageField}

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        image, prepared = cleaned_data.get("image"), None
        if isinstance(image, UploadedFile):
            try:
                prepared = prepare(image, storage_of("image"))
            except ImageRefused as error:
                self.add_error("image", str(error))
                return cleaned_data
        elif image is False:  # "Clear" ticked: the thumbnails go with the image
            self.instance.thumbnails = {}
        stored = []
        for name in self._meta.fields:
            value = cleaned_data.get(name)
            if isinstance(value, UploadedFile):
                content = prepared.original if name == "image" else value
                cleaned_data[name] = self._store(name, value.name, content)
                if cleaned_data[name] is None:
                    delete_quietly(storage_of(name), stored)
                    return cleaned_data
                stored.append(cleaned_data[name])
        if prepared is not None:
            storage = storage_of("image")
            try:
                self.instance.thumbnails = store_thumbnails(
                    storage, cleaned_data["image"], prepared
                )
            except Exception as error:
                self._storage_error("image", storage, "thumbnails", error)
                delete_quietly(storage, stored)
        return cleaned_data

    def _store(self, name, filename, content):
        field = Upload._meta.get_field(name)
        storage = field.storage
        try:
            if isinstance(content, StreamedFile):  # stored while it arrived (uploads/streaming.py)
                return content.claim()
            stored_name = field.generate_filename(self.instance, filename)
            return storage.save(stored_name, content, max_length=field.max_length)
        except SuspiciousFileOperation as error:
            logger.warning("Refused the file name %r: %s", filename, error)
            self.add_error(name, UNUSABLE_NAME)
        except Exception as error:
            self._storage_error(name, storage, repr(filename), error)
        return None

    def _storage_error(self, name, storage, what, error):
        explain = getattr(storage, "configuration_problem", None)
        problem = explain(error) if explain else None
        if problem:
            logger.error(
                "Storage misconfigured: could not store %s in %s: %s",
                what, type(storage).__name__, problem, exc_info=True,
            )  # fmt: skip
            self.add_error(name, STORAGE_MISCONFIGURED)
        else:
            logger.exception("Could not store %s in %s", what, type(storage).__name__)
            self.add_error(name, STORAGE_DOWN)


def storage_of(name):
    return Upload._meta.get_field(name).storage
