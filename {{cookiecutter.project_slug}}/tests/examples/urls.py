from django.urls import include, path

from . import views

urlpatterns = [
    path("profiles/stored-files-form", views.stored_files_form),
    path("profiles/plain-form", views.plain_form),
    path("profiles/rolled-back", views.rolled_back),
    path("documents/archived", views.archived_document),
    path("", include("config.urls")),
]
