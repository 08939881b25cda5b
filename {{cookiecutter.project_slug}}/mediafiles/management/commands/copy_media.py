"""Copy media from one storage to another, keeping every name, so database rows stay valid.

    python manage.py copy_media --from file:///app/media [--to default] [--dry-run]

- --from and --to each name a storage (see resolve): a STORAGES alias, local disk
  as `file:///absolute/path` or `file:relative/path`, or a storage URL as
  MEDIA_STORAGE_URL takes it. --to defaults to `default`, the media storage the
  settings configure.
- Each side is listed once, with sizes: one walk of a directory, one paged listing
  of a bucket or container (1,000 or 5,000 names a request), never a request per
  file. A file whose name is already at the destination with the same size is
  skipped; with another size it is reported and left alone. Nothing is ever
  deleted or replaced.
- Files are streamed, in blocks or parts of at most 8 MiB, whatever their size, by
  several threads at once (--workers), largest first; each failed transfer is tried
  again (--retries) unless the storage refuses the configuration, which stops the run.
- A transfer that is interrupted leaves nothing under the file's name (a bucket
  keeps only completed uploads; local disk writes a temporary file and renames it):
  run the command again to finish.
- Progress lines every few seconds, then a summary; the exit status is non-zero
  if any file was not copied.

The storage classes contribute what only they know (mediafiles/abilities.py;
mediafiles/storage.py has local disk's): list_sizes(), open_stream(name) and
write_exact(name, stream, size) (abilities.Copyable).
{%- if "RefusesCopies" in cookiecutter.__media_abilities %}
A storage that cannot be copied says why in `copy_refused` (abilities.RefusesCopies).
{%- endif %}
"""

import os
import threading
import time
import urllib.parse
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError

from config.storage_url import storage_from_url
from mediafiles import abilities

MIB = 1024 * 1024
MAX_CAUSE = 400


def resolve(spec):
    """The storage that --from or --to names: a STORAGES alias (`default`), local
    disk as `file:///absolute/path` or `file:relative/path` (relative to the current
    directory), or a storage URL as MEDIA_STORAGE_URL takes it (config/storage_url.py),
    with the media storage's other settings. Each becomes a STORAGES-style entry,
    made as Django makes its own."""
    if spec in settings.STORAGES:
        return storages[spec]
    parts = urllib.parse.urlsplit(spec)
    if parts.scheme == "file" and parts.netloc in ("", "localhost"):
        path = urllib.parse.unquote(parts.path)
        if path:
            params = {
                "BACKEND": "mediafiles.storage.LocalFiles",
                "OPTIONS": {"location": os.path.abspath(path)},
            }
            return storages.create_storage(params)
    elif parts.scheme and parts.scheme != "file":
        try:
            options = getattr(settings, "MEDIA_OPTIONS", {})
            params = storage_from_url("the storage URL", spec, **options)
        except ImproperlyConfigured as error:
            raise CommandError(f"{spec!r} names no storage: {error}") from None
        return storages.create_storage(params)
    raise CommandError(
        f"{spec!r} names no storage: give a STORAGES alias "
        f"({', '.join(settings.STORAGES)}), local disk as file:///absolute/path "
        "or file:relative/path, or a storage URL like MEDIA_STORAGE_URL's."
    )


def size_text(size):
    if size < 1024:
        return f"{size} B"
    if size < MIB:
        return f"{size / 1024:.1f} KiB"
    return f"{size / MIB:.1f} MiB"


def one_line(text):
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_CAUSE else text[: MAX_CAUSE - 3] + "..."


class Stop(Exception):
    """The run stops: the destination refuses the configuration (its cause)."""


class Failed(Exception):
    """A file that was not copied: why, in one line."""


class Metered:
    """A source stream that counts what is read (the progress lines) and holds it to
    the listed size: a source that gives more or fewer bytes fails the transfer
    before the destination completes the file."""

    def __init__(self, stream, size, progress):
        self.stream, self.size, self.progress = stream, size, progress
        self.position = 0

    def read(self, amount=-1):
        data = self.stream.read(amount)
        self.position += len(data)
        if self.position > self.size:
            raise OSError(f"the source gave more than the {self.size} bytes listed")
        if not data and amount != 0 and self.position < self.size:
            raise OSError(f"the source ended after {self.position} of {self.size} bytes")
        self.progress(len(data))
        return data

    def tell(self):
        return self.position

    def readable(self):
        return True

    def seekable(self):
        return False


COPY_METHODS = ("list_sizes", "open_stream", "write_exact")


def describe(storage):
    if isinstance(storage, FileSystemStorage):
        return f"local disk {storage.location}"
    kind = type(storage)
    return f"{kind.__module__}.{kind.__qualname__}"


