"""Uploaded images on every family's real server: metadata stripped, thumbnails
stored (or, where the storage resizes from the URL, transformed), and pages that ask
the storage nothing.

Storage requests are counted by a TCP proxy in front of the real server
(tests/proxy.py), through which the project under gunicorn reaches it. Local disk
has no server: its media directory is moved away while the page is rendered, so
any read, listing or existence check would fail or change the page.
"""

import io
import json
import re
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from tests.families import FAMILIES, MAIN_VARIANTS, VARIANTS, case, deploy
from tests.proxy import CountingProxy
from tests.site import PROFILE, AdminSession, Site, rows

pytestmark = pytest.mark.slow

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (48.0, 51.0, 29.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (2.0, 17.0, 40.0),
}
SERIAL = "CAMERA-SERIAL-0042"
# The generated settings' THUMBNAIL_SIZES.
LIST_BOX = (384, 384)
ADMIN_BOX = (240, 240)
UPLOADS = 50


def photo(width=1200, height=900):
    """A JPEG as a phone writes it: GPS position, camera serial, and orientation 6
    (stored turned: upright it is height x width)."""
    image = Image.new("RGB", (width, height), "red")
    image.paste((0, 0, 255), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Phone"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def assert_no_gps(data):
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo), exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif
    assert SERIAL.encode() not in data
    return image


def bomb_png(width, height, mode="1"):
    """A PNG whose header says width x height, all zeros: a few kilobytes (mode "1")
    to a few hundred (RGB), that would take width x height x 1 (or 3) bytes decoded."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    depth, color, row_bytes = {"1": (1, 0, (width + 7) // 8), "RGB": (8, 2, 3 * width)}[mode]
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + row_bytes)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)
    return b"".join(
        [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), chunk(b"IDAT", pixels), chunk(b"IEND", b"")]
    )


def without_queries(page):
    """A page without its URLs' query strings (signatures that carry the time) and
    its CSRF token (the log-out form of a page that needs a login)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', page)
    return re.sub(r"\?[^\"]*\"", '"', page)


def list_images(page):
    """[(link href, img src)] of the list page's images."""
    found = re.findall(r'<a href="([^"]+)"><img src="([^"]+)"', page)
    unescape = lambda url: url.replace("&amp;", "&")  # noqa: E731
    return [(unescape(href), unescape(src)) for href, src in found]


@contextmanager
def storage_watch(adapter, env):
    """(env through a counting proxy, proxy); for local disk (env, None)."""
    if adapter.on_local_disk:
        yield env, None
        return
    netloc = re.sub(r"^https?://", "", adapter.server.url).split("/")[0]
    with CountingProxy(netloc) as proxy:
        yield proxy.route(env), proxy


@contextmanager
def media_away(adapter):
    """Local disk: the media directory elsewhere for the duration."""
    if not adapter.on_local_disk:
        yield
        return
    root = adapter.server.media_root
    aside = root.with_name("media-away")
    root.rename(aside)
    try:
        yield
    finally:
        assert not root.exists(), "something wrote to the media directory meanwhile"
        aside.rename(root)


def render_list(admin, adapter, proxy):
    """The list page's HTML as the admin sees it (private media: the page needs a
    login), and what rendering it asked the storage."""
    if proxy:
        proxy.reset()
    with media_away(adapter) if adapter.on_local_disk else nullcontext():
        response = admin.request("GET", "/")
    assert response.status_code == 200, admin.site.log_tail()
    asked = (proxy.requests, proxy.sent) if proxy else ([], 0)
    return response.text, asked


