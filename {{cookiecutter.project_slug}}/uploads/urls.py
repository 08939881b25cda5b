from django.urls import path

from . import views

urlpatterns = [
    path("", views.UploadListView.as_view(), name="home"),
]
