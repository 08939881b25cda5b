"""System checks: a file field that escapes the guarantees of mediafiles/guarantees.py
is named at startup (manage.py check, runserver, migrate), with the fix."""

from django.apps import apps
from django.conf import settings
from django.contrib.admin.sites import all_sites
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import default_storage
from django.db import models

from .admin import MediaAdminSite, StoredFilesAdmin
from .guarantees import file_fields
from .storage import UniqueNames

MIDDLEWARE = "mediafiles.middleware.FileRefusedMiddleware"


def label(field):
    return f"{field.model._meta.label}.{field.name}"


@register(Tags.admin)
def admin_forms_store_files_first(app_configs, **kwargs):
    """A model with file fields in an admin that does not store them while its
    forms validate: a storage failure there is a server error."""
    warnings = []
    for site in all_sites:
        for model, model_admin in site._registry.items():
            fields = file_fields(model)
            if not fields or isinstance(model_admin, StoredFilesAdmin):
                continue
            names = ", ".join(field.name for field in fields)
            warnings.append(
                Warning(
                    f"{type(model_admin).__name__} on the admin site {site.name!r} saves "
                    f"{model._meta.label} ({names}) without storing its files first: a storage "
                    "failure there is a server error, not a form error.",
                    hint=(
                        "Register the model on django.contrib.admin.site, or derive the site "
                        f"from {MediaAdminSite.__module__}.MediaAdminSite."
                    ),
                    obj=model_admin,
                    id="mediafiles.W001",
                )
            )
    return warnings


@register()
def fields_use_the_media_rules(app_configs, **kwargs):
    """A file field whose storage is not one of the project's: its names are not
    unique, and active content is not served as a download."""
    warnings = []
    for model in apps.get_models():
        for field in file_fields(model):
            if field.storage is default_storage or isinstance(field.storage, UniqueNames):
                continue
            warnings.append(
                Warning(
                    f"{label(field)} stores its files in {type(field.storage).__name__}, "
                    "which does not follow the project's media rules: an upload may replace "
                    "another of the same name, and HTML or SVG files are served inline.",
                    hint="Leave out storage= (the media storage, STORAGES['default']), or "
                    "give the storage class mediafiles.storage.UniqueNames as its first base.",
                    obj=field,
                    id="mediafiles.W002",
                )
            )
    return warnings


@register()
def settings_name_what_exists(app_configs, **kwargs):
    """MEDIA_IMAGES_AS_UPLOADED names models and image fields that exist, and the
    middleware that answers a refused file is installed."""
    errors = []
    for entry in settings.MEDIA_IMAGES_AS_UPLOADED:
        model_label, field_name = entry, ""
        if entry.count(".") == 2:
            model_label, _, field_name = entry.rpartition(".")
        try:
            model = apps.get_model(model_label)
            field = model._meta.get_field(field_name) if field_name else None
        except (LookupError, ValueError, FieldDoesNotExist):
            model = field = None
        if model is None or (field_name and not isinstance(field, models.ImageField)):
            errors.append(
                Error(
                    f"MEDIA_IMAGES_AS_UPLOADED names {entry!r}, which is no model or image field.",
                    hint='Name a model as "app_label.Model" or a field as "app_label.Model.field".',
                    id="mediafiles.E002",
                )
            )
    if MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Warning(
                f"{MIDDLEWARE} is not in MIDDLEWARE: a file that cannot be stored outside a "
                "form of mediafiles/forms.py is a server error instead of a 503 page.",
                hint=f"Add {MIDDLEWARE!r} to MIDDLEWARE.",
                id="mediafiles.W003",
            )
        )
    return errors
