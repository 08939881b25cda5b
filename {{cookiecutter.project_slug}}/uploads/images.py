"""Uploaded images: checked, stripped of private metadata, and thumbnailed.

- Pixels are counted from the file's header before any is decoded: an image of
  more than IMAGE_MAX_PIXELS is refused with a form error. A decompression bomb
  (a PNG of a few kilobytes that says it is 20000x20000) never reaches the
  decoder, which would need gigabytes for it. One image at a time is decoded in
  each process, so a worker holds at most one decoded image (3 bytes a pixel).
- The stored original is encoded again without its metadata: no EXIF (GPS
  position, camera and lens serial numbers, dates), XMP, IPTC or comments. Its
  EXIF orientation is applied to the pixels first, so it still shows upright.
  JPEGs keep their quantization tables (quality "keep"), and every image keeps
  its colour profile. Animated images keep their first frame.
- Thumbnails: one WebP per entry of THUMBNAIL_SIZES (settings.py), fitted in its
  box, stored in the media storage under thumbnails/ when the image is uploaded.
  The row keeps each one's name and size (Upload.thumbnails), so a page gets
  its URL from storage.url(), which asks the storage nothing.
- A storage that resizes images itself from their URL (one with a
  `resized_url(name, width, height)` method) gets no stored copies: the row
  keeps only the sizes, and the URL asks the storage for the image at that size.
"""

import io
import logging
import posixpath
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# The formats a browser shows, as Pillow names them (MPO: a phone's JPEG with extra frames).
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WEBP"}
# What an image's info may keep when it is encoded again: nothing that says who, where or when.
KEPT_INFO = ("icc_profile", "transparency", "dpi")
ORIENTATION = 0x0112
THUMBNAIL_FORMAT, THUMBNAIL_QUALITY = "WEBP", 80
THUMBNAIL_PREFIX = "thumbnails"
# One decoded image at a time per process: a worker's memory stays bounded by
# IMAGE_MAX_PIXELS, however many threads receive images at once.
DECODING = threading.BoundedSemaphore(1)

NOT_AN_IMAGE = "Upload a valid image: a JPEG, PNG, GIF or WebP file."
TOO_LARGE = (
    "This image is too large: {size}, where the limit is {limit:g} megapixels. "
    "Make it smaller and upload it again."
)


class ImageRefused(ValueError):
    """An image that is not stored, with the message the form shows."""


@dataclass
class Prepared:
    """An image ready to store: its original without metadata, and its thumbnails
    as {size: (bytes, or None where the storage resizes by URL; width; height; box)}."""

    original: ContentFile
    thumbnails: dict


def max_pixels():
    return settings.IMAGE_MAX_PIXELS


def open_checked(file):
    """The image in file, opened (its header read, no pixel decoded) and checked."""
    file.seek(0)
    try:
        image = Image.open(file)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Beyond Pillow's own limits (its warning, when warnings are errors), above ours.
        raise ImageRefused(too_large()) from error
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ImageRefused(NOT_AN_IMAGE) from error
    # Not closed: Pillow would close the caller's file with it.
    if image.format not in FORMATS:
        raise ImageRefused(NOT_AN_IMAGE)
    width, height = image.size
    if width * height > max_pixels():
        raise ImageRefused(too_large(width, height))
    return image


def too_large(width=None, height=None):
    size = f"{width}×{height} pixels" if width else "more pixels than Pillow opens"
    return TOO_LARGE.format(size=size, limit=max_pixels() / 1e6)


def check(file):
    """Refuse (ImageRefused) what open_checked refuses; read only the header."""
    open_checked(file)


def upright(image):
    """The first frame, loaded, with its EXIF orientation applied to the pixels."""
    image.seek(0)
    image.load()
    if image.getexif().get(ORIENTATION, 1) != 1:
        ImageOps.exif_transpose(image, in_place=True)
    return image


def without_metadata(image):
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    return image


def encode_original(image):
    """The image's bytes in its own format, without metadata."""
    kind = FORMATS[image.format]
    output = io.BytesIO()
    image = without_metadata(image)
    if kind == "JPEG":
        # The file's own quantization tables and subsampling: no visible loss.
        image.save(output, "JPEG", quality="keep", optimize=True)
    elif kind == "WEBP":
        image.save(output, "WEBP", quality=90)
    else:
        image.save(output, kind, optimize=kind == "PNG")
    return output.getvalue()


def fitted(size, box):
    """(width, height) of an image of this size fitted in box, never enlarged."""
    width, height = size
    scale = min(box[0] / width, box[1] / height, 1)
    return max(1, round(width * scale)), max(1, round(height * scale))


