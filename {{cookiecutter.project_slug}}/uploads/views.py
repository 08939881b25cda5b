import logging

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView

from .images import ImageRefused, in_storage, rebuild, thumbnail
from .models import Upload

logger = logging.getLogger(__name__)


class UploadListView(ListView):
    model = Upload
    paginate_by = 50


def thumbnail_redirect(request, pk, size):
    """Redirect to an upload's thumbnail, made first when the storage has none.

    Pages never point here for a thumbnail they know: an <img> asks this URL only
    when its thumbnail failed to load (static/js/thumbnails.js), or when the row
    has none in this size yet. So a normal page view costs no request here or to
    the storage, and a thumbnail missing from the storage is made again, once:
    the row is locked while it is made, and a second request finds it stored.
    """
    if size not in settings.THUMBNAIL_SIZES:
        raise Http404("No such thumbnail size.")
    with transaction.atomic():
        upload = get_object_or_404(Upload.objects.select_for_update().exclude(image=""), pk=pk)
        if not in_storage(upload, size):
            try:
                rebuild(upload, [size])
            except ImageRefused as error:
                raise Http404(str(error)) from error
            except Exception:
                logger.exception("Could not make the %s thumbnail of upload %s", size, pk)
                return HttpResponse(
                    "The thumbnail cannot be made right now.", status=503, content_type="text/plain"
                )
    return redirect(thumbnail(upload, size)["url"])
