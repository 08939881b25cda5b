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
    # The sample app (README.md says how to remove it).
    path("", include("uploads.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("healthz/deep", deep_health, name="deep-health"),
    path("favicon.ico", favicon, name="favicon"),
    # Thumbnails made again when missing, and the media folder when media are on
    # local disk and Django serves them (mediafiles/urls.py).
    path("", include("mediafiles.urls")),
]
