"""Bake every answer of every option and check the output as files."""

import ast
import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from binaryornot.check import is_binary
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.families import MAIN_VARIANTS, adapter_for
from tests.helpers import (
    CONTEXT,
    PROJECT_PYTHON,
    PUBLIC_KEYS,
    TEMPLATE_DIR,
    bake,
    choices,
    combination_id,
    combinations,
    default_answers,
    load_hook,
    project_files,
    valid,
)

post_gen = load_hook("post_gen_project")

COMBINATIONS = combinations()
# Every refused combination of the registry whose provider is not the default one:
# (provider, option, refused answer, the registry's refusal).
REFUSALS = [
    (provider, option, answer, refusal)
    for provider, entry in CONTEXT["_providers"].items()
    if provider != CONTEXT["storage_provider"][0]
    for option, by_answer in entry["refuses"].items()
    for answer, refusal in by_answer.items()
]
JINJA_LEFTOVER = re.compile(rb"\{\{|\{%|\{#")
DJANGO_TEMPLATE_LEFTOVER = re.compile(rb"cookiecutter|\{%-? *(end)?raw")


@pytest.fixture(scope="module", params=COMBINATIONS, ids=combination_id)
def baked(request, cookies_session):
    return request.param, bake(cookies_session, **request.param)


def test_no_template_syntax_is_left(baked):
    _, root = baked
    leftovers = []
    for name, data in project_files(root).items():
        if name.endswith(".html"):
            # Django templates use the same delimiters: only cookiecutter's own may not remain.
            if DJANGO_TEMPLATE_LEFTOVER.search(data):
                leftovers.append(name)
        elif JINJA_LEFTOVER.search(data):
            leftovers.append(name)
    assert leftovers == []


def test_files_follow_the_pruning_table(baked):
    answers, root = baked
    full_answers = {**default_answers(), **answers}
    removed = set(post_gen.paths_to_remove(full_answers))
    for option, by_answer in post_gen.owned_paths(default_answers()).items():
        for answer, paths in by_answer.items():
            for path in paths:
                expected = path not in removed
                assert (root / path).exists() is expected, (option, answer, path)
                if full_answers[option] == answer:
                    assert expected, (option, answer, path)


def test_ruff_finds_nothing_to_fix(baked):
    _, root = baked
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "."],
            cwd=root,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_structured_files_parse(baked):
    _, root = baked
    for path in root.rglob("*"):
        if path.suffix == ".toml":
            tomllib.loads(path.read_text())
        elif path.suffix in {".yaml", ".yml"}:
            yaml.safe_load(path.read_text())
        elif path.suffix == ".json":
            json.loads(path.read_text())


def locked_versions(lock):
    """{name: version} of a compiled lock, after checking every pin carries hashes."""
    pins = {}
    for entry in re.split(r"\n(?=[^\s#])", lock.read_text()):
        if entry.startswith("#") or not entry.strip():
            continue
        match = re.match(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)", entry)
        assert match, f"{lock.name}: not an exact pin: {entry.splitlines()[0]}"
        assert "--hash=sha256:" in entry, f"{lock.name}: no hash for {match.group(1)}"
        pins[canonicalize_name(match.group(1))] = Version(match.group(2))
    return pins


