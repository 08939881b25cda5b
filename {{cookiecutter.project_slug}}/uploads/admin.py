from django.contrib import admin
from django.template.loader import render_to_string

from mediafiles.images import thumbnail

from .models import Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["title", "file", "uploaded_at"]
    search_fields = ["title"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview"]

    class Media:
        # Makes a thumbnail that the storage lost again (mediafiles/views.py).
        js = ["js/thumbnails.js"]

    @admin.display(description="Preview")
    def preview(self, upload):
        """The image's thumbnail, linked to the image (no request to the storage)."""
        found = upload.pk and thumbnail(upload.image, "admin")
        if not found:
            return "-"
        context = {"image": upload.image, "thumbnail": found, "alt": upload.title}
        return render_to_string("mediafiles/thumbnail.html", context)
