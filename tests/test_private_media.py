"""Private media, proven on every private variant's real server under gunicorn.

Deployed with the project's default signed-URL lifetime (60 s), the admin uploads
a document and an image owned by alice, and one of its own. Then, on the list
page, each file link, each thumbnail link and each thumbnail fallback:

- an anonymous visitor is always sent to /accounts/login/?next=<the path>;
- bob, logged in but refused by the rule, gets 404 everywhere, the same body for
  rows that exist and rows that do not (walking primary keys tells nothing),
  and his list page does not show alice's upload;
- nothing either of them receives (status, headers, body) carries a signature,
  the storage's host:port or the name of any stored object;
- alice gets exactly the stored bytes, in responses no cache may keep: a signed
  URL that expires within the default minute, or the file relayed by the site
  (where the family's adapter sends_private_files); a URL the project signed two
  hours ago is refused.
"""

import re
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.families import DEFAULT_URL_LIFETIME, THUMBNAIL_SIZES, VARIANTS, case, deploy
from tests.helpers import CONTEXT, Response, http_get, png
from tests.site import PASSWORD, UPLOAD, AdminSession, Site, log_in, rows

pytestmark = pytest.mark.slow

PRIVATE_VARIANTS = [case(adapter.id) for adapter in VARIANTS if adapter.private]
LOGIN = "/accounts/login/"
NO_STORE = "private, no-store"
# Refused: 403 or 401, as each server answers a missing or wrong signature.
REFUSED = {401, 403}
# How late a handed-out URL may expire beyond the default lifetime (clock, slow machine).
SLACK = timedelta(seconds=30)
TIMEOUT = 60

DOCUMENT = b"%PDF-1.4\n" + b"alice's private report\n" * 400
ALICE_TITLE = "Medical report of alice"  # no character HTML would escape
ADMIN_TITLE = "Notes of the admin"

CREATE_USERS = f"""
import json
from django.contrib.auth import get_user_model

User = get_user_model()
pks = {{
    name: User.objects.create_user(name, f"{{name}}@example.com", {PASSWORD!r}).pk
    for name in ("alice", "bob")
}}
print(json.dumps(pks))
"""

SIGN_A_NEW_FILE_EARLIER = """
import json
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

name = default_storage.save("uploads/stale.txt", ContentFile(b"signed two hours ago"))
print(json.dumps(signed_earlier(default_storage, name)))
"""


class Visitor:
    """A browser on the site: anonymous, or logged in through /accounts/login/."""

    def __init__(self, site, username=None):
        self.site, self.http = site, requests.Session()
        if username is not None:
            self.http = log_in(site, LOGIN, username, PASSWORD, "/", TIMEOUT)

    def get(self, path):
        """The site's answer to a GET of path, redirects not followed."""
        answer = self.http.get(self.site.url(path), allow_redirects=False, timeout=TIMEOUT)
        headers = {key.lower(): value for key, value in answer.headers.items()}
        return Response(answer.status_code, headers, answer.content)


def links(pk):
    """Every link of a row's private files: what it is -> the site's path."""
    base = f"/media-files/uploads/upload/{pk}"
    return {
        "file": f"{base}/file",
        "image": f"{base}/image",
        **{f"thumbnail {size}": f"{base}/image/{size}" for size in THUMBNAIL_SIZES},
        **{
            f"fallback {size}": f"/thumbnails/uploads/upload/{pk}/image/{size}"
            for size in THUMBNAIL_SIZES
        },
    }