def direct_requirements(source):
    """The requirements a requirements*.in names itself (not its -r/-c references)."""
    lines = (line.split("#")[0].strip() for line in source.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def test_locks_pin_every_requirement_within_its_range(baked):
    """requirements.txt locks requirements.in, and requirements-dev.txt locks both .in
    files at the same versions, every pin with its hashes (pip's hash-checking mode)."""
    _, root = baked
    runtime = locked_versions(root / "requirements.txt")
    dev = locked_versions(root / "requirements-dev.txt")
    for lock, sources in (
        (runtime, ["requirements.in"]),
        (dev, ["requirements.in", "requirements-dev.in"]),
    ):
        for requirement in (r for source in sources for r in direct_requirements(root / source)):
            version = lock.get(canonicalize_name(requirement.name))
            assert version is not None, f"{requirement.name} is not locked"
            assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
    assert {name: dev[name] for name in runtime} == runtime


@pytest.mark.slow
def test_locks_are_what_their_requirements_compile_to():
    """scripts/lock recompiles every lock (keeping its versions) and finds nothing to change."""
    result = subprocess.run(
        [sys.executable, TEMPLATE_DIR / "scripts" / "lock", "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# Names that only the files of one storage family may contain (docs and comments too):
# each family's adapter states its own.
PROVIDER_TRACES = {adapter.family: adapter.traces for adapter in MAIN_VARIANTS if adapter.traces}


def test_no_trace_of_the_providers_not_chosen(baked):
    answers, root = baked
    family = CONTEXT["_providers"][answers["storage_provider"]]["family"]
    traces = [
        (name, other, trace.search(data).group().decode())
        for other, trace in PROVIDER_TRACES.items()
        if other != family
        for name, data in project_files(root).items()
        if trace.search(data)
    ]
    assert traces == []


# What only the streaming of large uploads may name (docs and comments too): the
# bakes of the families that own mediafiles/streaming.py. The word "stream" alone is
# everyone's: copy_media's open_stream(), logging.StreamHandler,
# "application/octet-stream".
STREAMING_TRACES = re.compile(
    rb"(?i)streaming\.py|StreamingUploadsAdmin|stream_part_size|start_multipart|StreamedFile"
    rb"|while (?:the request(?: body)?|the body|they|it) (?:arrives?|arrived)\b"
)
STREAMING_FILES = ("mediafiles/streaming.py", "tests/test_streaming.py")


def uses_streaming_admin(source):
    """Whether an admin module imports StreamingUploadsAdmin from .streaming and uses it."""
    tree = ast.parse(source)
    imported = any(
        isinstance(node, ast.ImportFrom)
        and node.level == 1
        and node.module == "streaming"
        and "StreamingUploadsAdmin" in {alias.name for alias in node.names}
        for node in ast.walk(tree)
    )
    used = any(
        isinstance(node, ast.Name)
        and node.id == "StreamingUploadsAdmin"
        and isinstance(node.ctx, ast.Load)
        for node in ast.walk(tree)
    )
    return imported and used


def test_streaming_only_where_it_streams(baked):
    """A bake of a family that owns mediafiles/streaming.py and tests/test_streaming.py
    (its registry paths) holds both, and its admin puts StreamingUploadsAdmin on every
    ModelAdmin; any other bake holds neither file, and none of its text files (.env
    included) names the streaming machinery or says that uploads reach the storage
    while they arrive."""
    answers, root = baked
    family = CONTEXT["_providers"][answers["storage_provider"]]["family"]
    present = [path for path in STREAMING_FILES if (root / path).exists()]
    if set(STREAMING_FILES) <= set(CONTEXT["_families"][family]["paths"]):
        assert present == list(STREAMING_FILES)
        assert uses_streaming_admin((root / "mediafiles" / "admin.py").read_text())
        return
    assert present == []
    traces = [
        (path.relative_to(root).as_posix(), match.group().decode())
        for path in sorted(root.rglob("*"))
        if path.is_file() and not is_binary(str(path))
        for match in STREAMING_TRACES.finditer(path.read_bytes())
    ]
    assert traces == []


def test_backends_module_has_static_storage_only_where_used(baked):
    answers, root = baked
    backends = root / "mediafiles" / "backends.py"
    adapter = adapter_for(answers["storage_provider"])
    if adapter.on_local_disk:
        # Local disk's storage is every project's (mediafiles/local.py).
        assert not backends.exists()
        assert (root / "mediafiles" / "local.py").exists()
        return
    source = backends.read_text()
    assert re.search(rf"^class {adapter.media_storage_class}\(", source, re.MULTILINE)
    has_static = re.search(r"^class StaticStorage\(", source, re.MULTILINE) is not None
    assert has_static is (answers["static_storage"] == "bucket")


def test_local_env_has_a_fresh_secret_key_and_debug(baked):
    _, root = baked
    env_file = root / ".env"
    values = dict(
        line.split("=", 1)
        for line in env_file.read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert values["DEBUG"] == "True"
    assert len(values["SECRET_KEY"]) >= 50
    assert not values["SECRET_KEY"].startswith("$")
    assert env_file.stat().st_mode & 0o077 == 0
    assert ".env" in (root / ".gitignore").read_text().splitlines()


def test_every_variable_the_settings_read_is_in_env_example(baked):
    _, root = baked
    read = set(
        re.findall(
            r'env(?:_list|_str|\.\w+)\(\s*"([A-Z_]+)"', (root / "config/settings.py").read_text()
        )
    )
    example = (root / ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    # ENV_FILE picks the file itself, so it is described in a comment rather than set.
    assert read - documented == {"ENV_FILE"}
    assert "ENV_FILE" in example
    assert documented <= read
    readme = (root / "README.md").read_text()
    assert [name for name in sorted(read) if f"`{name}`" not in readme] == []


def test_two_bakes_get_different_secret_keys(cookies):
    first = bake(cookies, project_slug="first")
    second = bake(cookies, project_slug="second")
    assert (first / ".env").read_text() != (second / ".env").read_text()


FREE_TEXT = {
    "project_name": "Harbour Records",
    "project_slug": "harbour_records",
    "description": "Sea charts and port logs.",
    "author_name": "Ada Harbour",
    "email": "ada@harbour.example",
    "domain_name": "harbour.example",
}


def alternative_answers():
    """(option, answer) for every answer that is not the default."""
    defaults = default_answers()
    for key in PUBLIC_KEYS:
        if key in FREE_TEXT:
            yield key, FREE_TEXT[key]
        else:
            yield from ((key, value) for value in choices(key) if value != defaults[key])


def test_every_public_option_is_covered_here():
    assert {key for key, _ in alternative_answers()} == set(PUBLIC_KEYS)


def base_for(key, value):
    """Answers under which both the default and this answer of `key` are valid."""
    for provider in choices("storage_provider"):
        base = {"storage_provider": provider} if key != "storage_provider" else {}
        if valid(base) and valid({**base, key: value}):
            return base
    raise AssertionError(f"{key}={value!r} is refused with every provider")


@pytest.mark.parametrize(("key", "value"), list(alternative_answers()))
def test_every_answer_changes_the_output(cookies, key, value):
    base = base_for(key, value)
    default = project_files(bake(cookies, **base))
    changed = project_files(bake(cookies, **base, **{key: value}))
    assert changed != default
    if key in FREE_TEXT:
        assert any(value.encode() in data for data in changed.values()), f"{key} not used"


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_slug": "django"}, "project_slug 'django' would shadow"),
        ({"project_slug": "my-project"}, "project_slug 'my-project' is not a lowercase"),
        ({"project_slug": "import"}, "project_slug 'import' is a Python keyword"),
        ({"email": "nobody"}, "email 'nobody' is not an email address"),
        ({"domain_name": "https://example.com"}, "domain_name 'https://example.com'"),
        *(
            (
                {"storage_provider": provider, option: answer},
                f"{option} '{answer}' does not work with storage_provider '{provider}'",
            )
            for provider, option, answer, _ in REFUSALS
        ),
    ],
)
def test_bad_answer_stops_generation_and_leaves_nothing(tmp_path, capfd, answers, message):
    with pytest.raises(FailedHookException):
        cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=answers, output_dir=tmp_path)

    assert message in capfd.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_printed_command_generates_with_the_other_answers_kept(tmp_path, capfd):
    provider, option, answer, refusal = REFUSALS[0]
    answers = {"project_name": "Photo Box", "storage_provider": provider}
    with pytest.raises(FailedHookException):
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context={**answers, option: answer, "use_docker": False},
            output_dir=tmp_path / "refused",
        )
    err = capfd.readouterr().err
    command = shlex.split(err.split("run again:\n", 1)[1].splitlines()[0])

    assert command[0] == "cookiecutter" and f"{option}={refusal['instead']}" in command
    executable = Path(sys.executable).parent / "cookiecutter"
    result = subprocess.run(
        [executable, *command[1:], "-o", tmp_path / "again"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    root = tmp_path / "again" / "photo_box"
    assert "Photo Box" in (root / "README.md").read_text()
    assert not (root / "compose.yaml").exists()
    scheme = adapter_for(provider).scheme
    assert f"MEDIA_STORAGE_URL={scheme}://" in (root / ".env.example").read_text()


def test_unknown_choice_is_refused_by_cookiecutter(cookies):
    result = cookies.bake(extra_context={"storage_provider": "floppy-disk"})

    assert result.exit_code != 0
    assert "floppy-disk" in str(result.exception)


def test_quotes_in_answers_cannot_break_the_generated_code(cookies):
    tricky = 'O\'Brien "Ops" """ \\ {}'
    root = bake(cookies, project_name=tricky, description=tricky, author_name=tricky)

    assert tomllib.loads((root / "pyproject.toml").read_text())["project"]["description"] == tricky
    assert json.loads((root / "app.json").read_text())["name"] == tricky
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=root, capture_output=True
    )
    assert result.returncode == 0, result.stdout


# provider -> the start of the commented storage URL line of its bake's local .env
# (each family's adapter gives its providers').
LOCAL_ENV_LINES = [
    (provider, line)
    for adapter in MAIN_VARIANTS
    for provider, line in type(adapter).local_env_lines.items()
]


@pytest.mark.parametrize(("provider", "emulator"), LOCAL_ENV_LINES)
def test_local_env_keeps_media_on_local_disk_with_the_emulator_a_line_away(
    cookies, provider, emulator
):
    env = (bake(cookies, storage_provider=provider) / ".env").read_text()

    assert env.startswith("# Local development settings") and "DEBUG=True\n" in env
    assert "\nMEDIA_STORAGE_URL=file:media\n" in env
    commented = re.findall(r"^#(?:MEDIA_STORAGE_URL=)?(.*://.*)$", env, re.MULTILINE)
    if emulator is None:
        assert commented == []
        return
    credentials = adapter_for(provider).local_env_credentials(env)
    key, secret = credentials["key"], credentials["secret"]
    assert len(commented) == 1
    assert commented[0].startswith(emulator.format(key=key, secret=secret))
    if key:
        assert key != secret and len(secret) > 40


JINJA_BLOCK = re.compile(r"{%-?\s*(if|for|endif|endfor)\b")
# Django templates kept verbatim between raw tags are not cookiecutter's.
JINJA_RAW = re.compile(r"{%-?\s*raw\s*-?%}.*?{%-?\s*endraw\s*-?%}", re.DOTALL)
# Cookiecutter copies binary files (the icon) as they are, without rendering them.
TEMPLATE_SOURCES = [
    path
    for folder in (TEMPLATE_DIR / "{{cookiecutter.project_slug}}", TEMPLATE_DIR / "templates")
    for path in sorted(folder.rglob("*"))
    if path.is_file() and not is_binary(str(path))
]


def nesting_depth(text):
    depth = deepest = 0
    for match in JINJA_BLOCK.finditer(JINJA_RAW.sub("", text)):
        depth += 1 if match.group(1) in ("if", "for") else -1
        deepest = max(deepest, depth)
    assert depth == 0
    return deepest


@pytest.mark.parametrize(
    "path", TEMPLATE_SOURCES, ids=lambda p: p.relative_to(TEMPLATE_DIR).as_posix()
)
def test_template_sources_nest_conditionals_at_most_two_deep(path):
    assert nesting_depth(path.read_text()) <= 2


def test_the_settings_template_reads_like_python():
    settings = (
        TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / "config" / "settings.py"
    ).read_text()
    tag_lines = [line for line in settings.splitlines() if "{%" in line]
    assert len(tag_lines) <= 16, tag_lines


def test_the_projects_run_on_the_python_the_tests_install(cookies):
    """.python-version (Heroku) and the Dockerfile name the Python that project_venv uses."""
    root = bake(cookies, **default_answers())
    assert (root / ".python-version").read_text().strip() == PROJECT_PYTHON
    assert f"FROM python:{PROJECT_PYTHON}-slim\n" in (root / "Dockerfile").read_text()
