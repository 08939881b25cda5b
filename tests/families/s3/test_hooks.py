"""The hooks' logic for what only the S3 family's bakes hold: streaming uploads."""

import pytest

from tests.helpers import CONTEXT, default_answers, load_hook

post_gen = load_hook("post_gen_project")


@pytest.mark.parametrize("provider", CONTEXT["storage_provider"])
def test_only_the_s3_family_keeps_the_streaming_files(provider):
    """mediafiles/streaming.py and its tests are removed from every bake but S3's."""
    answers = {**default_answers(), "storage_provider": provider}
    streams = CONTEXT["_providers"][provider]["family"] == "s3"

    paths = post_gen.paths_to_remove(answers)

    for path in ("mediafiles/streaming.py", "tests/test_streaming.py"):
        assert (path in paths) is not streams, (provider, path)
