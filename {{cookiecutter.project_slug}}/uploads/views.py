{% if cookiecutter.media_access == "private" -%}
from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
{% endif -%}
from django.views.generic import ListView
{%- if cookiecutter.media_access == "private" %}

from mediafiles.access import readable
{%- endif %}

from .models import Upload

{% if cookiecutter.media_access == "private" %}
@method_decorator(cache_control(private=True), name="dispatch")
class UploadListView(LoginRequiredMixin, ListView):
    """The uploads whose files the user may read (the rule of mediafiles/access.py)."""

    model = Upload
    paginate_by = 50

    def get_queryset(self):
        return readable(super().get_queryset(), self.request.user)
{%- else %}
class UploadListView(ListView):
    model = Upload
    paginate_by = 50
{%- endif %}
