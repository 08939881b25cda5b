


def test_the_message_never_shows_the_account_key():
    assert "very-secret-value" not in refused(
        "azure://account:very-secret-value@media/media?colour=blue"
    )


def test_a_storage_url_with_unencoded_secret_is_refused_with_a_hint():
    assert "percent-encoded" in refused("azure://account:k/ey==@media/media")


def test_an_azure_url_gives_account_key_container_and_prefix():
    media = options("azure://exampleaccount:a%2Fb%2Bc%3D%3D@media/media")

    assert media["account_name"] == "exampleaccount"
    assert media["account_key"] == "a/b+c=="
    assert media["azure_container"] == "media"
    assert media["location"] == "media"
    assert "connection_string" not in media


def test_an_emulator_endpoint_gives_a_connection_string():
    media = options(
        "azure://devstoreaccount1:a%2Fb%3D%3D@media/media"
        "?endpoint=http://127.0.0.1:10000/devstoreaccount1"
    )

    assert media["connection_string"] == (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a/b==;"
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
    )


def test_the_account_key_is_required():
    assert "it needs the account name and its key" in refused("azure://exampleaccount@media/media")