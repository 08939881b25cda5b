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

from .guarantees import FileRefused, store_new_files


class StoredFilesMixin:
    """ModelForm mixin: new files are stored, or the form is invalid."""

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
