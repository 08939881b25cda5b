
{%- if cookiecutter.static_storage == "bucket" %}
    "collectfasta",
{%- endif %}