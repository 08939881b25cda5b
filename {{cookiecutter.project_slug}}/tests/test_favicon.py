import pytest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db

ICON = '<link rel="icon" href="{}">'


def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")


def test_the_admin_links_the_static_icon(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    assert ICON.format(static("favicon.ico")) in response.text


def test_every_page_of_the_project_links_the_static_icon():
    # base.html, which the project's pages extend.
    assert ICON.format(static("favicon.ico")) in render_to_string("base.html")
