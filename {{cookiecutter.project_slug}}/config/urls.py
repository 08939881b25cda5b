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
{%- if cookiecutter.media_access == "private" %}
    # Log in and out: private media are read by logged-in users the rules allow.
    path("accounts/", include("django.contrib.auth.urls")),
{%- endif %}
    path("healthz", healthz, name="healthz"),
    path("healthz/deep", deep_health, name="deep-health"),
    path("favicon.ico", favicon, name="favicon"),
{%- if cookiecutter.media_access == "private" %}
    # The links of private files, and thumbnails made again when missing
    # (mediafiles/urls.py).
{%- else %}
    # Thumbnails made again when missing, and the media folder when media are on
    # local disk and Django serves them (mediafiles/urls.py).
{%- endif %}
    path("", include("mediafiles.urls")),
]
