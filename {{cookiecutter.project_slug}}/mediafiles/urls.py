from django.urls import path

from . import {{ "access" if cookiecutter.media_access == "private" else "local" }}, views

urlpatterns = [
    path(
        "thumbnails/<slug:app_label>/<slug:model_name>/<str:pk>/<slug:field_name>/<slug:size>",
        views.thumbnail_redirect,
        name="thumbnail",
    ),
{%- if cookiecutter.media_access == "private" %}
    # Private files: links that check who may read them (mediafiles/access.py).
    path(
        "media-files/<slug:app_label>/<slug:model_name>/<str:pk>/<slug:field_name>",
        access.media_file,
        name="media-file",
    ),
    path(
        "media-files/<slug:app_label>/<slug:model_name>/<str:pk>/<slug:field_name>/<slug:size>",
        access.media_thumbnail,
        name="media-thumbnail",
    ),
{%- else %}
    # The media folder, when media are on local disk and Django serves them (mediafiles/local.py).
    *local.urlpatterns,
{%- endif %}
]
