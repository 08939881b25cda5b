from django.contrib import admin
from django.template.loader import render_to_string

from .forms import UploadForm
from .images import thumbnail
from .models import Upload
from .streaming import StreamingUploadsAdmin


@admin.register(Upload)
class UploadAdmin(StreamingUploadsAdmin, admin.ModelAdmin):
    form = UploadForm
    list_display = ["title", "file", "uploaded_at"]
    search_fields = ["title"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview"]

    class Media:
        # Makes a thumbnail that the storage lost again (uploads/views.py).
        js = ["js/thumbnails.js"]

    @admin.display(description="Preview")
    def preview(self, upload):
        """The image's thumbnail, linked to the image (no request to the storage)."""
        found = upload.pk and thumbnail(upload, "admin")
        if not found:
            return "-"
        return render_to_string("uploads/thumbnail.html", {"upload": upload, "thumbnail": found})
