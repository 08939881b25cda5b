# What the storage classes of mediafiles/backends.py can do.
BACKENDS = {
    "mediafiles.backends.CloudinaryStorage": MEDIA
    | {
        "Diagnoses",
        "RecognizesMisconfiguration",
        "ConfirmsDeletion",
        "RefusesCopies",
        "ResizesByURL",
{%- if cookiecutter.media_access == "private" %}
        "Relays",
        "SignsURLs",
{%- else %}
        "SuggestsFixes",
{%- endif %}
    },
}
