from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from config.health import deep_health


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """Browsers ask every site for /favicon.ico; the icon is a static file like any other."""
    return redirect(static("favicon.ico"))


urlpatterns = [
    path("", include("uploads.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/deep", deep_health, name="deep-health"),
    path("favicon.ico", favicon, name="favicon"),
    # The media folder, when media are on local disk and Django serves them
    # (uploads/local_media.py).
    path("", include("uploads.local_media")),
]
