"""`manage.py copy_media` refuses Cloudinary, saying why (the other families' copies
are in tests/test_copy_media.py)."""

import pytest

from tests.families import case, deploy
from tests.test_copy_media import copy_media, write_tree

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("adapter", [case("cloudinary-private-whitenoise")], indirect=True)
def test_cloudinary_is_refused_saying_why(projects, adapter, databases, tmp_path):
    project, env = deploy(projects, adapter, databases)
    source = write_tree(tmp_path / "old-media", {"uploads/a.txt": b"a"})

    result, output = copy_media(project, env, "--from", f"file://{source}")

    assert result.returncode != 0, output
    assert "cannot copy media to or from it: Cloudinary names files itself" in output, output
    assert adapter.media_objects() == {}
