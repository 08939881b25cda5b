# What the storage classes of mediafiles/backends.py can do.
BACKENDS = {
    "mediafiles.backends.MediaStorage": MEDIA
    | {
        "Copyable",
        "WritesExact",
        "Diagnoses",
        "RecognizesMisconfiguration",
        "SuggestsFixes",
{%- if cookiecutter.media_access == "private" %}
        "SignsURLs",
{%- endif %}
    },
{%- if cookiecutter.static_storage == "bucket" %}
    # exists() answers from the listing of collectstatic (ListedStatic).
    "mediafiles.backends.StaticStorage": {"ConfirmsDeletion"},
{%- endif %}
}
