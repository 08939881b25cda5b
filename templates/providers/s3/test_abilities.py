# What the storage classes of mediafiles/backends.py can do.
BACKENDS = {
    "mediafiles.backends.MediaStorage": MEDIA
    | {
        "Copyable",
        "WritesExact",
        "Diagnoses",
        "RecognizesMisconfiguration",
        "SuggestsFixes",
        "StreamsUploads",
{%- if cookiecutter.media_access == "private" %}
        "SignsURLs",
{%- endif %}
    },
{%- if cookiecutter.static_storage == "bucket" %}
    "mediafiles.backends.StaticStorage": set(),
{%- endif %}
}
