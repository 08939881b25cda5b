from django.contrib import admin

from .forms import UploadForm
from .models import Upload
from .streaming import StreamingUploadsAdmin


@admin.register(Upload)
class UploadAdmin(StreamingUploadsAdmin, admin.ModelAdmin):
    form = UploadForm
    list_display = ["title", "file", "uploaded_at"]
    search_fields = ["title"]
    date_hierarchy = "uploaded_at"
