from django.contrib import admin
from django.template.loader import render_to_string

from mediafiles.images import thumbnail

from .models import Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["title", "file", "uploaded_at"{{ ', "owner"' if cookiecutter.media_access == "private" }}]
    search_fields = ["title"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview"]

    class Media:
        # Makes a thumbnail that the storage lost again (mediafiles/views.py).
        js = ["js/thumbnails.js"]
{%- if cookiecutter.media_access == "private" %}

    def save_model(self, request, upload, form, change):
        """A new upload belongs to the user who adds it (its files are private)."""
        if not change and upload.owner_id is None:
            upload.owner = request.user
        super().save_model(request, upload, form, change)
{%- endif %}

    @admin.display(description="Preview")
    def preview(self, upload):
        """The image's thumbnail, linked to the image (no request to the storage)."""
        found = upload.pk and thumbnail(upload.image, "admin")
        if not found:
            return "-"
        context = {"image": upload.image, "thumbnail": found, "alt": upload.title}
        return render_to_string("mediafiles/thumbnail.html", context)
