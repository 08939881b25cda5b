"""Generated projects take the template's later fixes with cruft.

As the generated README's "Take the template's fixes" says: a project generated
with `cruft create` from a template repository, committed, changed by its
developer (an app of their own with file fields, an edited setting), takes a
real change of the template's storage code with `cruft update`: no conflict and
no `*.rej` file, the developer's changes kept, the fix in, `.env` untouched, the
project's own tests passing. A project whose developer deleted the sample app
takes the template's later changes to the sample without it coming back. Every
valid combination of answers is created at one commit and updated to the next
cleanly.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.developer_app import APP, add_developer_app, delete_sample_app
from tests.families import VARIANTS
from tests.helpers import TEMPLATE_DIR, Project, combination_id, combinations, project_venv

pytestmark = pytest.mark.slow

CRUFT = Path(sys.executable).parent / "cruft"
# The first variant with private media and static files on the bucket: the most the
# storage code does.
FULLEST = next(adapter for adapter in VARIANTS if adapter.private and adapter.static_on_bucket)
ANSWERS = [
    pytest.param({}, id="defaults"),
    pytest.param(dict(FULLEST.storage), id=FULLEST.id),
]
# The template's change: the block size in which copy_media streams files.
STORAGE_CODE = "{{cookiecutter.project_slug}}/mediafiles/storage.py"
BLOCK_BEFORE = "COPY_BLOCK_SIZE = 1024 * 1024\n"
BLOCK_AFTER = "COPY_BLOCK_SIZE = 2 * 1024 * 1024\n"
# The developer's change of a setting.
PIXELS_BEFORE = "IMAGE_MAX_PIXELS = 50_000_000\n"
PIXELS_AFTER = "IMAGE_MAX_PIXELS = 40_000_000\n"


def git(cwd, *args):
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def listed_files(root):
    """The files git would commit in root: tracked, or new and not ignored."""
    listed = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return [name for name in listed.split("\0") if name and (root / name).is_file()]


def template_repository(path):
    """A repository holding this checkout's template as it is, at one commit."""
    for name in listed_files(TEMPLATE_DIR):
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TEMPLATE_DIR / name, path / name)
    git(path, "init", "-q")
    # Forced: the project's .gitignore ignores its .env, which the template holds.
    git(path, "add", "--force", "-A")
    git(path, "commit", "-q", "-m", "The template")
    return path


def change(path, old, new):
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def cruft(root, *args):
    return subprocess.run([CRUFT, *args], cwd=root, capture_output=True, text=True, timeout=600)


def commit(root, message):
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def update(root):
    """`cruft update`, applied without asking: no rejected hunk, no conflict marker."""
    result = cruft(root, "update", "--skip-apply-ask")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "reject" not in output.lower(), output
    assert [name for name in listed_files(root) if name.endswith(".rej")] == [], output
    marked = [name for name in listed_files(root) if b"\n<<<<<<< " in (root / name).read_bytes()]
    assert marked == [], output


@pytest.mark.parametrize("answers", ANSWERS)
def test_a_project_takes_the_templates_fix_and_keeps_its_own_changes(tmp_path, answers):
    template = template_repository(tmp_path / "template")
    created = subprocess.run(
        [CRUFT, "create", "--no-input", "--output-dir", tmp_path / "out",
         "--extra-context", json.dumps(answers), template],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert created.returncode == 0, created.stdout + created.stderr
    root = tmp_path / "out" / "my_project"
    secrets = (root / ".env").read_text()
    git(root, "init", "-q")
    commit(root, "Generated")
    assert cruft(root, "check").returncode == 0

    # The developer's own changes: an app with file fields, a setting.
    project = Project(root, project_venv(root), answers)
    add_developer_app(project)
    change(root / "config" / "settings.py", PIXELS_BEFORE, PIXELS_AFTER)
    commit(root, "Our profiles; smaller images")

    # The template moves on: a change of its storage code.
    change(template / STORAGE_CODE, BLOCK_BEFORE, BLOCK_AFTER)
    commit(template, "Copy media in larger blocks")
    assert cruft(root, "check").returncode != 0  # behind the template

    update(root)

    settings = (root / "config" / "settings.py").read_text()
    assert BLOCK_AFTER in (root / "mediafiles" / "storage.py").read_text()
    assert PIXELS_AFTER in settings and f'    "{APP}",\n' in settings
    assert (root / APP / "migrations" / "0001_initial.py").is_file()
    assert (root / ".env").read_text() == secrets  # never rendered again
    assert cruft(root, "check").returncode == 0
    result = project.run("pytest", "-q", "-p", "no:cacheprovider")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\d+ passed", result.stdout) and "skipped" not in result.stdout
    commit(root, "Update from the template")

    # The developer removes the sample app as the README says; the template then
    # changes the sample: the update leaves it out, and the sample stays gone.
    delete_sample_app(project)
    commit(root, "Without the sample")
    sample = template / "{{cookiecutter.project_slug}}" / "uploads" / "models.py"
    title = "    title = models.CharField("
    change(sample, title, "    # Shown on the list page.\n" + title)
    commit(template, "A comment in the sample")

    update(root)

    assert not (root / "uploads").exists()
    assert not (root / "tests" / "test_uploads.py").exists()
    assert cruft(root, "check").returncode == 0


@pytest.fixture(scope="module")
def template_history(tmp_path_factory):
    """The template at two commits: as it is, then with a change of its storage code;
    (repository, first commit)."""
    template = template_repository(tmp_path_factory.mktemp("template"))
    first = git(template, "rev-parse", "HEAD").strip()
    change(template / STORAGE_CODE, BLOCK_BEFORE, BLOCK_AFTER)
    commit(template, "Copy media in larger blocks")
    return template, first


@pytest.mark.parametrize("answers", combinations(), ids=combination_id)
def test_every_combination_updates_cleanly(tmp_path, template_history, answers):
    template, first = template_history
    created = subprocess.run(
        [CRUFT, "create", "--no-input", "--checkout", first, "--output-dir", tmp_path,
         "--extra-context", json.dumps(answers), template],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert created.returncode == 0, created.stdout + created.stderr
    root = tmp_path / "my_project"
    git(root, "init", "-q")
    commit(root, "Generated")

    update(root)

    assert BLOCK_AFTER in (root / "mediafiles" / "storage.py").read_text()
    assert cruft(root, "check").returncode == 0
