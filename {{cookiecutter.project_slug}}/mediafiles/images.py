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
  its colour profile. An animated GIF, WebP or PNG keeps every frame and its
  timing; its frames count towards the pixel limit.
- Thumbnails: one WebP per entry of THUMBNAIL_SIZES (settings.py), fitted in its
  box, stored in the media storage when the image is uploaded, under a name that
  follows from the image's own (thumbnail_name): the image's name is unique
  (mediafiles/storage.py), so no row has to remember it, and a page gets the URL
  from storage.url(), which asks the storage nothing. The box is part of the
  name: after a change of THUMBNAIL_SIZES, the old thumbnails are no longer used.
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
- A storage that resizes images itself from their URL (abilities.ResizesByURL:
  `resized_url(name, width, height)`) gets no stored copies: the URL asks the
  storage for the image fitted in the box.
{%- endif %}
"""

import io
import logging
import posixpath
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image, ImageOps, UnidentifiedImageError
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}

from . import abilities
{%- endif %}

logger = logging.getLogger(__name__)

# The formats a browser shows, as Pillow names them (MPO: a phone's JPEG with extra frames).
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WEBP"}
# What an image's info may keep when it is encoded again: nothing that says who, where or when.
KEPT_INFO = ("icc_profile", "transparency", "dpi")
# ...and what an animation needs to play as it did.
ANIMATION_INFO = ("duration", "loop", "background", "disposal")
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
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
    """An image ready to store: its original without metadata, and its thumbnails
    as {size: WebP bytes, or None where the storage resizes by URL}."""
{%- else %}
    """An image ready to store: its original without metadata, and its thumbnails
    as {size: WebP bytes}."""
{%- endif %}

    original: ContentFile
    thumbnails: dict


def max_pixels():
    return settings.IMAGE_MAX_PIXELS


def too_large(width=None, height=None, frames=1):
    size = f"{width}×{height} pixels" if width else "more pixels than Pillow opens"
    if frames > 1:
        size += f" in each of {frames} frames"
    return TOO_LARGE.format(size=size, limit=max_pixels() / 1e6)


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
    frames = getattr(image, "n_frames", 1)  # counted from the headers, none decoded
    if width * height * frames > max_pixels():
        raise ImageRefused(too_large(width, height, frames))
    return image


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


def without_metadata(image, kept=KEPT_INFO):
    image.info = {key: value for key, value in image.info.items() if key in kept}
    return image


def is_animated(image):
    return getattr(image, "n_frames", 1) > 1 and FORMATS[image.format] in ("GIF", "WEBP", "PNG")


def encode_animation(image):
    """Every frame of an animated image, with its timing, without metadata."""
    kind = FORMATS[image.format]
    frames, durations = [], []
    for index in range(image.n_frames):
        image.seek(index)
        frame = image.convert("RGBA")
        frames.append(frame)
        durations.append(image.info.get("duration", 100))
    image.seek(0)
    output = io.BytesIO()
    options = {"save_all": True, "append_images": frames[1:], "duration": durations}
    options["loop"] = image.info.get("loop", 0)
    if kind == "GIF":
        options["disposal"] = 2
    elif kind == "WEBP":
        options["lossless"] = True
    frames[0].save(output, kind, **options)
    return output.getvalue()


def encode_original(image):
    """The image's bytes in its own format, without metadata."""
    kind = FORMATS[image.format]
    if is_animated(image):
        return encode_animation(image)
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
    """WebP bytes of the image fitted in box."""
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
    return output.getvalue()
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}


def resizes_by_url(storage):
    return isinstance(storage, abilities.ResizesByURL)
{%- endif %}


{% if "ResizesByURL" in cookiecutter.__media_abilities -%}
def prepare(file, storage, sizes=None, original=True):
{%- else -%}
def prepare(file, sizes=None, original=True):
{%- endif %}
    """The image in file, checked, without metadata, and its thumbnails (Prepared).

    sizes: names in THUMBNAIL_SIZES (all by default). original=False skips
    encoding the original again (rebuilding thumbnails from a stored image).
    """
    sizes = settings.THUMBNAIL_SIZES if sizes is None else sizes
    source = open_checked(file)
    with DECODING:
        data = encode_original(source) if original and is_animated(source) else None
        image = upright(source)
        if original and data is None:
            data = encode_original(image)
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
        thumbnails = {
            size: None
            if resizes_by_url(storage)
            else encode_thumbnail(image, settings.THUMBNAIL_SIZES[size])
            for size in sizes
        }
{%- else %}
        thumbnails = {
            size: encode_thumbnail(image, settings.THUMBNAIL_SIZES[size]) for size in sizes
        }
{%- endif %}
    name = getattr(file, "name", None) or "image"
    return Prepared(ContentFile(data or b"", name=posixpath.basename(name)), thumbnails)


