"""A file that could not be stored is a clear error page, not a server error.

Forms of mediafiles/forms.py (and the admin's) show such failures as form errors.
A view that saves a model with Django's own forms or fields gets the FileRefused
of mediafiles/guarantees.py from Model.save(), before its row is written; this
middleware answers it with 503 (the storage failed; Retry-After) or 400 (the
file itself was refused), with the message the form would have shown.

Once the view has answered, and before the response leaves, the files the
request stored for rows it did not save are deleted (guarantees.delete_unsaved).
"""

from django.shortcuts import render

from .guarantees import FileRefused, StorageFailed, delete_unsaved

RETRY_AFTER = 60


class FileRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        delete_unsaved(keep_remembering=True)
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, FileRefused):
            return None
        response = render(
            request,
            "mediafiles/file_refused.html",
            {"message": exception.message},
            status=exception.status,
        )
        if isinstance(exception, StorageFailed):
            response["Retry-After"] = str(RETRY_AFTER)
        return response
