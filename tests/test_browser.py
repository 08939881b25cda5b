"""The admin's procedure in a real browser, for every storage variant.

Headless Chromium (the distribution's build, scripts/install-browser), driven by
Playwright, against the project under gunicorn with DEBUG off: log in through
the admin's form, add an Upload with a unicode file name and a PNG, follow both
"Currently" links of its change page (each opens the uploaded bytes, and the
UTF-8 text document reads as written), then see the image on the list page.
Every console message, page error, failed request and HTTP error of the whole
procedure is collected; none may appear but those named in expected_problem().
Screenshots of each variant's list page and change page go to
test-artifacts/screenshots/<variant>.png and <variant>-change.png.
"""

import re
import urllib.parse

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.families import VARIANTS, case
from tests.helpers import SCREENSHOTS, png
from tests.site import PASSWORD, PRIVATE_LINKS, rows

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous waits: the machine may be busy with other work; nothing here races the clock.
TIMEOUT_MS = 60_000
NAVIGATION_TIMEOUT_MS = 120_000

TITLE = "Résumé — 東京"
FILE_NAME = "Résumé ünïcødé 東京.txt"
# UTF-8 without a BOM: the browser shows it as written only when the server names
# the charset (windows-1252 would show "GrÃ¼ÃŸe aus KÃ¶ln â€”").
TEXT = "Grüße aus Köln — 東京: une ligne de résumé.\n".encode() * 40
IMAGE_NAME = "façade.png"
IMAGE_SIZE = (96, 48)
IMAGE = png(*IMAGE_SIZE)
CHANGE_PAGE = re.compile(r"/admin/uploads/upload/(\d+)/change/$")
# A URL's bytes as the browser's own network stack fetches them from the page's
# document (Playwright's response.body() of a text document gives the text as the
# browser decoded it, not the bytes).
FETCH = """async url => {
    const response = await fetch(url);
    return [response.status, Array.from(new Uint8Array(await response.arrayBuffer()))];
}"""
# Whether every image of the page has loaded (or failed: a failure is reported too).
IMAGES_LOADED = "() => Array.from(document.images).every(image => image.complete)"
# What Chromium shows of the document it displays (for text/plain, one <pre> in the
# body), and the charset it decoded the bytes with.
RENDERED = "() => [document.body.innerText, document.characterSet]"


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module's tests on this worker; each test gets a new context."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=NAVIGATION_TIMEOUT_MS
        )
        expect.set_options(timeout=TIMEOUT_MS)
        yield browser
        browser.close()


class Problems:
    """Everything a browser context reports that is not a plain success."""

    def __init__(self, context):
        self.seen = []
        context.on("console", self.console)
        context.on("weberror", lambda error: self.seen.append(("page error", str(error.error))))
        context.on("requestfailed", self.request_failed)
        context.on("response", self.response)

    def console(self, message):
        where = message.location.get("url", "")
        self.seen.append((f"console {message.type}", f"{message.text} (at {where})"))

    def request_failed(self, request):
        self.seen.append(("request failed", f"{request.method} {request.url}: {request.failure}"))

    def response(self, response):
        if response.status >= 400:
            request = response.request
            self.seen.append((f"HTTP {response.status}", f"{request.method} {request.url}"))


def origin(url):
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def expected_problem(problem, site_origin, storage_origins):
    """Why a reported problem is expected, or None when it is not."""
    kind, detail = problem
    # A browser asks every origin it shows a document from for /favicon.ico: opening
    # a file on the storage's own host asks that host, which has no icon (the bucket
    # is not the site). The site's own /favicon.ico is checked in the test itself.
    for storage in storage_origins - {site_origin}:
        if kind == "console error" and detail.endswith(f"(at {storage}/favicon.ico)"):
            return "the storage host has no /favicon.ico"
    return None


def screenshot(page, name):
    """The whole page, once nothing is loading, as test-artifacts/screenshots/<name>.png."""
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    print(f"screenshot: {path}")


def windows_1252(data):
    """Bytes as a browser decodes them as windows-1252 (WHATWG's: the five bytes that
    Python's cp1252 leaves undefined are the C1 controls of the same number)."""
    return "".join(bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in data)


def check_rendered_text(page, response, adapter):
    """The text document Chromium displays reads as written, decoded as UTF-8 (for
    a family whose server names no charset, adapter.serves_charset: as Chromium
    guesses, windows-1252)."""
    shown, charset = page.evaluate(RENDERED)
    served = response.headers.get("content-type")
    if not adapter.serves_charset:
        # Not what the user should see, but what this family really serves (its adapter
        # says why).
        assert served == "text/plain", served
        expected, expected_charset = windows_1252(TEXT), "windows-1252"
    else:
        expected, expected_charset = TEXT.decode(), "UTF-8"
    assert (charset, shown == expected) == (expected_charset, True), (
        f"the text document, served as Content-Type: {served}, shows in Chromium decoded "
        f"as {charset} (expected {expected_charset}): {shown.splitlines()[0]!r} for "
        f"{expected.splitlines()[0]!r}"
    )


