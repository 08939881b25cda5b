import pytest
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("favicon.ico")


@pytest.mark.parametrize("view", ["home", "admin:login"])
def test_pages_link_the_static_icon(client, view):
    response = client.get(reverse(view))

    assert response.status_code == 200
    assert f'<link rel="icon" href="{static("favicon.ico")}">' in response.text