def encode_thumbnail(image, box):
    """WebP bytes of the image fitted in box, and their (width, height)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    # Resized first where Pillow can (no full-size copy), converted after.
    source = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert(mode)
    size = fitted(image.size, box)
    thumbnail = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0).convert(mode)
    output = io.BytesIO()
    without_metadata(thumbnail).save(
        output,
        THUMBNAIL_FORMAT,
        quality=THUMBNAIL_QUALITY,
        icc_profile=image.info.get("icc_profile"),
    )
    return output.getvalue(), size


def resizes_by_url(storage):
    return callable(getattr(storage, "resized_url", None))


def prepare(file, storage, sizes=None, original=True):
    """The image in file, checked, without metadata, and its thumbnails (Prepared).

    sizes: names in THUMBNAIL_SIZES (all by default). original=False skips
    encoding the original again (rebuilding thumbnails from a stored image).
    """
    sizes = settings.THUMBNAIL_SIZES if sizes is None else sizes
    source = open_checked(file)
    with DECODING:
        image = upright(source)
        data = encode_original(image) if original else None
        thumbnails = {}
        for size in sizes:
            box = settings.THUMBNAIL_SIZES[size]
            if resizes_by_url(storage):
                thumbnails[size] = (None, *fitted(image.size, box), box)
            else:
                thumbnail, (width, height) = encode_thumbnail(image, box)
                thumbnails[size] = (thumbnail, width, height, box)
    name = getattr(file, "name", None) or "image"
    return Prepared(ContentFile(data or b"", name=posixpath.basename(name)), thumbnails)


def thumbnail_name(image_name, size, width, height):
    """thumbnails/<year>/<month>/<image's name>-<size>-<width>x<height>.webp; the
    storage adds a unique folder (uploads/storage.py)."""
    stem = posixpath.splitext(posixpath.basename(image_name))[0]
    month = timezone.now().strftime("%Y/%m")
    return f"{THUMBNAIL_PREFIX}/{month}/{stem}-{size}-{width}x{height}.webp"


def store_thumbnails(storage, image_name, prepared, max_length=255):
    """Store the prepared thumbnails; their entries for Upload.thumbnails.

    Where one fails, those already stored are deleted and the error raised.
    """
    entries, stored = {}, []
    try:
        for size, (data, width, height, box) in prepared.thumbnails.items():
            entry = {"width": width, "height": height, "box": list(box)}
            if data is not None:
                name = thumbnail_name(image_name, size, width, height)
                entry["name"] = storage.save(name, ContentFile(data), max_length=max_length)
                stored.append(entry["name"])
            entries[size] = entry
    except Exception:
        delete_quietly(storage, stored)
        raise
    return entries


def delete_quietly(storage, names):
    """Delete what a failed attempt stored; a failure here is only logged."""
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete %s after a failed upload", name)


def thumbnail_names(thumbnails):
    """The stored names in an Upload.thumbnails value."""
    return {entry["name"] for entry in (thumbnails or {}).values() if entry.get("name")}


def rebuild(upload, sizes=None):
    """Make the upload's thumbnails again from its stored image (all sizes, or
    those named) and save the row; the thumbnails they replace are deleted once
    the row is saved (uploads/models.py)."""
    storage = upload.image.storage
    with storage.open(upload.image.name) as original:
        prepared = prepare(original, storage, sizes, original=False)
    entries = store_thumbnails(storage, upload.image.name, prepared)
    try:
        with transaction.atomic():
            upload.thumbnails = {**upload.thumbnails, **entries}
            upload.save(update_fields=["thumbnails"])
    except Exception:
        delete_quietly(storage, thumbnail_names(entries))
        raise
    return entries


def current(upload, size):
    """Whether the row has a thumbnail in this size, made for today's THUMBNAIL_SIZES."""
    entry = (upload.thumbnails or {}).get(size)
    return bool(entry) and entry.get("box") == list(settings.THUMBNAIL_SIZES[size])


def in_storage(upload, size):
    """Whether the upload's thumbnail in this size is current and the storage holds it
    (one request to the storage; none for a storage that resizes by URL)."""
    if not current(upload, size):
        return False
    name = upload.thumbnails[size].get("name")
    if name is None:
        return resizes_by_url(upload.image.storage)
    return upload.image.storage.exists(name)


def thumbnail(upload, size):
    """{"url", "width", "height", "fallback"} of the upload's thumbnail in this
    size, without a request to the storage; None without an image.

    fallback is the site's URL that makes the thumbnail again when the storage no
    longer holds it (uploads/views.py); a thumbnail not made yet has it as url.
    """
    if not upload.image:
        return None
    storage = upload.image.storage
    fallback = reverse("thumbnail", args=[upload.pk, size])
    entry = (upload.thumbnails or {}).get(size)
    if entry and entry.get("name"):
        url = storage.url(entry["name"])
    elif entry and resizes_by_url(storage):
        url = storage.resized_url(upload.image.name, entry["width"], entry["height"])
        fallback = None
    else:
        return {"url": fallback, "width": None, "height": None, "fallback": None}
    return {"url": url, "width": entry["width"], "height": entry["height"], "fallback": fallback}
