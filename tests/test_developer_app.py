"""A project built on the template: a developer's own app beside the sample, then
the sample app deleted as the generated README says (tests/developer_app.py).

The bake without the sample migrates, passes `check --deploy`, its own tests, and
takes uploads through the developer's model in the admin, with the guarantees:
files stored under unique names, images without metadata and with thumbnails.
"""

import re

import pytest

from tests.developer_app import add_developer_app, delete_sample_app
from tests.families import MAIN_VARIANTS, case, collect_static
from tests.helpers import Project, bake, http_get, project_venv
from tests.site import PROFILE, AdminSession, Site, create_superuser, rows
from tests.test_images import assert_no_gps, photo
from tests.test_project import production_env

pytestmark = pytest.mark.slow

# Local disk, and a bucket with its ensure_storage: the main variants of the first
# family of each kind.
WITHOUT_THE_SAMPLE = [
    case(next(adapter for adapter in MAIN_VARIANTS if adapter.on_local_disk).id),
    case(next(adapter for adapter in MAIN_VARIANTS if adapter.provisions).id),
]


@pytest.mark.parametrize("adapter", WITHOUT_THE_SAMPLE, indirect=True)
def test_a_bake_without_the_sample_app_works_for_the_developers_own(
    cookies_session, adapter, databases, tmp_path
):
    root = bake(cookies_session, **adapter.answers)
    project = Project(root, project_venv(root), adapter.answers)
    add_developer_app(project)
    delete_sample_app(project)
    assert not (root / "uploads").exists()

    env = {**adapter.env(project), "DATABASE_URL": databases.new()}
    project.migrate(env)
    check = project.manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(project)
    )
    assert check.returncode == 0, check.stdout + check.stderr
    own = project.run("pytest", "-q", "-p", "no:cacheprovider")
    assert own.returncode == 0, own.stdout + own.stderr
    assert re.search(r"\d+ passed", own.stdout) and "skipped" not in own.stdout, own.stdout

    create_superuser(project, env)
    if adapter.provisions:
        result = project.manage("ensure_storage", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    collect_static(project, env)
    with Site(project, env, workers=1, threads=2, log_path=tmp_path / "gunicorn.log") as site:
        admin = AdminSession(site, model=PROFILE)
        response = admin.add_upload("Ada", "cv.pdf", b"%PDF-1.7 cv", image=("me.jpg", photo()))
        pk = admin.created_pk(response)
        avatar_url, cv_url = admin.file_links(pk)  # the form's order
        (row,) = rows(env, PROFILE)
        objects = adapter.media_objects()
        assert admin.fetch(cv_url).body == b"%PDF-1.7 cv"
        assert admin.fetch(avatar_url).body == objects[row["image"]]
        assert http_get(site.url("/")).status == 404  # the sample's page went with it

    assert set(objects) == {row["file"], row["image"], *adapter.thumbnails(row["image"])}
    assert re.fullmatch(r"cv/[a-z0-9]{16}/cv\.pdf", row["file"]), row
    assert assert_no_gps(objects[row["image"]]).size == (900, 1200)
