"""A developer's own app, added to a baked project the way a developer adds one.

`startapp profiles`, a model with an ImageField and a FileField, Django's plain
`admin.site.register(Profile)`, the app in INSTALLED_APPS, `makemigrations`.
Nothing in it names the project's mediafiles app: the guarantees it gets come
from the layer every model's files pass through.
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
    "migrations/__init__.py": "",
}
# Where the app goes in INSTALLED_APPS: before django-cleanup, which the project keeps last.
CLEANUP_LINE = '    "django_cleanup.apps.CleanupConfig",\n'


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
