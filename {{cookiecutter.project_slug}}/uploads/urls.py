from django.urls import path

from . import views

urlpatterns = [
    path("", views.UploadListView.as_view(), name="home"),
    path("thumbnails/<int:pk>/<slug:size>", views.thumbnail_redirect, name="thumbnail"),
]
