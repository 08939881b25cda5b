# What the storage classes of mediafiles/backends.py can do.
BACKENDS = {
    "mediafiles.backends.MediaStorage": MEDIA
    | {
        "Copyable",
        "WritesExact",
        "Diagnoses",
        "RecognizesMisconfiguration",
        "SuggestsFixes",
{%- if "StreamsUploads" in cookiecutter.__media_abilities %}
        "StreamsUploads",
{%- endif %}
{%- if cookiecutter.media_access == "private" %}
        "SignsURLs",
{%- endif %}
    },
{%- if "ConfirmsDeletion" in cookiecutter.__abilities %}
    # exists() answers from the listing of collectstatic (ListedStatic).
    "mediafiles.backends.StaticStorage": {"ConfirmsDeletion"},
{%- elif cookiecutter.static_storage == "bucket" %}
    "mediafiles.backends.StaticStorage": set(),
{%- endif %}
}
