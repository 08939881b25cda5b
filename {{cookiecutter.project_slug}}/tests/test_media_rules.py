"""The rules every media storage of this project follows (mediafiles/storage.py)."""

import re

import pytest
from django.core.exceptions import SuspiciousFileOperation

from mediafiles.storage import content_disposition, unique_name


@pytest.mark.parametrize(
    "name",
    ["photo.png", "photo.JPG", "scan.pdf", "song.mp3", "clip.mp4", "notes.txt", "pic.webp"],
)
def test_passive_content_opens_inline(name):
    assert content_disposition(name) == "inline"


@pytest.mark.parametrize(
    "name",
    ["page.html", "page.htm", "logo.svg", "feed.xml", "app.js", "style.css", "run", "a.txt.gz"],
)
def test_active_or_unknown_content_is_a_download(name):
    assert content_disposition(name) == "attachment"


def test_names_get_a_folder_of_their_own_and_keep_the_file_name():
    names = {unique_name("uploads/2026/05/report.pdf") for _ in range(1000)}

    assert len(names) == 1000
    assert all(re.fullmatch(r"uploads/2026/05/[a-z0-9]{16}/report\.pdf", n) for n in names)


def test_long_names_are_shortened_keeping_the_extension():
    name = unique_name("uploads/" + "x" * 300 + ".pdf", max_length=100)

    assert len(name) == 100
    assert re.fullmatch(r"uploads/[a-z0-9]{16}/x+\.pdf", name)
    with pytest.raises(SuspiciousFileOperation):
        unique_name("uploads/" + "y" * 90 + "/a.pdf", max_length=100)