def follow(page, link):
    """Click a link; the navigation's response."""
    with page.expect_navigation(timeout=NAVIGATION_TIMEOUT_MS) as navigation:
        link.click()
    return navigation.value


def assert_no_file_without_a_session(browser, site, links):
    """A second browser, with no session, gets the login page for the list page and
    for every private link the admin followed: no file, no storage URL."""
    context = browser.new_context()
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    page = context.new_page()
    try:
        for url in [site.url("/"), *links]:
            response = page.goto(url)
            path = urllib.parse.urlsplit(url).path
            assert response.status == 200, (url, response.status)
            assert urllib.parse.urlsplit(response.url).path == "/accounts/login/", response.url
            assert origin(response.url) == origin(site.url()), response.url
            assert page.locator("input[name=username]").count() == 1
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(response.url).query)
            assert query["next"] == [path], response.url
    finally:
        context.close()


@pytest.mark.parametrize("adapter", [case(adapter.id) for adapter in VARIANTS], indirect=True)
def test_upload_in_the_admin_then_open_it_from_its_links(site, adapter, browser):
    context = browser.new_context(viewport={"width": 1000, "height": 700}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    problems = Problems(context)
    site_origin = origin(site.url())
    page = context.new_page()
    try:
        # Log in through the admin's form.
        page.goto(site.url("/admin/login/?next=/admin/"))
        page.get_by_label("Username:").fill("admin")
        page.get_by_label("Password:").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(site.url("/admin/"))

        # Add an Upload: a unicode file name, and a PNG.
        page.goto(site.url("/admin/uploads/upload/add/"))
        page.get_by_label("Title:").fill(TITLE)
        page.locator("#id_file").set_input_files(
            {"name": FILE_NAME, "mimeType": "text/plain", "buffer": TEXT}
        )
        page.locator("#id_image").set_input_files(
            {"name": IMAGE_NAME, "mimeType": "image/png", "buffer": IMAGE}
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Save and continue editing").click()
        errors = page.locator(".errornote, .errorlist").all_inner_texts()
        assert CHANGE_PAGE.search(urllib.parse.urlsplit(page.url).path), (page.url, errors)
        expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
        change_page = page.url
        # The preview thumbnail loads lazily (through the site's link where media are
        # private): leaving a page before its images have loaded would abort them.
        page.wait_for_function(IMAGES_LOADED)
        (row,) = rows(site.env)
        assert row["file"].endswith(".txt") and "東京" in row["file"], row
        screenshot(page, f"{adapter.id}-change")

        # Follow each "Currently" link: it opens the uploaded bytes.
        storage_origins, private_links = set(), []
        # The image is stored again without its metadata (tests/test_images.py).
        stored_image = adapter.media_objects()[row["image"]]
        for field, data in (("file", TEXT), ("image", stored_image)):
            page.goto(change_page)
            page.wait_for_function(IMAGES_LOADED)
            link = page.locator(f".field-{field} p.file-upload a")
            expect(link).to_have_text(row[field])
            href = urllib.parse.urljoin(page.url, link.get_attribute("href"))
            response = follow(page, link)
            # Where the browser ends: the file's URL, or for private media the signed URL
            # the site's link redirects to (or the link, where the site sends the file).
            opened = response.url
            storage_origins.add(origin(opened))
            assert response.status == 200, (field, opened)
            if adapter.private:
                # The page links the site, which checks who may read the file.
                assert href.startswith(site.url(PRIVATE_LINKS)), href
                private_links.append(href)
                if origin(opened) != site_origin and adapter.signed_urls:
                    assert adapter.signed_urls.signature(opened), opened
            else:
                assert opened == href, field
            if field == "image":
                # Chromium shows the image itself: decoded, at its own size.
                image = page.locator("img")
                expect(image).to_have_js_property("complete", True)
                assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == list(
                    IMAGE_SIZE
                )
            else:
                # The text reads as written where the storage serves its charset.
                check_rendered_text(page, response, adapter)
            if origin(opened) == site_origin:
                # The site serves media as sandboxed documents (an opaque origin that
                # may fetch nothing): fetch from the site's own page instead.
                page.go_back()
                page.wait_for_function(IMAGES_LOADED)
            status, body = page.evaluate(FETCH, opened)
            assert (status, bytes(body)) == (200, data), field

        # The list page shows the upload and its image's thumbnail, linked to the image.
        page.goto(site.url("/"))
        expect(page.locator(".uploads a").first).to_have_text(TITLE)
        image = page.locator(".uploads img")
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") == IMAGE_SIZE[0]
        screenshot(page, adapter.id)

        # The site's /favicon.ico leads to its static icon (on whitenoise or the bucket).
        response = page.goto(site.url("/favicon.ico"))
        assert response.status == 200, response.url
        assert response.body() == (site.project.root / "static" / "favicon.ico").read_bytes()
    finally:
        context.close()
    if adapter.private:
        assert_no_file_without_a_session(browser, site, private_links)

    unexpected = []
    for problem in problems.seen:
        reason = expected_problem(problem, site_origin, storage_origins)
        if reason:
            print(f"expected ({reason}): {problem}")
        else:
            unexpected.append(problem)
    assert unexpected == []
