"""Each storage provider's whole story is in its three places, and nowhere else.

A provider's names are its key in the registry (cookiecutter.json) and its family's:
the family key, the `names` of the family's registry entry, and its emulator's image
(with and without its owner, never its tag). Each name is searched in every file
git tracks (or would track: new files that .gitignore does not exclude), in any
case, as a whole word: no letter or digit just before or after it, so that a name
is found in an upper-case variable name or a URL scheme, and not inside a longer
word. It may appear only in:

- its registry entry, in cookiecutter.json;
- its family folder, templates/providers/<family>/, and its locks,
  templates/locks/<family>-*/;
- its test place, tests/families/<family>.py or tests/families/<family>/;
- the few files that may name every provider (EVERY_PROVIDER, each with its reason);
- for a family whose registry entry says it is `in_every_project` (local disk, which
  every project has: its development media and `file:` URLs), the template's shared
  files too (TEMPLATE_SIDE), where a project says when its media are on local disk.

A family's `other_senses` in the registry are phrases in which one of its names
means something else (another family's emulator option); they are left out of a line
before it is searched. This module names no provider: everything comes from the
registry.
"""

import re
import subprocess
from functools import cache

import pytest
from binaryornot.check import is_binary

from tests.helpers import CONTEXT, TEMPLATE_DIR

PROVIDERS, FAMILIES = CONTEXT["_providers"], CONTEXT["_families"]
# The files that may name every provider, and why.
EVERY_PROVIDER = {
    # The template's documentation: the options table, each family's guarantees and
    # how the template and its tests are built.
    "README.md": "documents every provider for someone choosing one",
    # What each change asks of an updating project, provider by provider.
    "CHANGELOG.md": "records each change for the projects of every provider",
    # The registry itself: the question's choices, their prompt labels, every entry.
    "cookiecutter.json": "is the registry",
}


def family_names(family):
    """The names of a family: its key, its registry `names`, its emulator's image."""
    entry = FAMILIES[family]
    names = {family, *entry.get("names", [])}
    image = entry.get("emulator", {}).get("image")
    if image:
        repository = image.rsplit(":", 1)[0]
        names |= {repository, repository.rsplit("/", 1)[-1]}
    return names


def provider_names(provider):
    """A provider's names: its key and its family's names."""
    return {provider, *family_names(PROVIDERS[provider]["family"])}


def name_pattern(names):
    """Any of the names as a whole word, in any case (the longest first)."""
    words = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{words})(?![a-z0-9])", re.IGNORECASE)


# The files of the template that generated projects are made from.
TEMPLATE_SIDE = ("{{cookiecutter.project_slug}}/", "templates/common/", "hooks/")


def in_places(path, family):
    """Whether a path (relative, with /) is in the family's places or may name every
    provider."""
    return (
        path in EVERY_PROVIDER
        or ("in_every_project" in FAMILIES[family] and path.startswith(TEMPLATE_SIDE))
        or path.startswith((f"templates/providers/{family}/", f"templates/locks/{family}-"))
        or path == f"tests/families/{family}.py"
        or path.startswith(f"tests/families/{family}/")
    )


def other_senses():
    """The registry's phrases in which a name means something else, as one pattern
    (in any case)."""
    phrases = [phrase for entry in FAMILIES.values() for phrase in entry.get("other_senses", [])]
    return re.compile("|".join(map(re.escape, phrases)) or "(?!)", re.IGNORECASE)


def listed_files(root):
    """The files git tracks in root, and the new ones it would track."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({name for name in listed.split("\0") if name and (root / name).is_file()})


@cache
def text_lines(path):
    """A text file's lines (a binary file has none)."""
    if is_binary(str(path)):
        return ()
    return tuple(path.read_text(errors="replace").splitlines())


def misplaced(root, provider):
    """Every "path:line: name" where one of the provider's names appears outside its
    places, under root."""
    family = PROVIDERS[provider]["family"]
    pattern, senses = name_pattern(provider_names(provider)), other_senses()
    found = []
    for path in listed_files(root):
        if in_places(path, family):
            continue
        for number, line in enumerate(text_lines(root / path), start=1):
            names = sorted({match.group() for match in pattern.finditer(senses.sub(" ", line))})
            if names:
                found.append(f"{path}:{number}: {', '.join(names)}")
    return found


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_a_providers_names_appear_only_in_its_places(provider):
    found = misplaced(TEMPLATE_DIR, provider)

    if found:
        family = PROVIDERS[provider]["family"]
        pytest.fail(
            f"{len(found)} lines name provider {provider} (family {family}) outside its "
            f"places (registry entry, templates/providers/{family}/, "
            f"templates/locks/{family}-*, tests/families/{family}):\n" + "\n".join(found),
            pytrace=False,
        )


# The check itself ---------------------------------------------------------------------


def planted(tmp_path, files):
    """A git repository in tmp_path holding files (relative path -> text)."""
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    return tmp_path


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_the_check_names_each_line_that_names_a_provider_outside_its_places(tmp_path, provider):
    family = PROVIDERS[provider]["family"]
    name = provider
    shared = f"# A shared test, {name.upper()}_URL in hand\nnothing here\n"
    root = planted(
        tmp_path,
        {
            "tests/test_shared.py": shared,
            "tests/test_other.py": f"in{family}side, {family}9 and 9{family} are other words\n",
            f"templates/providers/{family}/README.md": f"All about {name}.\n",
            f"templates/locks/{family}-whitenoise/requirements.txt": f"{name}==1\n",
            f"tests/families/{family}/__init__.py": f"NAME = {name!r}\n",
            "README.md": f"| {name} | every provider |\n",
        },
    )
    # A new file that git does not track yet is searched too.
    (root / "bench").mkdir()
    (root / "bench" / "new.py").write_text(f"print('{name}')\n")

    found = misplaced(root, provider)

    assert found == [f"bench/new.py:1: {name}", f"tests/test_shared.py:1: {name.upper()}"]


def test_a_name_in_another_sense_is_not_one():
    """A registry phrase in which a name means something else is left out; the same
    name beside it is still found."""
    for family, entry in FAMILIES.items():
        for phrase in entry.get("other_senses", []):
            pattern = name_pattern(family_names(family))
            assert pattern.search(phrase), f"{phrase!r} holds none of {family}'s names"
            line = other_senses().sub(" ", f"{phrase.upper()} and {family}")
            assert [match.group() for match in pattern.finditer(line)] == [family]


def test_every_family_has_a_test_place_and_names_of_its_own():
    for family in FAMILIES:
        module = TEMPLATE_DIR / "tests" / "families" / f"{family}.py"
        package = TEMPLATE_DIR / "tests" / "families" / family / "__init__.py"
        assert module.is_file() or package.is_file(), family
    for family in FAMILIES:
        others = set().union(*(family_names(other) for other in FAMILIES if other != family))
        assert not {name.lower() for name in family_names(family)} & {
            name.lower() for name in others
        }, family