def same_directory(first, second):
    return (
        isinstance(first, FileSystemStorage)
        and isinstance(second, FileSystemStorage)
        and os.path.realpath(first.location) == os.path.realpath(second.location)
    )


def cause(storage, error, other=None):
    """One line that names what failed: a storage's own diagnosis when it has one."""
    for each in (storage, other):
        found = each.diagnose(error) if isinstance(each, abilities.Diagnoses) else None
        if found:
            return one_line(found)
    return one_line(f"{type(error).__name__}: {error}")


class Command(BaseCommand):
    help = (
        "Copy media between two storages (local disk and buckets), keeping every name; "
        "files already there with the same size are skipped, nothing is deleted."
    )
    # Startup time counts when there is nothing to copy; `manage.py check` checks the project.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            help="The storage to copy from: a STORAGES alias, or file:///path for local disk.",
        )
        parser.add_argument(
            "--to",
            dest="destination",
            default="default",
            help="The storage to copy to (default: default, the media storage).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be copied; copy nothing."
        )
        parser.add_argument(
            "--workers", type=int, default=4, help="Files copied at once (default: 4)."
        )
        parser.add_argument(
            "--retries",
            type=int,
            default=3,
            help="Attempts per file before it counts as failed (default: 3).",
        )
        parser.add_argument(
            "--progress-every",
            type=float,
            default=2.0,
            metavar="SECONDS",
            help="Seconds between progress lines (default: 2).",
        )

    def handle(self, *args, **options):
        if options["workers"] < 1 or options["retries"] < 1:
            raise CommandError("--workers and --retries must be at least 1.")
        if options["source"] == options["destination"]:
            raise CommandError("--from and --to name the same storage.")
        self.source = self.copyable(options["source"], "from")
        self.destination = self.copyable(options["destination"], "to")
        if same_directory(self.source, self.destination):
            raise CommandError("--from and --to name the same directory.")
        if isinstance(self.source, FileSystemStorage) and not os.path.isdir(self.source.location):
            raise CommandError(f"--from: there is no directory {self.source.location}")
        self.stdout.write(
            f"Copying media from {options['source']} ({describe(self.source)}) "
            f"to {options['destination']} ({describe(self.destination)})"
        )

        started = time.monotonic()
        source_sizes = self.listing(self.source, "source")
        destination_sizes = self.listing(self.destination, "destination")
        pending, present, conflicts = [], 0, []
        for name, size in source_sizes.items():
            there = destination_sizes.get(name)
            if there is None:
                pending.append((name, size))
            elif there == size:
                present += 1
            else:
                conflicts.append((name, size, there))
        pending.sort(key=lambda item: (-item[1], item[0]))  # largest first, for overlap
        total = sum(size for _, size in pending)
        self.stdout.write(
            f"Listed {len(source_sizes)} files at the source and {len(destination_sizes)} "
            f"at the destination in {time.monotonic() - started:.2f} s: "
            f"{len(pending)} to copy ({size_text(total)}), {present} already there"
            + (f", {len(conflicts)} there with another size" if conflicts else "")
        )
        for name, size, there in conflicts:
            self.stderr.write(
                f"differs  {name}: {size} bytes at the source, {there} at the destination; "
                "left alone (copy_media never replaces a file)"
            )
        if isinstance(self.destination, abilities.RemovesLeftovers) and not options["dry_run"]:
            removed = self.destination.remove_leftovers()
            if removed:
                self.stdout.write(f"Deleted {removed} unfinished files left by killed copies")

        if options["dry_run"]:
            for name, size in pending:
                self.stdout.write(f"would copy  {name}  {size_text(size)}")
            self.stdout.write(
                f"Dry run: {len(pending)} files ({size_text(total)}) would be copied; "
                "nothing was written."
            )
            if conflicts:
                raise CommandError(f"{len(conflicts)} files differ in size (see above).")
            return

        copied, failed, stopped = self.copy(pending, total, options)
        seconds = time.monotonic() - started
        done = sum(size for _, size in copied)
        self.stdout.write(
            f"Done in {seconds:.1f} s: {len(copied)} copied ({size_text(done)}, "
            f"{done / MIB / max(seconds, 1e-9):.1f} MiB/s), {present} already there, "
            f"{len(failed)} failed"
            + (f", {len(conflicts)} differ" if conflicts else "")
            + (f", {stopped} not tried" if stopped else "")
            + "."
        )
        problems = []
        if self.stop_cause:
            problems.append(f"stopped: {self.stop_cause}")
        if failed:
            problems.append(f"{len(failed)} files failed (see above); run again to retry them")
        if conflicts:
            problems.append(f"{len(conflicts)} files differ in size (see above)")
        if problems:
            raise CommandError("; ".join(problems))

    # Steps --------------------------------------------------------------------------

    def copyable(self, spec, side):
        storage = resolve(spec)
{%- if "RefusesCopies" in cookiecutter.__media_abilities %}
        if isinstance(storage, abilities.RefusesCopies):
            raise CommandError(
                f"--{side} {spec}: cannot copy media to or from it: {storage.copy_refused}."
            )
{%- endif %}
        if isinstance(storage, FileSystemStorage) and not isinstance(storage, abilities.Copyable):
            # Any other directory storage (e.g. static files) is read as local disk.
            storage = resolve(f"file://{urllib.parse.quote(storage.location)}")
        if not isinstance(storage, abilities.Copyable):
            raise CommandError(
                f"--{side} {spec}: {describe(storage)} cannot be listed and written "
                "by name (list_sizes, open_stream, write_exact)."
            )
        return storage

    def listing(self, storage, side):
        try:
            return storage.list_sizes()
        except FileNotFoundError:
            if side == "destination" and isinstance(storage, FileSystemStorage):
                return {}  # the directory is made by the first write
            raise CommandError(f"the {side} directory {storage.location} is missing") from None
        except Exception as error:
            raise CommandError(f"listing the {side} failed: {cause(storage, error)}") from error

    def copy(self, pending, total, options):
        """Copy every pending file; (copied, failed, not tried)."""
        self.lock = threading.Lock()
        self.done_bytes, self.stop_cause = 0, None
        self.retries = options["retries"]
        copied, failed = [], []
        interval = options["progress_every"]
        executor = ThreadPoolExecutor(options["workers"], thread_name_prefix="copy_media")
        futures = {
            executor.submit(self.copy_one, name, size): (name, size) for name, size in pending
        }
        waiting, started, last = set(futures), time.monotonic(), time.monotonic()
        try:
            while waiting:
                finished, waiting = wait(waiting, timeout=interval, return_when=FIRST_COMPLETED)
                for future in finished:
                    name, size = futures[future]
                    if future.cancelled():
                        continue
                    error = future.exception()
                    if error is None:
                        copied.append((name, size))
                        if options["verbosity"] >= 2:
                            self.stdout.write(f"copied   {name}  {size_text(size)}")
                    elif not isinstance(error, Stop):
                        failed.append(name)
                        self.stderr.write(f"FAILED   {name}: {error}")
                if self.stop_cause:
                    for future in waiting:
                        future.cancel()
                now = time.monotonic()
                if now - last >= interval and waiting:
                    last = now
                    self.progress_line(len(copied), len(pending), total, now - started)
        except KeyboardInterrupt:
            self.stop_cause = "interrupted; run again to finish"
            for future in waiting:
                future.cancel()
            self.stderr.write("Interrupted: waiting for the transfers in flight to end...")
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        not_tried = len(pending) - len(copied) - len(failed)
        return copied, failed, not_tried

    def copy_one(self, name, size):
        """Copy one file, trying again after an error unless the configuration is refused."""
        for attempt in range(1, self.retries + 1):
            if self.stop_cause:
                raise Stop(self.stop_cause)
            counted = 0

            def progress(amount):
                nonlocal counted
                counted += amount
                with self.lock:
                    self.done_bytes += amount

            try:
                stream = self.source.open_stream(name)
                try:
                    metered = Metered(stream, size, progress)
                    self.destination.write_exact(name, metered, size)
                finally:
                    close = getattr(stream, "close", None)
                    if close is not None:
                        close()
            except Exception as error:
                with self.lock:
                    self.done_bytes -= counted
                # Only the destination's refusal stops the run: the source was listed
                # with its credentials, and one of its files may vanish meanwhile (404).
                refused = ""
                if isinstance(self.destination, abilities.RecognizesMisconfiguration):
                    refused = one_line(self.destination.configuration_problem(error) or "")
                if refused:
                    self.stop_cause = f"{name}: {refused}"
                    self.stderr.write(f"FAILED   {name}: {refused}")
                    raise Stop(refused) from error
                if attempt == self.retries:
                    raise Failed(
                        f"{cause(self.destination, error, self.source)} (after {attempt} attempts)"
                    ) from error
                time.sleep(min(0.5 * 2 ** (attempt - 1), 5))
                continue
            if metered.position != size:
                # Only a source that shrank since it was listed, with a destination that
                # sends what it is given: the next listing shows the other size.
                raise Failed(f"the source gave {metered.position} of the {size} bytes listed")
            return

    def progress_line(self, files, all_files, total, seconds):
        with self.lock:
            done = self.done_bytes
        self.stdout.write(
            f"progress {files}/{all_files} files, {done / MIB:.1f}/{total / MIB:.1f} MiB, "
            f"{done / MIB / max(seconds, 1e-9):.1f} MiB/s"
        )
        self.stdout.flush()  # seen as it happens, through a pipe or a log too
