


def cloud_options(url, static):
    """The account URL in the SDK's own format, query options included (mediafiles/backends.py)."""
    url.name("cloud")
    if not (url.user and url.password):
        raise url.error("it needs the API key and secret: cloudinary://API_KEY:API_SECRET@CLOUD")
    # The query holds the SDK's own options (e.g. secure_distribution), read with the URL.
    url.options.clear()
    return {"cloudinary_url": url.raw.geturl()}