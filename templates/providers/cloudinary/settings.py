# Files go under media/ on the account (mediafiles/backends.py).
{%- if cookiecutter.media_access == "private" %}
# They are delivered only through signed URLs, which storage.url() builds.
MEDIA_OPTIONS = {"location": "media", "delivery_type": "authenticated"}
{%- else %}
MEDIA_OPTIONS = {"location": "media", "delivery_type": "upload"}
{%- endif %}

{% include "common/settings-storages.py" %}
