


def test_a_storage_url_with_unencoded_secret_is_refused_with_a_hint():
    assert "percent-encoded" in refused("gs://my:bucket/media")


def test_a_gs_url_gives_bucket_and_prefix():
    media = options("gs://example-media/media")

    assert media["bucket_name"] == "example-media"
    assert media["location"] == "media"
    assert media["default_acl"] is None
{%- if cookiecutter.media_access == "private" %}
    assert media["querystring_auth"] is True
{%- else %}
    assert media["querystring_auth"] is False
{%- endif %}


def test_an_emulator_endpoint_sends_the_google_client_there(monkeypatch):
    # Set here first, so that monkeypatch removes what the parser sets.
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", "http://elsewhere:1")

    media = options("gs://media/media?endpoint=http://localhost:4443/")

    assert os.environ["STORAGE_EMULATOR_HOST"] == "http://localhost:4443"
    # The emulator's anonymous credentials can sign nothing.
    assert media["querystring_auth"] is False


def test_credentials_in_a_gs_url_are_refused():
    assert "a gs: URL holds no credentials" in refused("gs://key:secret@example-media/media")