import logging

from django import forms
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile

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


class UploadForm(forms.ModelForm):
    """Stores new files while validating, so a storage failure is a form error.

    Django would otherwise store them while saving the model and answer a failure
    with a server error. Here no row is written unless every file was stored.
    """

    class Meta:
        model = Upload
        fields = ["title", "file", "image"]

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        for name in self._meta.fields:
            value = cleaned_data.get(name)
            if isinstance(value, UploadedFile):
                cleaned_data[name] = self._store(name, value)
        return cleaned_data

    def _store(self, name, upload):
        field = Upload._meta.get_field(name)
        storage = field.storage
        try:
            if isinstance(upload, StreamedFile):  # stored while it arrived (uploads/streaming.py)
                return upload.claim()
            filename = field.generate_filename(self.instance, upload.name)
            return storage.save(filename, upload, max_length=field.max_length)
        except SuspiciousFileOperation as error:
            logger.warning("Refused the file name %r: %s", upload.name, error)
            self.add_error(name, UNUSABLE_NAME)
        except Exception as error:
            explain = getattr(storage, "configuration_problem", None)
            problem = explain(error) if explain else None
            if problem:
                logger.error(
                    "Storage misconfigured: could not store %r in %s: %s",
                    upload.name, type(storage).__name__, problem, exc_info=True,
                )  # fmt: skip
                self.add_error(name, STORAGE_MISCONFIGURED)
            else:
                logger.exception("Could not store %r in %s", upload.name, type(storage).__name__)
                self.add_error(name, STORAGE_DOWN)
        return None
