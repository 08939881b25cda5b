


def test_the_account_url_goes_to_the_storage_as_given():
    url = "cloudinary://111222333:s%2Fecret@demo-cloud?secure_distribution=media.example.com"

    assert options(url, location="media") == {"cloudinary_url": url, "location": "media"}


def test_the_api_secret_is_required():
    assert "it needs the API key and secret" in refused("cloudinary://111222333@demo-cloud")