def thumbnail_name(image_name, size):
    """thumbnails/<the image's stored name>/<size>-<box width>x<box height>.webp: one
    folder per image, which only that image's thumbnails use (its name is unique)."""
    width, height = settings.THUMBNAIL_SIZES[size]
    return f"{THUMBNAIL_PREFIX}/{image_name}/{size}-{width}x{height}.webp"


def delete_quietly(storage, names):
    """Delete what a failed attempt stored; a failure here is only logged."""
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete %s after a failed upload", name)


def store_thumbnails(storage, image_name, prepared):
    """Store the prepared thumbnails under their names; their names.

    A thumbnail stored meanwhile by another request is the same image, and kept.
    Where one fails, those this call stored are deleted and the error raised.
    """
    stored = []
    try:
        for size, data in prepared.thumbnails.items():
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
            if data is None:
                continue
{%- endif %}
            name = thumbnail_name(image_name, size)
            try:
                storage.write_exact(name, io.BytesIO(data), len(data))
            except Exception:
                if not storage.exists(name):
                    raise
                continue
            stored.append(name)
    except Exception:
        delete_quietly(storage, stored)
        raise
    return stored


def stored_thumbnails(storage, image_name):
    """The names of every thumbnail stored for this image, whatever its size: one
    listing of its folder (or, where the storage cannot list, those of today's sizes)."""
    folder = f"{THUMBNAIL_PREFIX}/{image_name}"
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    except NotImplementedError:
        return [thumbnail_name(image_name, size) for size in settings.THUMBNAIL_SIZES]
    # Some storages list files by their full names, others by their base names.
    return [f"{folder}/{posixpath.basename(name)}" for name in files]


{% if "ResizesByURL" in cookiecutter.__media_abilities -%}
def delete_thumbnails(storage, image_name):
    """Delete every thumbnail of an image that is gone (a storage that resizes by URL has none)."""
    if not resizes_by_url(storage):
        for name in stored_thumbnails(storage, image_name):
            storage.delete(name)
{%- else -%}
def delete_thumbnails(storage, image_name):
    """Delete every thumbnail of an image that is gone."""
    for name in stored_thumbnails(storage, image_name):
        storage.delete(name)
{%- endif %}


def rebuild(field_file, sizes=None):
    """Make the thumbnails of a stored image again from its original (all sizes, or
    those named), replacing those there; thumbnails of sizes no longer in
    THUMBNAIL_SIZES are deleted."""
    storage, image_name = field_file.storage, field_file.name
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
    if resizes_by_url(storage):
        return []
    with storage.open(image_name) as original:
        prepared = prepare(original, storage, sizes, original=False)
{%- else %}
    with storage.open(image_name) as original:
        prepared = prepare(original, sizes, original=False)
{%- endif %}
    current = {thumbnail_name(image_name, size) for size in settings.THUMBNAIL_SIZES}
    for name in stored_thumbnails(storage, image_name):
        rebuilt = name in {thumbnail_name(image_name, size) for size in prepared.thumbnails}
        if rebuilt or name not in current:
            storage.delete(name)
    return store_thumbnails(storage, image_name, prepared)


def in_storage(field_file, size):
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
    """Whether the image's thumbnail in this size is in the storage (one request to
    the storage; none for a storage that resizes by URL)."""
    if resizes_by_url(field_file.storage):
        return True
{%- else %}
    """Whether the image's thumbnail in this size is in the storage (one request to
    the storage)."""
{%- endif %}
    return field_file.storage.exists(thumbnail_name(field_file.name, size))


def thumbnail(field_file, size):
    """{"url", "fallback"} of an image's thumbnail in a size of THUMBNAIL_SIZES,
    without a request to the storage; None without an image.

    fallback is the site's URL that makes the thumbnail again when the storage
    does not hold it (mediafiles/views.py), for the page to follow only when the
    thumbnail fails to load (static/js/thumbnails.js).
    """
    if not field_file:
        return None
    row, meta = field_file.instance, field_file.instance._meta
    args = [meta.app_label, meta.model_name, row.pk, field_file.field.name, size]
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
    storage, box = field_file.storage, settings.THUMBNAIL_SIZES[size]
    fallback = None if resizes_by_url(storage) else reverse("thumbnail", args=args)
{%- else %}
    storage, name = field_file.storage, thumbnail_name(field_file.name, size)
    fallback = reverse("thumbnail", args=args)
{%- endif %}
{%- if cookiecutter.media_access == "private" %}
    if callable(getattr(field_file, "link", None)):
        # A private image: the site's link, which checks who may see it (mediafiles/access.py).
        return {"url": field_file.link(size), "fallback": fallback}
{%- endif %}
{%- if "ResizesByURL" in cookiecutter.__media_abilities %}
    if resizes_by_url(storage):
        return {"url": storage.resized_url(field_file.name, *box), "fallback": None}
    return {"url": storage.url(thumbnail_name(field_file.name, size)), "fallback": fallback}
{%- else %}
    return {"url": storage.url(name), "fallback": fallback}
{%- endif %}
