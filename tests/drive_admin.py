"""Drive a generated project's admin with Django's test client, inside its venv.

Run from the project directory with the project's python and its settings taken
from the environment (the storage under test included):

    python drive_admin.py upload TITLE PATH [IMAGE_PATH]  -> {"pk", "file", "url", ...}
    python drive_admin.py delete PK                       -> {"deleted": [names]}

Each prints one JSON object. A form error (e.g. the storage refused the file)
prints {"errors": {...}} and exits with status 2.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from uploads.models import Upload  # noqa: E402

# Records the context of rendered responses, to read the form errors from it.
setup_test_environment()


def admin_client():
    user, _ = get_user_model().objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


def describe(upload):
    return {
        "pk": upload.pk,
        "file": upload.file.name,
        "url": upload.file.url,
        "image": upload.image.name or None,
        "image_url": upload.image.url if upload.image else None,
    }


def upload(title, path, image_path=None):
    data = {"title": title, "file": SimpleUploadedFile(Path(path).name, Path(path).read_bytes())}
    if image_path:
        data["image"] = SimpleUploadedFile(Path(image_path).name, Path(image_path).read_bytes())
    response = admin_client().post(reverse("admin:uploads_upload_add"), data, secure=True)
    if response.status_code != 302:
        form = response.context["adminform"].form
        print(json.dumps({"errors": form.errors.get_json_data()}))
        sys.exit(2)
    print(json.dumps(describe(Upload.objects.order_by("-pk").first())))


def delete(pk):
    item = Upload.objects.get(pk=pk)
    names = [name for name in (item.file.name, item.image.name) if name]
    url = reverse("admin:uploads_upload_delete", args=[pk])
    response = admin_client().post(url, {"post": "yes"}, secure=True)
    assert response.status_code == 302, response.status_code
    print(json.dumps({"deleted": names}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"upload": upload, "delete": delete}[command](*args)
