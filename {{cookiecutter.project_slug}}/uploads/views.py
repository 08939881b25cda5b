{%- if cookiecutter.__family == "filesystem" -%}
from django.conf import settings
{% endif -%}
from django.views.generic import ListView
{%- if cookiecutter.__family == "filesystem" %}
from django.views.static import serve
{%- endif %}

from .models import Upload
{%- if cookiecutter.__family == "filesystem" %}
from .storage import content_disposition
{%- endif %}


class UploadListView(ListView):
    model = Upload
    paginate_by = 50

{%- if cookiecutter.__family == "filesystem" %}


def serve_media(request, path):
    """Serve an uploaded file from MEDIA_ROOT.

    Only passive content (images, PDF, audio, video, plain text) is shown
    inline; anything else is a download. The sandbox policy also keeps an
    uploaded HTML or SVG file from running scripts with this site's cookies.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response.headers["Content-Disposition"] = content_disposition(path)
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
{%- endif %}
