from django.views.generic import ListView

from .models import Upload


class UploadListView(ListView):
    model = Upload
    paginate_by = 50
