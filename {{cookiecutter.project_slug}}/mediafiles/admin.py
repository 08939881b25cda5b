"""The admin keeps the file guarantees for every model registered in it.

The project's admin site (MediaAdminSite, Django's default site through
MediaAdminConfig in INSTALLED_APPS) gives every ModelAdmin registered on it,
with `admin.site.register(Model)` or `@admin.register(Model)`, the mixins
below: its forms, and those of its inlines, store new files while they validate
(mediafiles/forms.py), so a storage failure is a form error and writes no row.
A ModelAdmin that already has them is left as it is.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from .forms import with_stored_files
{%- if "mediafiles/streaming.py" in cookiecutter._families[cookiecutter.__family].paths %}
from .streaming import StreamingUploadsAdmin
{%- endif %}


class StoredFilesAdmin:
    """ModelAdmin mixin: the change form and every inline's forms store new files
    while they validate."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        return with_stored_files(super().get_form(request, obj, change=change, **kwargs))

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            form = with_stored_files(formset.form)
            yield type(formset.__name__, (formset,), {"form": form}), inline

{% if "mediafiles/streaming.py" in cookiecutter._families[cookiecutter.__family].paths %}
# Every admin's large files also go to the bucket while they arrive (mediafiles/streaming.py).
ADMIN_MIXINS = (StreamingUploadsAdmin, StoredFilesAdmin)
{%- else %}
ADMIN_MIXINS = (StoredFilesAdmin,)
{%- endif %}


def with_guarantees(admin_class):
    """The ModelAdmin class, with ADMIN_MIXINS in front of it if it has not got them."""
    missing = tuple(mixin for mixin in ADMIN_MIXINS if not issubclass(admin_class, mixin))
    if not missing:
        return admin_class
    attributes = {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__}
    return type(admin_class.__name__, (*missing, admin_class), attributes)


class MediaAdminSite(admin.AdminSite):
    """Django's admin site, registering every ModelAdmin with_guarantees()."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = with_guarantees(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)


class MediaAdminConfig(AdminConfig):
    """django.contrib.admin, with MediaAdminSite as the default `admin.site`."""

    default_site = "mediafiles.admin.MediaAdminSite"
