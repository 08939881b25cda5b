


def cloud_options(url, static):
    """gs://BUCKET/PREFIX?options, as django-storages' GoogleCloudStorage options."""
    bucket = url.name("bucket")
    if url.has_userinfo:
        raise url.error(
            "a gs: URL holds no credentials: the Google client finds them itself "
            "(GOOGLE_APPLICATION_CREDENTIALS, or the workload identity on Cloud Run and GKE)"
        )
    options = {
        "bucket_name": bucket,
        "location": url.path.strip("/"),
        # Uniform bucket-level access: no object ACLs are sent.
        "default_acl": None,
    }
    # An emulator (fake-gcs-server): the Google client goes there, without
    # credentials, when STORAGE_EMULATOR_HOST is set, and can then sign no URL.
    emulator = url.endpoint()
    if emulator:
        os.environ["STORAGE_EMULATOR_HOST"] = emulator
{%- if cookiecutter.media_access == "private" %}
    options["querystring_auth"] = not static and not emulator
{%- else %}
    options["querystring_auth"] = False
{%- endif %}
    return options