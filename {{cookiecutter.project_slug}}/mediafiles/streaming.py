"""Large uploads go to the storage while the request body arrives.

Django's default upload handlers write a large file to a temporary file first;
the form stores it only once the whole request is in, so the storage's upload
starts late and the time of both adds up. Here, for the file fields of a form
whose storage supports it (abilities.StreamsUploads: `stream_part_size` and
`start_multipart`, in mediafiles/backends.py), a file is sent in
parts while it is still arriving, a few parts at a time, under the very name the
form would have given it (the field's `upload_to` date folders and the storage's
unique folder), so nothing is copied afterwards. Memory stays bounded: at most
PARTS_IN_MEMORY parts, being sent or being filled.

The guarantees of mediafiles/guarantees.py hold:

- A streamed file that no row holds once the request is over is deleted: the
  form refused another field, the row's transaction rolled back, the CSRF check
  failed. One cut off midway (the client went away) is aborted, so it never
  becomes an object (the bucket's lifecycle rule, set by ensure_storage,
  removes the parts of an abort that the storage could not take).
- A storage failure while streaming is kept and raised by StreamedFile.claim(),
  where the form would have stored the file (mediafiles/guarantees.py): the same
  form error, no row.
- Smaller files (less than one part), image fields (their bytes are checked
  and read by the form) and fields whose `upload_to` is a function (which may
  need the row's other values, not known while the body arrives) take Django's
  usual way.

The admin installs the handler for every model with StreamingUploadsAdmin
(mediafiles/admin.py), whatever its form: the form stores what it receives
through the mixin of mediafiles/forms.py, which claims a streamed file.
"""

import io
import logging
import mmap
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress

from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.core.files.utils import validate_file_name
from django.db import models, router
from django.views.decorators.csrf import csrf_exempt

from . import abilities

logger = logging.getLogger(__name__)

# Parts of one file in memory: being sent, or being filled from the request.
# With 8 MiB parts a streamed upload holds at most 24 MiB. The next part is
# filled while the others are sent, and sent as soon as it is full, so up to
# three are sent at once while the request body waits for a free buffer.
PARTS_IN_MEMORY = 3
# Threads that send parts, shared by every upload of the process.
SENDERS = 8
_senders = None
_senders_lock = threading.Lock()


def senders():
    """The process's part senders, started on first use (in each gunicorn worker)."""
    global _senders
    with _senders_lock:
        if _senders is None:
            _senders = ThreadPoolExecutor(SENDERS, thread_name_prefix="upload-part")
        return _senders


def first(pair):
    return pair[0]


def streamable_fields(model):
    """The model's file fields whose uploads can stream: {name: field}."""
    return {
        field.name: field
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
        and not isinstance(field, models.ImageField)
        and not callable(field.upload_to)
        and isinstance(field.storage, abilities.StreamsUploads)
        and field.storage.stream_part_size
    }


def final_name(field, filename):
    """The name the form would store this file under (storage.save's checks)."""
    name = field.generate_filename(None, filename)
    validate_file_name(name, allow_relative_path=True)
    name = field.storage.get_available_name(name, max_length=field.max_length)
    validate_file_name(name, allow_relative_path=True)
    return name


class PartBuffer:
    """One part's bytes in an anonymous memory map of their own.

    Closing it gives the memory back to the system at once, which freed
    malloc blocks of this size do not always do; until then an upload reuses
    it for its next parts (a fresh map costs a page fault per 4 KiB written).
    The storage client reads it as a file (read, seek, tell).
    """

    def __init__(self, capacity):
        self.map = mmap.mmap(-1, capacity)
        self.capacity, self.size, self.position = capacity, 0, 0

    def fill(self, view):
        """Copy what fits of a memoryview; return how many bytes were taken."""
        taken = min(len(view), self.capacity - self.size)
        self.map[self.size : self.size + taken] = view[:taken]
        self.size += taken
        return taken

    def reset(self):
        self.size = self.position = 0
        return self

    @property
    def full(self):
        return self.size == self.capacity

    def read(self, size=-1):
        """A view of the next bytes, not a copy: hashing and sending a part then
        allocates nothing (and the GIL is released for each whole block)."""
        end = self.size if size is None or size < 0 else min(self.size, self.position + size)
        data = memoryview(self.map)[self.position : end]
        self.position = max(self.position, end)
        return data

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, min(self.size, base + offset))
        return self.position

    def tell(self):
        return self.position

    def seekable(self):
        return True

    def getvalue(self):
        return self.map[: self.size]

    def close(self):
        try:
            if self.map is not None:
                self.map.close()
        except BufferError:  # a view of it is still held: unmapped when that goes
            pass
        self.map = None


