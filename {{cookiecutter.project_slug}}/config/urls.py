{%- if cookiecutter.__family == "filesystem" -%}
import re

from django.conf import settings
{% endif -%}
from django.contrib import admin
from django.http import HttpResponse
from django.urls import path{% if cookiecutter.__family == "filesystem" %}, re_path{% endif %}

from uploads import views


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", views.UploadListView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
{%- if cookiecutter.__family == "filesystem" %}

if settings.SERVE_MEDIA:
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", views.serve_media)]
{%- endif %}
