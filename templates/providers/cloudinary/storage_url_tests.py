


def test_the_message_never_shows_the_api_secret():
    assert "very-secret-value" not in refused("cloudinary://key:very-secret-value@/media")


def test_a_storage_url_with_unencoded_secret_is_refused_with_a_hint():
    assert "percent-encoded" in refused("cloudinary://key:sec/ret@cloud")


def test_the_account_url_goes_to_the_storage_as_given():
    url = "cloudinary://111222333:s%2Fecret@demo-cloud?secure_distribution=media.example.com"

    assert options(url, location="media") == {"cloudinary_url": url, "location": "media"}


def test_the_api_secret_is_required():
    assert "it needs the API key and secret" in refused("cloudinary://111222333@demo-cloud")