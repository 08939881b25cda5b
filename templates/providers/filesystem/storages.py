"""Where uploaded media are stored: local disk under MEDIA_ROOT."""

import errno

from uploads.storage import LocalFiles, UniqueNames

# Errors that no retry can mend: the directory is missing, read-only, not ours or full.
MISSING_ERRNOS = {errno.ENOENT, errno.ENOTDIR}
READ_ONLY_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
CONFIGURATION_ERRNOS = MISSING_ERRNOS | READ_ONLY_ERRNOS | FULL_ERRNOS


class MediaStorage(UniqueNames, LocalFiles):
    """Django's FileSystemStorage with this project's unique names (uploads/storage.py).

    Files are also created with O_EXCL, so not even a name drawn twice could
    replace a file. uploads/local_media.py serves them. manage.py copy_media lists
    and writes them as LocalFiles does (uploads/storage.py).
    """

    # What manage.py storage_check suggests when a media URL does not answer as it should.
    url_fixes = {
        "URL not served": (
            "serve MEDIA_ROOT under MEDIA_URL: SERVE_MEDIA=True, or a web server in front"
        ),
    }

    def configuration_problem(self, error):
        """What is wrong with the set-up when no retry can mend this error, else None."""
        if isinstance(error, OSError) and error.errno in CONFIGURATION_ERRNOS:
            return f"{error.strerror} ({error.filename or self.location})"
        return None

    def diagnose(self, error):
        """The cause of a failed storage call, in one line (manage.py storage_check)."""
        problem = self.configuration_problem(error)
        if problem is None:
            return None
        if error.errno in MISSING_ERRNOS:
            return f"media directory missing: {problem}: MEDIA_ROOT must be a directory"
        if error.errno in READ_ONLY_ERRNOS:
            return f"media directory not writable: {problem}: give this user write access"
        return f"disk full: {problem}"
