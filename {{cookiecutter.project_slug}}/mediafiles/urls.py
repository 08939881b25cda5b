from django.urls import path

from . import local, views

urlpatterns = [
    path(
        "thumbnails/<slug:app_label>/<slug:model_name>/<str:pk>/<slug:field_name>/<slug:size>",
        views.thumbnail_redirect,
        name="thumbnail",
    ),
    # The media folder, when media are on local disk and Django serves them (mediafiles/local.py).
    *local.urlpatterns,
]
