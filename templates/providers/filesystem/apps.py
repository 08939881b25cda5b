

    def ready(self):
        from . import local_media  # noqa: F401 (registers the system check)