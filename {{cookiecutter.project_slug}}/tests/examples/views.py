"""A developer's own views: one with the project's form base, one with Django's
plain ModelForm, one whose transaction rolls back after saving."""

from django import forms
from django.db import transaction
from django.http import HttpResponse, JsonResponse

from mediafiles.forms import StoredFilesModelForm

from .models import Document, Profile


class ProfileForm(StoredFilesModelForm):
    class Meta:
        model = Profile
        fields = ["name", "avatar", "cv"]


class PlainProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["name", "avatar", "cv"]


def create(request, form_class):
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    form.save()
    return HttpResponse("saved", status=201)


def stored_files_form(request):
    return create(request, ProfileForm)


def plain_form(request):
    return create(request, PlainProfileForm)


class Abandoned(Exception):
    pass


def rolled_back(request):
    """Saves a profile with its file, then rolls the transaction back."""
    try:
        with transaction.atomic():
            Profile.objects.create(name="gone", cv=request.FILES["cv"])
            raise Abandoned
    except Abandoned:
        return HttpResponse("rolled back", status=409)


def archived_document(request):
    """Saves a document that its model's default manager hides."""
    Document.objects.create(file=request.FILES["file"], archived=True)
    return HttpResponse("saved", status=201)
