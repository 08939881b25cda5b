"""A developer's own app, added to a baked project the way a developer adds one.

`startapp profiles`, a model with an ImageField and a FileField, Django's plain
`admin.site.register(Profile)`, two views of its own (Django's plain ModelForm;
a save whose transaction rolls back), the app in INSTALLED_APPS and its URLs in
config/urls.py, `makemigrations`. Nothing in it names the project's mediafiles
app: the guarantees it gets come from the layer every model's files pass through.
"""

import re
import subprocess

APP = "profiles"
FILES = {
    "__init__.py": "",
    "apps.py": (
        "from django.apps import AppConfig\n\n\n"
        "class ProfilesConfig(AppConfig):\n"
        '    name = "profiles"\n'
    ),
    "models.py": (
        "from django.db import models\n\n\n"
        "class Profile(models.Model):\n"
        "    name = models.CharField(max_length=100)\n"
        '    avatar = models.ImageField(upload_to="avatars/", blank=True)\n'
        '    cv = models.FileField(upload_to="cv/", blank=True)\n\n'
        "    def __str__(self):\n"
        "        return self.name\n"
    ),
    "admin.py": (
        "from django.contrib import admin\n\n"
        "from .models import Profile\n\n"
        "admin.site.register(Profile)\n"
    ),
    "views.py": (
        "from django import forms\n"
        "from django.db import transaction\n"
        "from django.http import HttpResponse\n\n"
        "from .models import Profile\n\n\n"
        "class ProfileForm(forms.ModelForm):\n"
        "    class Meta:\n"
        "        model = Profile\n"
        '        fields = ["name", "avatar", "cv"]\n\n\n'
        "def new_profile(request):\n"
        "    form = ProfileForm(request.POST, request.FILES)\n"
        "    if not form.is_valid():\n"
        "        return HttpResponse(form.errors.as_text(), status=400)\n"
        "    form.save()\n"
        '    return HttpResponse("saved", status=201)\n\n\n'
        "def rolled_back(request):\n"
        "    with transaction.atomic():\n"
        '        Profile.objects.create(name="draft", cv=request.FILES["cv"])\n'
        "        transaction.set_rollback(True)\n"
        '    return HttpResponse("rolled back", status=409)\n'
    ),
    "urls.py": (
        "from django.urls import path\n\n"
        "from . import views\n\n"
        "urlpatterns = [\n"
        '    path("new", views.new_profile),\n'
        '    path("rolled-back", views.rolled_back),\n'
        "]\n"
    ),
    "migrations/__init__.py": "",
}
# Where the app goes in INSTALLED_APPS: before django-cleanup, which the project keeps last.
CLEANUP_LINE = '    "django_cleanup.apps.CleanupConfig",\n'
# Where its URLs go in config/urls.py.
ADMIN_URLS = '    path("admin/", admin.site.urls),\n'


def add_developer_app(project):
    """Write the app into the project, install it, make its migration."""
    for name, text in FILES.items():
        path = project.root / APP / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    settings = project.root / "config" / "settings.py"
    text = settings.read_text()
    assert CLEANUP_LINE in text, "INSTALLED_APPS no longer ends with django-cleanup"
    settings.write_text(text.replace(CLEANUP_LINE, f'    "{APP}",\n{CLEANUP_LINE}'))
    urls = project.root / "config" / "urls.py"
    text = urls.read_text()
    assert ADMIN_URLS in text, "config/urls.py no longer routes the admin as it did"
    urls.write_text(
        text.replace(ADMIN_URLS, f'{ADMIN_URLS}    path("{APP}/", include("{APP}.urls")),\n')
    )
    result = project.manage("makemigrations", APP)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project.root / APP / "migrations" / "0001_initial.py").is_file()


def delete_sample_app(project):
    """Remove the sample app as the generated README says."""
    root = project.root
    subprocess.run(["rm", "-r", root / "uploads", root / "tests" / "test_uploads.py"], check=True)
    settings = root / "config" / "settings.py"
    settings.write_text(
        re.sub(r'\n    # The sample app[^\n]*\n    "uploads",', "", settings.read_text())
    )
    urls = root / "config" / "urls.py"
    urls.write_text(
        re.sub(
            r'\n    # The sample app[^\n]*\n    path\("", include\("uploads.urls"\)\),',
            "",
            urls.read_text(),
        )
    )
    for path in (settings, urls):
        assert '"uploads' not in path.read_text(), path
