@abilities.declare(abilities.ConfirmsDeletion)
class ListedStatic:
    """collectstatic against one listing of the static files (StaticStorage's first base).

    Django's collectstatic asks the storage about each file, whether it exists and
    when it was written, and ManifestFilesMixin deletes and uploads every CSS and JS
    file again on each run. Here the first question lists the static files once
    (list_times: every key with its time, in pages of a thousand or more), which
    this storage's own writes and deletes keep up to date, and post-processing never
    writes a hashed name (base.3f2a9c1b7d4e.css) that the bucket already holds: such
    a name is its content's. An original that has not changed since it was uploaded
    is skipped, by its time, as Django skips it; a new build's originals are newer,
    so they go up again, and their hashed names do not.

    The listing lives as long as the storage object, which only collectstatic asks
    (pages read the manifest on local disk).
    """

    listing = None
    post_processing = False

    def listed(self):
        if self.listing is None:
            self.listing = self.list_times()
        return self.listing

    def exists(self, name):
        if not name:
            return super().exists(name)
        return self.key(name) in self.listed()

    def confirm_deleted(self, name):
        """Whether the bucket itself no longer holds the file, since exists() answers
        from the listing (manage.py storage_check --storage staticfiles)."""
        return not super().exists(name)

    def get_modified_time(self, name):
        modified = self.listed().get(self.key(name))
        if modified is None:
            return super().get_modified_time(name)
        return modified if settings.USE_TZ else timezone.make_naive(modified)

    def delete(self, name):
        if self.post_processing:
            # Post-processing deletes only hashed names, and a hashed name always
            # holds the same content: it stays (a newer build's names are others).
            return
        super().delete(name)
        self.listed().pop(self.key(name), None)

    def _save(self, name, content):
        key = self.key(name)
        if self.post_processing and key in self.listed():
            return clean_name(name)
        name = super()._save(name, content)
        self.listed()[key] = datetime.now(UTC)
        return name

    def post_process(self, *args, **kwargs):
        self.post_processing = True
        try:
            yield from super().post_process(*args, **kwargs)
        finally:
            self.post_processing = False
