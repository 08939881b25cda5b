from django import template

from mediafiles.images import thumbnail as thumbnail_of

register = template.Library()


@register.filter
def thumbnail(image, size):
    """The url and fallback of an image's thumbnail in a size of THUMBNAIL_SIZES
    (mediafiles/images.py), or None: `row.photo|thumbnail:"list"`."""
    return thumbnail_of(image, size)