@dataclass
class Scene:
    """A deployed private variant with alice's upload and the admin's own."""

    adapter: object
    project: object
    site: Site
    admin: AdminSession
    alice: dict  # her row (tests/site.py rows())
    theirs: dict  # the admin's row
    objects: dict  # every stored media object, name -> bytes

    def secrets(self):
        """What no answer to a refused visitor may contain (lower case)."""
        found = set()
        parameter = CONTEXT["_families"][self.adapter.family].get("signature")
        if parameter:
            found.add(f"{parameter}=")
        if self.adapter.signed_urls:
            found.add(self.adapter.signed_urls.marker)
        if self.adapter.server.url:
            found.add(urllib.parse.urlsplit(self.adapter.server.url).netloc)
        for row in (self.alice, self.theirs):
            found |= {row["file"], row["image"], *self.adapter.thumbnails(row["image"])}
        found |= set(self.objects)
        return {secret.lower() for secret in found}

    def leaked(self, response):
        """The secrets a response shows. A page's static files may be on the
        bucket: their URLs are public by design and left out."""
        text = "\n".join(
            [
                str(response.status),
                *(f"{name}: {value}" for name, value in response.headers.items()),
                response.body.decode("utf-8", errors="replace"),
            ]
        )
        if self.adapter.static_on_bucket:
            prefix = re.escape(self.adapter.static_url(""))
            text = re.sub(prefix + r"[^\"'\s)]*", "", text)
        text = text.lower()
        return sorted(secret for secret in self.secrets() if secret in text)

    def expected(self):
        """Alice's links -> the stored bytes they give (None: an image made by
        the storage from the URL, where it stores no thumbnails)."""
        thumbnails = self.adapter.thumbnails(self.alice["image"])
        made = dict(zip(THUMBNAIL_SIZES, thumbnails, strict=True)) if thumbnails else {}
        answers = {
            "file": self.objects[self.alice["file"]],
            "image": self.objects[self.alice["image"]],
        }
        for size in THUMBNAIL_SIZES:
            data = self.objects[made[size]] if made else None
            answers[f"thumbnail {size}"] = answers[f"fallback {size}"] = data
        return answers


def assert_handed_out(scene, alice, name, path):
    """Alice's link `name` gives her exactly what is stored, in a response no
    cache keeps: a signed URL living the default minute, or the file itself."""
    adapter, expiry = scene.adapter, scene.adapter.expiring_urls
    response = alice.get(path)
    assert response.headers.get("cache-control") == NO_STORE, (name, response)
    if adapter.sends_private_files:
        assert response.status == 200, (name, response.status)
        assert "location" not in response.headers, name
        got = response
    else:
        assert response.status == 302, (name, response.status)
        location = response.headers["location"]
        # What bob and anonymous visitors must never see is what alice is given.
        assert scene.leaked(response), (name, location)
        if expiry:
            now = datetime.now(UTC)
            limit = now + timedelta(seconds=DEFAULT_URL_LIFETIME) + SLACK
            assert now < expiry.read(location) <= limit, (name, location)
        got = http_get(location)
        assert got.status == 200, (name, location, got.status)
    wanted = scene.expected()[name]
    if wanted is None:  # resized by the storage from the URL
        assert got.headers["content-type"].startswith("image/"), (name, got.headers)
        assert got.body[:4] == b"RIFF" and got.body[8:12] == b"WEBP", name
    else:
        assert got.body == wanted, name


@pytest.fixture
def deployed(projects, adapter, databases, tmp_path):
    """The variant's project with its default signed-URL lifetime, under gunicorn."""
    project, env = deploy(projects, adapter, databases)
    env.pop(adapter.lifetime_variable, None)
    with Site(project, env, workers=2, threads=4, log_path=tmp_path / "gunicorn.log") as site:
        yield project, site


@pytest.fixture
def scene(deployed, adapter):
    project, site = deployed
    users = project.shell(CREATE_USERS, site.env)
    admin = AdminSession(site)
    for title, owner in ((ALICE_TITLE, users["alice"]), (ADMIN_TITLE, "")):
        response = admin.post(
            f"{UPLOAD.path}add/",
            {"title": title, "owner": owner, "_continue": "Save and continue editing"},
            files={"file": ("report.pdf", DOCUMENT), "image": ("scan.png", png(64, 48))},
        )
        admin.created_pk(response)  # saved
    alice, theirs = rows(site.env)
    assert (alice["title"], theirs["title"]) == (ALICE_TITLE, ADMIN_TITLE)
    return Scene(adapter, project, site, admin, alice, theirs, adapter.media_objects())


