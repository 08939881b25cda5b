from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", include("uploads.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
{%- include "providers/" ~ cookiecutter.__family ~ "/urls.py" ignore missing %}
]