class StreamedFile(UploadedFile):
    """A file that is already in the storage, under `stored_name`.

    Its bytes are not in the request: the form stores it by calling claim().
    `error` is the storage's exception when the upload failed.
    """

    def __init__(self, stream, size, error=None):
        super().__init__(
            None, stream.file_name, stream.content_type, size, stream.charset,
            stream.content_type_extra,
        )  # fmt: skip
        self.stream, self.stored_name, self.error = stream, stream.name, error

    def claim(self):
        """The stored name, for the row about to be saved (the file stays only if
        a row holds that name when the request ends). Raises the storage's error
        if there was one."""
        if self.error is not None:
            raise self.error
        return self.stored_name

    def open(self, mode=None):
        raise OSError("a streamed upload is read from the storage, under its stored_name")

    def close(self):
        pass


class Stream:
    """One file on its way to the storage: buffered into parts, a multipart
    upload started when the first part is full, parts sent by the senders.
    At most PARTS_IN_MEMORY buffers, being sent or filled; a buffer sent goes
    back to `spare` for a later part."""

    def __init__(self, field, name, file_name, content_type, charset, content_type_extra):
        self.field, self.storage, self.name = field, field.storage, name
        self.file_name, self.content_type = file_name, content_type
        self.charset, self.content_type_extra = charset, content_type_extra
        self.part_size = self.storage.stream_part_size
        self.upload, self.number, self.sending, self.parts = None, 0, [], []
        self.error, self.completed, self.ended = None, False, False
        self.spare = []
        self.buffer = self.new_buffer()

    def write(self, data):
        if self.error is not None:
            return  # the upload failed: the rest of the file is read and dropped
        view = memoryview(data)
        while view:
            view = view[self.buffer.fill(view) :]
            if self.buffer.full:
                buffer, self.buffer = self.buffer, None
                self.send(buffer)
                if self.error is None:
                    self.buffer = self.new_buffer()
                if self.error is not None:
                    return

    def new_buffer(self):
        """A buffer for the next part, once fewer than PARTS_IN_MEMORY are being sent."""
        try:
            while len(self.sending) >= PARTS_IN_MEMORY:
                self.collect(wait(self.sending, return_when=FIRST_COMPLETED).done)
        except Exception as error:
            self.fail(error)
            return None
        return self.spare.pop().reset() if self.spare else PartBuffer(self.part_size)

    def collect(self, done):
        """Take the results of parts sent (raising a part's error)."""
        self.sending = [sending for sending in self.sending if sending not in done]
        self.parts += [sending.result() for sending in done]

    def send(self, buffer):
        try:
            if self.upload is None:
                self.upload = self.storage.start_multipart(self.name, self.content_type)
            self.number += 1
            self.sending.append(senders().submit(self.send_part, self.number, buffer))
        except Exception as error:
            self.spare.append(buffer)
            self.fail(error)

    def send_part(self, number, buffer):
        try:
            return number, self.upload.send_part(number, buffer)
        finally:
            self.spare.append(buffer)

    def fail(self, error):
        storage = type(self.storage).__name__
        logger.warning("Streaming %r to %s failed: %r", self.name, storage, error)
        self.error = error
        self.abort()

    def finish(self, size):
        """The file for request.FILES: in memory when smaller than a part (the form
        stores it as usual), else a StreamedFile."""
        buffer, self.buffer = self.buffer, None
        if self.error is None and self.upload is None:
            self.ended = True
            data = buffer.getvalue()
            buffer.close()
            self.release()
            return InMemoryUploadedFile(
                io.BytesIO(data), self.field.name, self.file_name, self.content_type, size,
                self.charset, self.content_type_extra,
            )  # fmt: skip
        if self.error is None and buffer.size:
            self.send(buffer)
        elif buffer is not None:
            self.spare.append(buffer)
        if self.error is None:
            try:
                self.collect(list(self.sending))
                self.upload.complete([part for _, part in sorted(self.parts, key=first)])
                self.completed = True
            except Exception as error:
                self.fail(error)
        self.ended = True
        self.release()
        return StreamedFile(self, size, self.error)

    def abort(self):
        """Stop the multipart upload: wait for the parts being sent (a part that
        lands after the abort could outlive it), then abort it."""
        self.ended = True
        for sending in self.sending:
            if not sending.cancel():
                with suppress(Exception):  # the abort follows; the first error is kept
                    sending.result()
        self.sending = []
        self.release()
        if self.upload is not None and not self.completed:
            try:
                self.upload.abort()
            except Exception:
                logger.exception("Could not abort the upload of %r (the bucket's lifecycle "
                                 "rule removes its parts)", self.name)  # fmt: skip
            self.upload = None

    def release(self):
        """Give every buffer's memory back (none is being sent any more)."""
        if self.buffer is not None:
            self.spare.append(self.buffer)
            self.buffer = None
        while self.spare:
            self.spare.pop().close()

    def in_a_row(self):
        model = self.field.model
        rows = model._base_manager.using(router.db_for_write(model))
        return rows.filter(**{self.field.name: self.name}).exists()

    def end_of_request(self):
        """Abort what is unfinished; delete what was stored but is in no row (the
        form refused the request, or the row's transaction rolled back)."""
        if not self.ended:
            self.abort()
        try:
            if self.completed and not self.in_a_row():
                self.storage.delete(self.name)
        except Exception:
            logger.exception("Could not delete the unsaved upload %r", self.name)