@pytest.mark.parametrize("adapter", PRIVATE_VARIANTS, indirect=True)
def test_anonymous_visitors_are_sent_to_log_in(scene):
    anonymous = Visitor(scene.site)
    paths = ["/", *links(scene.alice["pk"]).values(), *links(scene.theirs["pk"]).values()]

    for path in paths:
        response = anonymous.get(path)
        location = f"{LOGIN}?next={urllib.parse.quote(path)}"
        assert (response.status, response.headers.get("location")) == (302, location), path
        assert scene.leaked(response) == [], path


@pytest.mark.parametrize("adapter", PRIVATE_VARIANTS, indirect=True)
def test_a_user_the_rule_refuses_gets_404_and_learns_nothing(scene):
    bob = Visitor(scene.site, "bob")

    page = bob.get("/")
    assert page.status == 200
    assert "private" in page.headers["cache-control"]
    assert ALICE_TITLE.encode() not in page.body
    assert ADMIN_TITLE.encode() not in page.body
    assert scene.leaked(page) == []

    last = max(scene.alice["pk"], scene.theirs["pk"])
    paths = [*links(scene.alice["pk"]).values(), *links(scene.theirs["pk"]).values()]
    for pk in range(1, last + 4):  # existing rows and missing ones
        paths += [f"/media-files/uploads/upload/{pk}/{field}" for field in ("file", "image")]
    answers = {path: bob.get(path) for path in paths}

    assert {path: r.status for path, r in answers.items()} == dict.fromkeys(paths, 404)
    assert len({r.body for r in answers.values()}) == 1, "404 bodies tell rows apart"
    assert {path: scene.leaked(r) for path, r in answers.items()} == dict.fromkeys(paths, [])


@pytest.mark.parametrize("adapter", PRIVATE_VARIANTS, indirect=True)
def test_the_owner_gets_the_stored_bytes_through_links_no_cache_keeps(scene):
    alice = Visitor(scene.site, "alice")

    page = alice.get("/")
    assert page.status == 200
    assert ALICE_TITLE.encode() in page.body
    assert ADMIN_TITLE.encode() not in page.body
    assert links(scene.alice["pk"])["file"].encode() in page.body
    # The page carries the site's links, never a signed URL or the storage's address.
    assert scene.leaked(page) == []

    for name, path in links(scene.alice["pk"]).items():
        if not name.startswith("fallback"):
            assert_handed_out(scene, alice, name, path)

    # The rule gives her nothing of the admin's own row.
    refused = [alice.get(path).status for path in links(scene.theirs["pk"]).values()]
    assert refused == [404] * len(refused)
    # The admin (superuser) reads her file.
    file = links(scene.alice["pk"])["file"]
    assert scene.admin.fetch(scene.admin.handed_out(file)).body == DOCUMENT


@pytest.mark.parametrize("adapter", PRIVATE_VARIANTS, indirect=True)
def test_the_thumbnail_fallback_hands_the_owner_her_thumbnails(scene):
    alice = Visitor(scene.site, "alice")

    for name, path in links(scene.alice["pk"]).items():
        if name.startswith("fallback"):
            assert_handed_out(scene, alice, name, path)


@pytest.mark.parametrize(
    "adapter",
    [case(adapter.id) for adapter in VARIANTS if adapter.private and adapter.expiring_urls],
    indirect=True,
)
def test_a_url_signed_two_hours_ago_is_refused(deployed, adapter):
    project, site = deployed

    stale = project.shell(adapter.expiring_urls.sign_earlier + SIGN_A_NEW_FILE_EARLIER, site.env)

    assert adapter.expiring_urls.read(stale) < datetime.now(UTC) - timedelta(hours=1)
    assert http_get(stale).status in REFUSED
