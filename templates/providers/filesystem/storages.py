"""Where uploaded media are stored: local disk under MEDIA_ROOT."""

import errno

from django.core.files.storage import FileSystemStorage

from uploads.storage import UniqueNames

# Errors that no retry can mend: the directory is missing, read-only, not ours or full.
CONFIGURATION_ERRNOS = {
    errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT, errno.ENOTDIR, errno.ENOSPC, errno.EDQUOT
}  # fmt: skip


class MediaStorage(UniqueNames, FileSystemStorage):
    """Django's FileSystemStorage with this project's unique names (uploads/storage.py).

    Files are also created with O_EXCL, so not even a name drawn twice could
    replace a file. uploads/local_media.py serves them.
    """

    def configuration_problem(self, error):
        """What is wrong with the set-up when no retry can mend this error, else None."""
        if isinstance(error, OSError) and error.errno in CONFIGURATION_ERRNOS:
            return f"{error.strerror} ({error.filename or self.location})"
        return None
