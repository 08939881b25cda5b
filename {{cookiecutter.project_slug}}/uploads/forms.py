import logging

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .models import Upload

logger = logging.getLogger(__name__)


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
        try:
            return field.storage.save(
                field.generate_filename(self.instance, upload.name),
                upload,
                max_length=field.max_length,
            )
        except Exception:
            logger.exception("Could not store %r in %s", upload.name, type(field.storage).__name__)
            self.add_error(
                name,
                "The file could not be stored right now, so nothing was saved. "
                "Please try again in a moment.",
            )
            return None
