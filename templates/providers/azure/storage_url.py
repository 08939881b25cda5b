


def cloud_options(url, static):
    """azure://ACCOUNT:KEY@CONTAINER/PREFIX?options, as django-storages' AzureStorage options."""
    container = url.name("container")
    if not (url.user and url.password):
        raise url.error(
            "it needs the account name and its key: azure://ACCOUNT:KEY@CONTAINER/PREFIX, "
            "the key percent-encoded (/ is %2F, + is %2B, = is %3D)"
        )
    options = {
        "account_name": url.user,
        "azure_container": container,
        "location": url.path.strip("/"),
        # Bounded waits: 5 s to connect, 5 s without a byte, one retry, so a frozen
        # service gives the upload form its error before a platform's router gives
        # up on the request (Heroku's, after 30 s).
        "client_options": {
            "connection_timeout": 5,
            "read_timeout": 5,
            "retry_total": 1,
            "initial_backoff": 1,
            "increment_base": 2,
        },
    }
    # Another blob endpoint than the account's own: an emulator (Azurite).
    endpoint = url.endpoint()
    if endpoint:
        protocol = endpoint.partition(":")[0]
        options["connection_string"] = (
            f"DefaultEndpointsProtocol={protocol};AccountName={url.user};"
            f"AccountKey={url.password};BlobEndpoint={endpoint};"
        )
    else:
        options["account_key"] = url.password
    return options