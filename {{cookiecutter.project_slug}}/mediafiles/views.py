import logging

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from . import images
from .guarantees import processes_images

logger = logging.getLogger(__name__)


def thumbnail_redirect(request, app_label, model_name, pk, field_name, size):
    """Redirect to the thumbnail of a row's image, made first when the storage has none.

    Pages never point here for a thumbnail they show: an <img> asks this URL only
    when its thumbnail failed to load (static/js/thumbnails.js). So a normal page
    view costs no request here or to the storage, and a thumbnail missing from
    the storage is made again (two requests at once store the same image once).
    """
    if size not in settings.THUMBNAIL_SIZES:
        raise Http404("No such thumbnail size.")
    try:
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
        row = model._default_manager.filter(pk=pk).exclude(**{field_name: ""}).first()
    except (LookupError, FieldDoesNotExist, ValidationError, ValueError) as error:
        raise Http404("No such image.") from error
    if row is None or not processes_images(field):
        raise Http404("No such image.")
    image = getattr(row, field.attname)
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
    return redirect(images.thumbnail(image, size)["url"])
