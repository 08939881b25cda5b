{%- set region = "nyc3" if cookiecutter.storage_provider == "digitalocean-spaces" else "us-east-1" %}
{%- if cookiecutter.storage_provider == "aws-s3" %}


MEDIA = "s3://AKIAEXAMPLE:ex%2Fample@example-media/media?region=eu-west-1"
{%- elif cookiecutter.storage_provider == "digitalocean-spaces" %}


MEDIA = "s3://example-key:example-secret@example-media/media?region=nyc3"
{%- else %}


MEDIA = (
    "s3://example-key:example-secret@example-media/media"
    "?endpoint=https://0123456789abcdef.r2.cloudflarestorage.com"
)
{%- endif %}


def storage_urls(media=MEDIA, **variables):
    """Each bucket storage's URL of "a b.txt" with the settings these variables give.

    boto3 builds URLs offline: no bucket and no network. django-storages' plain
    S3Storage stands in for the static storage, which would read its manifest from
    the bucket.
    """
    settings = load_settings(**{**PRODUCTION, "MEDIA_STORAGE_URL": media, **variables})
    return {
        alias: S3Storage(**storage["OPTIONS"]).url("a b.txt")
        for alias, storage in settings["STORAGES"].items()
        if "bucket_name" in storage.get("OPTIONS", {})
    }
{%- if cookiecutter.storage_provider == "aws-s3" %}


def test_urls_point_at_the_aws_bucket_with_credentials_from_the_chain():
    urls = storage_urls()

    assert urls["default"].startswith("https://example-media.s3.")
    assert "amazonaws.com/media/a%20b.txt" in urls["default"]
{%- elif cookiecutter.storage_provider == "digitalocean-spaces" %}


def test_urls_point_at_the_space_of_the_region():
    urls = storage_urls()

    assert urls["default"].startswith(
        "https://example-media.nyc3.digitaloceanspaces.com/media/a%20b.txt"
    )
{%- else %}


def test_urls_point_at_the_endpoint_with_path_addressing():
    urls = storage_urls()

    assert urls["default"].startswith(
        "https://0123456789abcdef.r2.cloudflarestorage.com/example-media/media/a%20b.txt"
    )
{%- endif %}
{%- if cookiecutter.media_access == "private" %}


def test_private_media_urls_are_signed_with_s3v4_and_expire():
    url = storage_urls(AWS_QUERYSTRING_EXPIRE="600")["default"]

    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url
    assert "X-Amz-Expires=600" in url
    assert "X-Amz-Signature=" in url
{%- else %}


def with_option(url, option):
    return f"{url}{'&' if '?' in url else '?'}{option}"


def test_public_media_urls_are_plain_and_use_the_custom_domain():
    urls = storage_urls(with_option(MEDIA, "custom_domain=cdn.example.com"))

    assert urls["default"] == "https://cdn.example.com/media/a%20b.txt"
    assert "X-Amz-Signature" not in urls["default"]


# The media storage builds public URLs itself (mediafiles/backends.py); botocore's own,
# from django-storages' plain S3Storage with the same options, are the reference.
NAMES = [
    "a b.txt",
    "ünï cødé/東京 ß.png",
    "100%+sure?#x.pdf",
    "~t/a&b=c;d,e.txt",
    "q'\"<>[]{}|^`.txt",
    "tab\tnl.txt",
    "uploads/2026/05/k3v9x0qa7hw2mz4c/r.pdf",
]


@pytest.mark.parametrize(
    "media",
    [
        MEDIA,
        with_option(MEDIA, "addressing_style=virtual"),
        with_option(MEDIA, "addressing_style=path"),
        (
            "s3://example-key:example-secret@example-media/media"
            "?endpoint=http://127.0.0.1:9000&region={{ region }}"
        ),
    ],
    ids=["default", "virtual", "path", "http-port"],
)
def test_public_media_urls_are_botocores_urls(media):
    storages = load_settings(**{**PRODUCTION, "MEDIA_STORAGE_URL": media})["STORAGES"]
    storage = StorageHandler(storages)["default"]
    reference = S3Storage(**storages["default"]["OPTIONS"])

    for name in NAMES:
        assert storage.url(name) == storage.url(name) == reference.url(name), name
{%- endif %}
{%- if cookiecutter.static_storage == "bucket" %}


def test_static_files_go_to_the_static_prefix_unsigned():
    url = storage_urls()["staticfiles"]

    assert "/static/a%20b.txt" in url
    assert "X-Amz-Signature" not in url
{%- endif %}