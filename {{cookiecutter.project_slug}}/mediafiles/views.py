import logging

{% if cookiecutter.media_access == "public" -%}
from django.apps import apps
{% endif -%}
from django.conf import settings
{%- if cookiecutter.media_access == "private" %}
from django.contrib.auth.decorators import login_required
{%- endif %}
{%- if cookiecutter.media_access == "public" %}
from django.core.exceptions import FieldDoesNotExist, ValidationError
{%- endif %}
from django.http import Http404, HttpResponse
{%- if cookiecutter.media_access == "public" %}
from django.shortcuts import redirect
{%- endif %}

from . import {{ "access, " if cookiecutter.media_access == "private" }}images
from .guarantees import processes_images

logger = logging.getLogger(__name__)


{% if cookiecutter.media_access == "private" -%}
@login_required
{% endif -%}
def thumbnail_redirect(request, app_label, model_name, pk, field_name, size):
    """Redirect to the thumbnail of a row's image, made first when the storage has none.

    Pages never point here for a thumbnail they show: an <img> asks this URL only
    when its thumbnail failed to load (static/js/thumbnails.js). So a normal page
    view costs no request here or to the storage, and a thumbnail missing from
    the storage is made again (two requests at once store the same image once).
{%- if cookiecutter.media_access == "private" %}
    The image is private: the same rule as its link decides who gets it
    (mediafiles/access.py).
{%- endif %}
    """
    if size not in settings.THUMBNAIL_SIZES:
        raise Http404("No such thumbnail size.")
{%- if cookiecutter.media_access == "private" %}
    image = access.readable_file(request, app_label, model_name, pk, field_name)
    if not processes_images(image.field):
        raise Http404("No such image.")
{%- else %}
    try:
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
        row = model._default_manager.filter(pk=pk).exclude(**{field_name: ""}).first()
    except (LookupError, FieldDoesNotExist, ValidationError, ValueError) as error:
        raise Http404("No such image.") from error
    if row is None or not processes_images(field):
        raise Http404("No such image.")
    image = getattr(row, field.attname)
{%- endif %}
    if not images.in_storage(image, size):
        try:
            images.rebuild(image, [size])
        except images.ImageRefused as error:
            raise Http404(str(error)) from error
        except Exception:
            logger.exception("Could not make the %s thumbnail of %s", size, image.name)
            return HttpResponse(
                "The thumbnail cannot be made right now.", status=503, content_type="text/plain"
            )
{%- if cookiecutter.media_access == "private" %}
    return access.thumbnail_handed_out(request, image, size)
{%- else %}
    return redirect(images.thumbnail(image, size)["url"])
{%- endif %}