@pytest.mark.parametrize("adapter", FAMILIES, indirect=True)
def test_photos_lose_their_gps_and_the_list_page_shows_thumbnails_without_storage_requests(
    projects, adapter, databases, tmp_path
):
    project, env = deploy(projects, adapter, databases)
    with (
        storage_watch(adapter, env) as (env, proxy),
        Site(project, env, workers=1, threads=4, log_path=tmp_path / "gunicorn.log") as site,
    ):
        admin = AdminSession(site)

        def upload(number):
            image = (f"photo-{number:02d}.jpg", photo())
            return admin.add_upload(f"Photo {number:02d}", "notes.txt", b"notes", image=image)

        with ThreadPoolExecutor(max_workers=4) as pool:
            responses = list(pool.map(upload, range(UPLOADS)))
        assert [r.status_code for r in responses] == [302] * UPLOADS, [
            admin.form_errors(r) for r in responses if r.status_code != 302
        ]

        first_page, first_asked = render_list(admin, adapter, proxy)
        second_page, second_asked = render_list(admin, adapter, proxy)

        assert second_asked == ([], 0)
        assert first_asked == ([], 0)
        assert without_queries(first_page) == without_queries(second_page)
        # Local disk: rendered with its media directory away, the page is the same.
        with_media = admin.request("GET", "/").text
        assert without_queries(with_media) == without_queries(first_page)

        stored = adapter.media_objects()
        images = list_images(first_page)
        assert len(images) == UPLOADS
        found = rows(env)
        for row in found:
            # The original: upright (900x1200), without GPS or serial.
            original = assert_no_gps(stored[row["image"]])
            assert original.size == (900, 1200)
            # Stored thumbnails (none where the storage resizes from the URL), under
            # thumbnails/, without GPS.
            thumbnails = adapter.thumbnails(row["image"])
            for name, box in zip(thumbnails, (LIST_BOX, ADMIN_BOX)[: len(thumbnails)], strict=True):
                assert name.startswith("thumbnails/")
                assert assert_no_gps(stored[name]).size == (box[1] * 3 // 4, box[1])
        expected_objects = {
            name for row in found for name in (row["image"], *adapter.thumbnails(row["image"]))
        }
        files = {row["file"] for row in found}
        assert {name for name in stored if name not in files} == expected_objects

        # Each image links its original and shows its thumbnail, a small WebP.
        originals = set()
        for href, src in images[:3]:
            # Fetched as a browser would: signed URLs as they are (a signature may
            # cover the host), others from the server itself (an emulator may serve
            # objects only under its own host name).
            unroute = proxy.unroute if proxy and not adapter.signed_urls else site.absolute
            thumbnail = admin.fetch(unroute(src))
            assert thumbnail.status == 200, src
            shown = assert_no_gps(thumbnail.body)
            assert (shown.format, shown.size) == ("WEBP", (288, 384))
            assert len(thumbnail.body) < 10_000
            linked = admin.fetch(unroute(href))
            assert linked.status == 200, href
            assert assert_no_gps(linked.body).size == (900, 1200)
            originals.add(linked.body)
            assert src != href
        assert originals <= set(stored.values())


def peak_rss(pid):
    """The process's peak resident memory so far, in bytes (VmHWM)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) * 1024


@pytest.mark.parametrize("adapter", [case(MAIN_VARIANTS[0].id)], indirect=True)
def test_a_decompression_bomb_is_a_form_error_and_the_worker_stays_small(site, adapter):
    admin = AdminSession(site)
    # Both workers load the form and Pillow once, with an image of the usual kind.
    for _ in range(4):
        response = admin.add_upload("Warm", "a.txt", b"a", image=("warm.jpg", photo()))
        assert response.status_code == 302, admin.form_errors(response)
    before = {pid: peak_rss(pid) for pid in site.worker_pids()}
    bombs = {
        # 400 megapixels: past twice Pillow's limit (its DecompressionBombError).
        "bomb.png": bomb_png(20000, 20000),
        # 100 megapixels, 300 MB decoded: Pillow only warns; the project refuses it.
        "huge.png": bomb_png(10000, 10000, "RGB"),
    }
    for name, data in bombs.items():
        for _ in range(2):  # so that each worker probably gets one
            response = admin.add_upload("Bomb", "a.txt", b"a", image=(name, data))
            assert response.status_code == 200, site.log_tail()
            (message,) = admin.form_errors(response)["image"]
            assert "too large" in message, message

    growth = {pid: peak_rss(pid) - before[pid] for pid in before}
    assert max(growth.values()) < 64 * 1024 * 1024, growth
    assert len(rows(site.env)) == 4


@pytest.mark.parametrize(
    "adapter",
    [case(adapter.id) for adapter in VARIANTS if not adapter.on_local_disk],
    indirect=True,
)
def test_media_urls_ask_the_storage_nothing(projects, adapter, databases):
    """storage.url() and the thumbnails' URLs are computed where the site runs, public
    or signed, on every variant."""
    project, env = deploy(projects, adapter, databases)
    # The names as the ImageFields hold them (the adapter knows the storage's naming).
    names = [
        adapter.image_name(f"images/2026/05/k3v9x0qa7hw2mz{n:02d}/photo.jpg") for n in range(50)
    ]
    with storage_watch(adapter, env) as (env, proxy):
        script = (
            "import json\n"
            "from django.core.files.storage import default_storage as storage\n"
            "from uploads.models import Upload\n"
            "from mediafiles.images import thumbnail\n"
            f"names = json.loads({json.dumps(json.dumps(names))})\n"
            "urls = [storage.url(name) for name in names]\n"
            "upload = Upload(pk=1, title='t', image=names[0])\n"
            "urls.append(thumbnail(upload.image, 'list')['url'])\n"
            "print(json.dumps(urls))\n"
        )
        urls = project.shell(script, env)
        assert (proxy.requests, proxy.sent) == ([], 0)
    assert len(set(urls)) == 51


# A storage that resizes from the URL stores no thumbnail to lose.
STORING_THUMBNAILS = [case(adapter.id) for adapter in MAIN_VARIANTS if adapter.thumbnails("a.jpg")]


def delete_stored(site, name):
    """Delete a file through the project's media storage, as a storage that lost it."""
    result = site.project.manage(
        "shell", "-c",
        f"from django.core.files.storage import default_storage as s; s.delete({name!r})",
        env=site.env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("adapter", STORING_THUMBNAILS, indirect=True)
def test_a_thumbnail_lost_by_the_storage_is_made_again(site, adapter):
    admin = AdminSession(site)
    pk = admin.created_pk(admin.add_upload("Photo", "a.txt", b"a", image=("photo.jpg", photo())))
    ((row),) = rows(site.env)
    lost, admin_thumbnail = adapter.thumbnails(row["image"])
    delete_stored(site, lost)
    assert lost not in adapter.media_objects()

    # The <img> falls back to the site, which makes the thumbnail and redirects to it.
    fallback = f"/thumbnails/uploads/upload/{pk}/image/list"
    response = admin.request("GET", fallback)

    # A redirect to it, or the file itself where the site sends private files.
    assert response.status_code == (
        200 if adapter.sends_private_files and adapter.private else 302
    ), site.log_tail()
    shown = admin.fetch(site.url(fallback))
    assert shown.status == 200
    assert shown.body == adapter.media_objects()[lost]
    assert Image.open(io.BytesIO(shown.body)).size == (288, 384)

    # rebuild_thumbnails --missing makes what is lost, and nothing else.
    delete_stored(site, admin_thumbnail)
    result = site.project.manage("rebuild_thumbnails", "--missing", env=site.env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 image(s)" in result.stdout, result.stdout
    objects = adapter.media_objects()
    assert set(objects) == {row["file"], row["image"], lost, admin_thumbnail}
    assert Image.open(io.BytesIO(objects[admin_thumbnail])).size == (180, 240)


def animation(frames=4):
    """An animated GIF of `frames` frames of different colours, 70 ms each."""
    colours = ["red", "green", "blue", "yellow"]
    images = [Image.new("RGB", (40, 30), colours[n % len(colours)]) for n in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=70, loop=0)
    return buffer.getvalue()


@pytest.mark.parametrize("adapter", FAMILIES, indirect=True)
def test_any_models_images_lose_their_metadata_keep_their_frames_and_bombs_are_refused(
    developer_site, adapter
):
    """On a developer's own model (tests/developer_app.py), plainly registered."""
    site = developer_site
    admin = AdminSession(site, model=PROFILE)

    photo_pk = admin.created_pk(
        admin.add_upload("Ada", "cv.pdf", b"%PDF", image=("me.jpg", photo()))
    )
    gif_pk = admin.created_pk(
        admin.add_upload("Bob", "cv.pdf", b"%PDF", image=("wave.gif", animation()))
    )
    refused = admin.add_upload("Eve", "cv.pdf", b"%PDF", image=("bomb.png", bomb_png(20000, 20000)))

    assert refused.status_code == 200, site.log_tail()
    (message,) = admin.form_errors(refused)[PROFILE.image]
    assert "too large" in message, message
    by_pk = {row["pk"]: row for row in rows(site.env, PROFILE)}
    assert set(by_pk) == {photo_pk, gif_pk}
    objects = adapter.media_objects()
    expected = set()
    for row in by_pk.values():
        expected |= {row["file"], row["image"], *adapter.thumbnails(row["image"])}
    assert set(objects) == expected
    assert assert_no_gps(objects[by_pk[photo_pk]["image"]]).size == (900, 1200)
    for name in adapter.thumbnails(by_pk[photo_pk]["image"]):
        assert_no_gps(objects[name])
    # The animation comes back animated, from the storage and from its URL.
    (image_url, _) = admin.file_links(gif_pk)  # the form's order: avatar, cv
    for data in (objects[by_pk[gif_pk]["image"]], admin.fetch(image_url).body):
        with Image.open(io.BytesIO(data)) as stored:
            assert (stored.format, stored.n_frames) == ("GIF", 4)
