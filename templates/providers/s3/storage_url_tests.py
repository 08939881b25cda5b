{%- set region = "nyc3" if cookiecutter.storage_provider == "digitalocean-spaces" else "us-east-1" %}


def test_the_message_never_shows_the_secret_key():
    assert "very-secret-value" not in refused(
        "s3://key:very-secret-value@bucket/media?region=eu-west-1&colour=blue"
    )


def test_a_storage_url_with_unencoded_secret_is_refused_with_a_hint():
    assert "percent-encoded" in refused("s3://key:sec/ret@bucket/media?region=eu-west-1")


def test_an_s3_url_gives_bucket_prefix_and_decoded_credentials():
{%- if cookiecutter.storage_provider == "s3-compatible" %}
    media = options(
        "s3://AKIAEXAMPLE:se%2Fcr%2Bet@example-media/media/?region=eu-west-1"
        "&endpoint=http://127.0.0.1:8333/"
    )
{%- else %}
    media = options("s3://AKIAEXAMPLE:se%2Fcr%2Bet@example-media/media/?region=eu-west-1")
{%- endif %}

    assert media["bucket_name"] == "example-media"
    assert media["location"] == "media"
    assert media["access_key"] == "AKIAEXAMPLE"
    assert media["secret_key"] == "se/cr+et"  # noqa: S105 (an example)
    assert media["region_name"] == "eu-west-1"
    assert media["default_acl"] is None
{%- if cookiecutter.storage_provider == "s3-compatible" %}
    assert media["endpoint_url"] == "http://127.0.0.1:8333"
    assert media["client_config"].s3 == {"addressing_style": "path"}
{%- elif cookiecutter.storage_provider == "digitalocean-spaces" %}
    assert media["endpoint_url"] == "https://eu-west-1.digitaloceanspaces.com"
    assert media["client_config"].s3 == {"addressing_style": "virtual"}
{%- else %}
    assert media["endpoint_url"] is None
    assert media["client_config"].s3 == {"addressing_style": "virtual"}
{%- endif %}
    assert media["client_config"].signature_version == "s3v4"
{%- if cookiecutter.storage_provider == "aws-s3" %}


def test_without_credentials_boto3_finds_them():
    media = options("s3://example-media/media")

    assert media["access_key"] is None and media["secret_key"] is None
    assert media["region_name"] == "us-east-1"
    assert media["client_config"].request_checksum_calculation == "when_supported"


def test_a_key_without_its_secret_is_refused():
    assert "give both the access key and its secret" in refused("s3://AKIAEXAMPLE@bucket/media")
{%- else %}


def test_credentials_are_required():
    assert "it needs the access key and its secret" in refused(
        "s3://example-media/media?region={{ region }}&endpoint=https://example.com"
    )
{%- endif %}
{%- if cookiecutter.storage_provider == "digitalocean-spaces" %}


def test_a_space_needs_its_region():
    assert "it needs the Space's region" in refused("s3://key:secret@example-media/media")
{%- elif cookiecutter.storage_provider == "s3-compatible" %}


def test_the_service_needs_its_endpoint():
    assert "it needs the service's endpoint" in refused("s3://key:secret@example-media/media")
{%- endif %}


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("endpoint=ftp://example.com", "the option 'endpoint' must be an http:// or https:// URL"),
        (
            "endpoint=https://example.com&addressing_style=sideways",
            "the option 'addressing_style' must be one of path, virtual",
        ),
        ("endpoint=https://example.com&regoin=eu-west-1", "it has an unknown option (regoin)"),
    ],
)
def test_an_s3_option_that_cannot_work_is_refused(query, problem):
    assert problem in refused(f"s3://key:secret@example-media/media?region={{ region }}&{query}")
{%- if cookiecutter.media_access == "private" %}


def test_private_media_take_no_custom_domain():
    message = refused(
        "s3://key:secret@example-media/media?region={{ region }}&endpoint=https://example.com"
        "&custom_domain=cdn.example.com"
    )

{%- if cookiecutter.static_storage == "bucket" %}
    assert "custom_domain serves public files" in message
{%- else %}
    assert "it has an unknown option (custom_domain)" in message
{%- endif %}
{%- endif %}