{%- if cookiecutter.__family == "filesystem" -%}
from django.conf import settings
{% endif -%}
from django.views.generic import ListView
{%- if cookiecutter.__family == "filesystem" %}
from django.views.static import serve
{%- endif %}

from .models import Upload


class UploadListView(ListView):
    model = Upload
    paginate_by = 50

{%- if cookiecutter.__family == "filesystem" %}


def serve_media(request, path):
    """Serve an uploaded file from MEDIA_ROOT.

    The sandbox policy keeps an uploaded HTML or SVG file from running scripts
    with this site's cookies.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
{%- endif %}
