from django import template

from uploads.images import thumbnail as thumbnail_of

register = template.Library()


@register.filter
def thumbnail(upload, size):
    """The url, width, height and fallback of the upload's thumbnail in a size of
    THUMBNAIL_SIZES (uploads/images.py), or None: `upload|thumbnail:"list"`."""
    return thumbnail_of(upload, size)