class StreamingUploadHandler(FileUploadHandler):
    """Sends the files of `fields` ({form field name: model field}) to their storage
    as they arrive; other files pass on to the next handlers (Django's own)."""

    chunk_size = 1024 * 1024

    def __init__(self, request, fields):
        super().__init__(request)
        self.fields, self.streams, self.stream, self.activated = fields, [], None, False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # A request smaller than one part cannot hold a file that needs parts.
        smallest = min(field.storage.stream_part_size for field in self.fields.values())
        self.activated = content_length is not None and content_length > smallest

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.stream = None
        field = self.fields.get(field_name) if self.activated else None
        if field is None:
            return
        try:
            name = final_name(field, file_name)
        except Exception:
            return  # an unusable name: the form says so the usual way
        self.stream = Stream(
            field, name, file_name, self.content_type, self.charset, self.content_type_extra
        )
        self.streams.append(self.stream)
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data, start):
        if self.stream is None:
            return raw_data
        self.stream.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self.stream is None:
            return None
        stream, self.stream = self.stream, None
        return stream.finish(file_size)

    def upload_interrupted(self):
        if self.stream is not None:
            self.stream.abort()
            self.stream = None

    def end_of_request(self):
        for stream in self.streams:
            stream.end_of_request()


@contextmanager
def streaming_uploads(request, fields):
    """Within: the request's files for `fields` stream to their storage (install
    before anything reads request.POST or request.FILES). After: whatever was
    streamed but not saved in a row is gone."""
    if not fields or request.method != "POST" or hasattr(request, "_files"):
        yield
        return
    handler = StreamingUploadHandler(request, fields)
    request.upload_handlers.insert(0, handler)
    # The body is parsed in blocks of the smallest chunk_size of the handlers
    # (Django's own take 64 KiB): 1 MiB blocks, as gunicorn reads the socket,
    # take a fifth less of the worker's CPU time.
    for each in request.upload_handlers:
        each.chunk_size = max(each.chunk_size, StreamingUploadHandler.chunk_size)
    try:
        yield
    finally:
        handler.end_of_request()


class StreamingUploadsAdmin:
    """ModelAdmin mixin: the add and change forms stream their large files.

    The handler must be in place before the request body is read, and
    Django's CSRF middleware reads it before any view runs: these two views
    are exempt from the middleware because the admin's changeform_view checks
    the CSRF token itself (csrf_protect), after the handler is installed. A
    forged request is refused as before; a file it streamed is deleted.
    """

    def streamed_fields(self, request):
        readonly = set(self.get_readonly_fields(request))
        return {
            name: field
            for name, field in streamable_fields(self.model).items()
            if name not in readonly
        }

    @csrf_exempt
    def add_view(self, request, form_url="", extra_context=None):
        with streaming_uploads(request, self.streamed_fields(request)):
            return super().add_view(request, form_url, extra_context)

    @csrf_exempt
    def change_view(self, request, object_id, form_url="", extra_context=None):
        with streaming_uploads(request, self.streamed_fields(request)):
            return super().change_view(request, object_id, form_url, extra_context)
