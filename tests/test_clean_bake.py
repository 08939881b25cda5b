"""Every bake is clean: no dead code, no import of a module it lacks, and no docstring
or comment that cites a file, a setting or a management command it lacks.

Every valid combination is baked once (in parallel, into one directory), then each
bake is checked statically; nothing is installed. The checkers are plain functions,
each shown to fail on a planted violation by the unit tests at the end.

What counts as what:

- **Dead code**: a function, class, method or property that vulture finds no use
  of anywhere in the bake. Django, pytest and the libraries call some of them by
  name or by convention: those names are in FRAMEWORK_NAMES and
  FRAMEWORK_DECORATORS. Classes and functions that the bake names in dotted-path
  strings (INSTALLED_APPS, STORAGES, `mediafiles.backends.MediaStorage`...) and
  the methods a ModelAdmin names in `list_display` and its kin are used too.
- **Project-local import**: an `import` or `from ... import` (relative ones
  resolved against the importing file) whose first component is a top-level
  package or module of the generated project (`config`, `mediafiles`, `uploads`,
  `tests`, ...), and every dotted-path string that starts with one (outside a
  Django check's `id=`). It must resolve to a file of the bake; a name imported
  from it that is not a submodule must be bound at the top level of that module.
- **Citation**, in a docstring or any other string statement, or a `#` comment,
  of a `.py` file (and `call_command("x")` anywhere in the code):
  - a *file*: a word made of letters, digits and `_ . - /` (surrounding backticks
    and quotes, a leading `./`, trailing dots and `:` taken off) that names a file
    or folder of some bake: as a path from the project root, a path from the
    citing file's folder, or, for a bare file name, the one file of that name
    (`mediafiles/streaming.py`, `compose.yaml`, `Procfile`, `uploads/migrations/`).
    Words that name nothing in any bake (`uploads/2026/05/report.pdf`) are examples,
    not citations;
  - a *setting*: an ALL_CAPS word (two or more characters) that some bake's
    `config/settings.py` or `config/test_settings.py` assigns at the top level;
  - a *management command*: the word after `manage.py` (`python manage.py
    copy_media`), or the first argument of `call_command("...")`, that is one of
    some bake's own commands (`*/management/commands/<name>.py`).
  The cited thing must be in this bake.
"""

import ast
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import tokenize
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path, PurePosixPath

import pytest
import vulture

from tests.helpers import TEMPLATE_DIR, combination_id, valid

pytestmark = pytest.mark.xdist_group("clean_bake")

SLUG = "proj"

# Names that Django, pytest or a library calls by convention; vulture cannot see those calls.
FRAMEWORK_NAMES = [
    # AppConfig and the classes Django reads from a class body.
    "ready",
    "Meta",
    "Media",
    # Management commands: the module's Command, its arguments and its body.
    "Command",
    "add_arguments",
    "handle",
    # Middleware hooks.
    "process_exception",
    "process_request",
    "process_response",
    "process_view",
    # Upload handlers (django.core.files.uploadhandler).
    "handle_raw_input",
    "new_file",
    "receive_data_chunk",
    "file_complete",
    "upload_complete",
    "upload_interrupted",
    # Storage methods Django calls (django.core.files.storage.Storage and
    # staticfiles' storages).
    "_open",
    "_save",
    "get_available_name",
    "get_valid_name",
    "generate_filename",
    "exists",
    "delete",
    "listdir",
    "size",
    "url",
    "path",
    "post_process",
    # The file-object protocol, called by the storage clients a stream is given to.
    "read",
    "readable",
    "seek",
    "seekable",
    "tell",
    "close",
    "fileno",
    # Forms and model admin.
    "clean",
    "save_model",
    "get_form",
    "formfield_for_dbfield",
    # django-health-check's view (HealthCheckView) and checks.
    "get_executor",
    "run",
    # The static-file copier's strategy hooks (its second pass).
    "second_pass_strategy",
    # pytest's hooks.
    "pytest_*",
]
# Decorators that register what they decorate with a framework.
FRAMEWORK_DECORATORS = [
    "@register",  # django.core.checks.register
    "@receiver",  # django.dispatch.receiver
    "@admin.register",
    "@register.filter",
    "@register.simple_tag",
    "@register.inclusion_tag",
    "@pytest.fixture",
]
# ModelAdmin attributes that name methods (or fields) as strings.
ADMIN_NAME_LISTS = {
    "list_display",
    "list_display_links",
    "readonly_fields",
    "fields",
    "exclude",
    "list_filter",
    "search_fields",
    "ordering",
    "actions",
}
DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
WORD = re.compile(r"[\w./-]+")
ALL_CAPS = re.compile(r"(?<![\w.])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*(?![\w])")
COMMAND = re.compile(r"manage\.py\s+([a-z][a-z0-9_]*)|call_command\(\s*[\"']([a-z][a-z0-9_]*)[\"']")


def ordered(problems):
    """'path:line: ...' problems, without repeats, by path and line number."""

    def key(problem):
        path, line, rest = problem.split(":", 2)
        return path, int(line), rest

    return sorted(set(problems), key=key)


# The bakes -------------------------------------------------------------------------------


def every_combination():
    """Every valid combination of the options, with each pair of deploy targets."""
    spec = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    options = ("storage_provider", "static_storage", "media_access")
    found = []
    for provider, static, media in itertools.product(*(spec[key] for key in options)):
        answers = {"storage_provider": provider, "static_storage": static, "media_access": media}
        if not valid(answers):
            continue
        for heroku, docker in itertools.product((True, False), repeat=2):
            found.append({**answers, "use_heroku": heroku, "use_docker": docker})
    return found


def bake_into(job):
    """Bake one combination into its own folder (a worker process's job): its root."""
    from cookiecutter.main import cookiecutter

    answers, folder = job
    folder.mkdir(parents=True)
    cookiecutter(
        str(TEMPLATE_DIR),
        no_input=True,
        output_dir=str(folder),
        extra_context={**answers, "project_slug": SLUG},
    )
    return folder / SLUG


@pytest.fixture(scope="session")
def bakes(tmp_path_factory):
    """{combination id: project root} for every valid combination, baked once."""
    # No "test" in the folder's path: vulture takes any file under */test*.py for a test.
    base = tmp_path_factory.mktemp("bakes")
    combos = every_combination()
    jobs = [(answers, base / combination_id(answers)) for answers in combos]
    with ProcessPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        roots = list(pool.map(bake_into, jobs, chunksize=4))
    return {combination_id(answers): root for answers, root in zip(combos, roots, strict=True)}


# What a bake holds -------------------------------------------------------------------------


def project_paths(root):
    """Every file and folder of a bake, as POSIX paths from its root (folders end in /)."""
    found = set()
    for path in root.rglob("*"):
        if "__pycache__" in path.parts:
            continue
        relative = path.relative_to(root).as_posix()
        found.add(relative + "/" if path.is_dir() else relative)
    return found


@cache
def parsed(source):
    return ast.parse(source)


def python_sources(root):
    """{path from the root: source} of a bake's Python files."""
    return {
        path.relative_to(root).as_posix(): path.read_text()
        for path in sorted(root.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def top_level_names(tree):
    """The names a module binds at its top level (inside if/try/with blocks too), or
    None when it cannot tell (a star import, a module __getattr__)."""
    names = set()
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            if node.name == "__getattr__":
                return None
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name.partition(".")[0])
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                pending.extend(getattr(node, field, []))
            if isinstance(node, ast.For):
                names.update(n.id for n in ast.walk(node.target) if isinstance(n, ast.Name))
        elif isinstance(node, ast.ExceptHandler):
            pending.extend(node.body)
    return names


def settings_of(sources):
    """The settings a bake's config/settings.py and config/test_settings.py assign."""
    names = set()
    for path in ("config/settings.py", "config/test_settings.py"):
        if path in sources:
            names |= {
                name for name in top_level_names(parsed(sources[path])) or () if name.isupper()
            }
    return names


def commands_of(paths):
    """The bake's own management commands."""
    return {
        PurePosixPath(path).stem
        for path in paths
        if re.fullmatch(r"(.+/)?management/commands/[a-z]\w*\.py", path)
    }


# Dead code ---------------------------------------------------------------------------------


def names_used_in_strings(sources):
    """Names the bake uses through strings: the last part of each dotted path that
    starts with one of its packages (Django imports those), and the names a
    ModelAdmin lists (list_display, readonly_fields...)."""
    tops = {PurePosixPath(path).parts[0].removesuffix(".py") for path in sources}
    used = set()
    for source in sources.values():
        for node in ast.walk(parsed(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if DOTTED.fullmatch(node.value) and node.value.partition(".")[0] in tops:
                    used.add(node.value.rpartition(".")[2])
                # An app named by its package: Django uses the AppConfig of its apps.py.
                apps = node.value.replace(".", "/") + "/apps.py"
                if node.value.partition(".")[0] in tops and apps in sources:
                    used.update(
                        item.name
                        for item in parsed(sources[apps]).body
                        if isinstance(item, ast.ClassDef)
                    )
            elif isinstance(node, ast.Assign):
                targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
                if targets & ADMIN_NAME_LISTS and isinstance(node.value, (ast.List, ast.Tuple)):
                    used.update(
                        item.value
                        for item in node.value.elts
                        if isinstance(item, ast.Constant) and isinstance(item.value, str)
                    )
    return used


def dead_code(root):
    """'path:line: unused <kind> <name>' for each function, class, method or property
    that nothing in the bake uses."""
    sources = python_sources(root)
    finder = vulture.Vulture(
        ignore_names=FRAMEWORK_NAMES + sorted(names_used_in_strings(sources)),
        ignore_decorators=FRAMEWORK_DECORATORS,
    )
    finder.scavenge([str(root)])
    return ordered(
        f"{Path(item.filename).relative_to(root).as_posix()}:{item.first_lineno}: "
        f"unused {item.typ} {item.name}"
        for item in finder.get_unused_code()
        if item.typ in ("function", "class", "method", "property")
    )


# Imports -----------------------------------------------------------------------------------


class Universe:
    """What some bake has: every path, setting and command of all bakes together."""

    def __init__(self, bakes):
        """bakes: (paths, sources) of each bake."""
        self.paths = frozenset().union(*(paths for paths, _ in bakes))
        self.settings = frozenset().union(*(settings_of(sources) for _, sources in bakes))
        self.commands = frozenset().union(*(commands_of(paths) for paths, _ in bakes))
        # The top-level packages and modules (config, mediafiles, manage...).
        tops = (PurePosixPath(path).parts[0] for path in self.paths if path.endswith(".py"))
        self.tops = frozenset(
            top.removesuffix(".py") for top in tops if top.removesuffix(".py").isidentifier()
        )
        self.by_name = {}
        for path in self.paths:
            if not path.endswith("/"):
                self.by_name.setdefault(PurePosixPath(path).name, []).append(path)

    def is_module(self, dotted):
        """Whether some bake has this dotted module or package."""
        base = dotted.replace(".", "/")
        return f"{base}.py" in self.paths or f"{base}/" in self.paths


def module_file(module, paths):
    """The bake's file of a dotted module name, or None."""
    base = module.replace(".", "/")
    for candidate in (f"{base}.py", f"{base}/__init__.py"):
        if candidate in paths:
            return candidate
    return None


def dotted(parts):
    return ".".join(parts)


def package_of(path):
    """The dotted package a module file belongs to."""
    return ".".join(PurePosixPath(path).with_suffix("").parts[:-1])


@cache
def references(path, source, universe):
    """(line, module, [names]) of each project-local import of a module, and of each
    dotted-path string whose first two parts name a module of some bake."""
    tree = parsed(source)
    check_ids = {
        id(keyword.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "id"
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                package = package_of(path).split(".")
                package = package[: len(package) - node.level + 1]
                module = ".".join(part for part in [*package, module] if part)
            names = [alias.name for alias in node.names if alias.name != "*"]
            found.append((node.lineno, module, names))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in check_ids
            and DOTTED.fullmatch(node.value)
            and universe.is_module(".".join(node.value.split(".")[:2]))
        ):
            # A dotted path: its longest module prefix (in some bake), and the name after it.
            parts = node.value.split(".")
            cut = max(n for n in range(2, len(parts) + 1) if universe.is_module(dotted(parts[:n])))
            found.append((node.lineno, ".".join(parts[:cut]), parts[cut : cut + 1]))
    return [item for item in found if item[1].partition(".")[0] in universe.tops]


def missing_imports(sources, paths, universe):
    """'path:line: imports X, which this bake lacks' for each project-local import
    (or dotted-path string) that does not resolve to the bake's files."""
    problems = set()
    for path, source in sources.items():
        for line, module, names in references(path, source, universe):
            found = module_file(module, paths)
            if found is None:
                problems.add(f"{path}:{line}: imports {module}, which this bake lacks")
                continue
            bound = top_level_names(parsed(sources[found]))
            for name in names:
                if module_file(f"{module}.{name}", paths) or bound is None or name in bound:
                    continue
                problems.add(f"{path}:{line}: imports {module}.{name}, which this bake lacks")
    return ordered(problems)


# Citations ---------------------------------------------------------------------------------


def prose(source):
    """(line, text) of every string statement (docstrings) and # comment of a module."""
    found = [
        (node.lineno, node.value.value)
        for node in ast.walk(parsed(source))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found.append((token.start[0], token.string))
    return found


def code_commands(source):
    """(line, text) of each call_command(...) in the code, for the command check."""
    return [
        (node.lineno, ast.unparse(node))
        for node in ast.walk(parsed(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "call_command"
    ]


def cited_path(word, citing, universe):
    """The path of some bake that a word cites, or None."""
    word = word.strip("`'\"").removeprefix("./").rstrip(".:,")
    if not word.strip("./"):
        return None
    folder = PurePosixPath(citing).parent.as_posix()
    for candidate in (word, f"{folder}/{word}"):
        if candidate in universe.paths:
            return candidate
        if "/" in word and candidate.rstrip("/") + "/" in universe.paths:
            return candidate.rstrip("/") + "/"
    if "/" not in word:
        named = universe.by_name.get(word, [])
        if len(named) == 1:
            return named[0]
    return None


@cache
def citations(path, source, universe):
    """(line, kind, what) of each file, setting and command of some bake that the
    module's docstrings and comments cite (kind: "file", "setting" or "command")."""
    found = []
    for line, text in prose(source):
        for word in WORD.findall(text):
            cited = cited_path(word, path, universe)
            if cited is not None:
                found.append((line, "file", cited))
        found += [
            (line, "setting", name) for name in ALL_CAPS.findall(text) if name in universe.settings
        ]
    for line, text in prose(source) + code_commands(source):
        for match in COMMAND.finditer(text):
            name = match.group(1) or match.group(2)
            if name in universe.commands:
                found.append((line, "command", name))
    return found


def missing_citations(sources, paths, universe):
    """'path:line: cites X, which this bake lacks' for each file, setting or management
    command that a docstring or comment names, that some bake has and this one lacks."""
    has = {"file": paths, "setting": settings_of(sources), "command": commands_of(paths)}
    label = {"file": "", "setting": "setting ", "command": "manage.py "}
    return ordered(
        f"{path}:{line}: cites {label[kind]}{what}, which this bake lacks"
        for path, source in sources.items()
        for line, kind, what in citations(path, source, universe)
        if what not in has[kind]
    )


# The checks on every bake ------------------------------------------------------------------


@pytest.fixture(scope="session")
def inventory(bakes):
    """{combination id: (root, paths, sources)} of every bake, and their Universe."""
    found = {}
    for name, root in bakes.items():
        found[name] = (root, project_paths(root), python_sources(root))
    return found, Universe([(paths, sources) for _, paths, sources in found.values()])


def test_every_answer_of_every_option_is_baked(bakes):
    spec = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    combos = every_combination()
    for option in ("storage_provider", "static_storage", "media_access"):
        assert {answers[option] for answers in combos} == set(spec[option]), option
    assert len(combos) == 4 * sum(
        1 for answers in combos if answers["use_heroku"] and answers["use_docker"]
    )
    assert set(bakes) == {combination_id(answers) for answers in combos}


def test_no_bake_has_dead_code(inventory):
    found, _ = inventory
    # Bakes whose Python files are the same have the same dead code: vulture runs once.
    results, problems = {}, []
    for name, (root, _, sources) in sorted(found.items()):
        key = hashlib.sha256(repr(sorted(sources.items())).encode()).hexdigest()
        if key not in results:
            results[key] = dead_code(root)
        problems += [f"{name}: {problem}" for problem in results[key]]
    assert problems == [], "\n".join(problems)


def test_no_bake_imports_a_module_it_lacks(inventory):
    found, universe = inventory
    problems = [
        f"{name}: {problem}"
        for name, (_, paths, sources) in sorted(found.items())
        for problem in missing_imports(sources, paths, universe)
    ]
    assert problems == [], "\n".join(problems)


def test_no_bake_cites_what_it_lacks(inventory):
    found, universe = inventory
    problems = [
        f"{name}: {problem}"
        for name, (_, paths, sources) in sorted(found.items())
        for problem in missing_citations(sources, paths, universe)
    ]
    assert problems == [], "\n".join(problems)


# The checkers, each on a planted violation ----------------------------------------------


def in_memory(files):
    """(paths, sources) of a bake made of these {path: text} files."""
    paths = set(files)
    for path in files:
        paths.update(f"{parent.as_posix()}/" for parent in PurePosixPath(path).parents[:-1])
    sources = {path: text for path, text in files.items() if path.endswith(".py")}
    return paths, sources


def on_disk(root, files):
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


SETTINGS = "DEBUG = False\nSTORAGES = {}\n"
STREAMING_FILES = {
    "config/__init__.py": "",
    "config/settings.py": SETTINGS + "STATIC_MANIFEST_ROOT = 'x'\n",
    "compose.yaml": "services: {}\n",
    "mediafiles/__init__.py": "",
    "mediafiles/storage.py": "def unique_name():\n    pass\n",
    "mediafiles/streaming.py": "class StreamingUploads:\n    pass\n",
    "mediafiles/management/__init__.py": "",
    "mediafiles/management/commands/__init__.py": "",
    "mediafiles/management/commands/ensure_storage.py": "",
}
PLAIN_FILES = {
    path: text
    for path, text in {**STREAMING_FILES, "config/settings.py": SETTINGS}.items()
    if path not in ("compose.yaml", "mediafiles/streaming.py") and "ensure_storage" not in path
}
PLAIN = in_memory(PLAIN_FILES)
UNIVERSE = Universe([in_memory(STREAMING_FILES), PLAIN])


def test_the_universe_holds_what_any_bake_has():
    assert "mediafiles/streaming.py" in UNIVERSE.paths
    assert "mediafiles/management/" in UNIVERSE.paths
    assert UNIVERSE.settings == {"DEBUG", "STORAGES", "STATIC_MANIFEST_ROOT"}
    assert UNIVERSE.commands == {"ensure_storage"}
    assert UNIVERSE.tops == {"config", "mediafiles"}


def test_dead_code_is_a_function_class_or_method_nothing_uses(tmp_path):
    root = on_disk(
        tmp_path / "bake",
        {
            "config/__init__.py": "",
            "config/settings.py": "APPS = ['mediafiles', 'mediafiles.admin.SiteConfig']\n",
            "mediafiles/__init__.py": "",
            "mediafiles/apps.py": "class MediaFilesConfig:\n    def ready(self):\n        pass\n",
            "mediafiles/admin.py": (
                "from django.contrib import admin\n\n\n"
                "class SiteConfig:\n    pass\n\n\n"
                "@admin.register(None)\n"
                "class UploadAdmin:\n    list_display = ['preview']\n\n"
                "    def preview(self, row):\n        pass\n\n"
                "    def forgotten(self, row):\n        pass\n"
            ),
            "mediafiles/storage.py": (
                "from django.dispatch import receiver\n\n\n"
                "def used():\n    pass\n\n\n"
                "def nobody_calls_this():\n    pass\n\n\n"
                "class NobodyMakesThis:\n    pass\n\n\n"
                "@receiver(None)\ndef on_signal(sender, **kwargs):\n    pass\n\n\n"
                "used()\n"
            ),
            "mediafiles/management/commands/check_it.py": (
                "class Command:\n    def add_arguments(self, parser):\n        pass\n\n"
                "    def handle(self, *args, **options):\n        pass\n"
            ),
        },
    )

    assert dead_code(root) == [
        "mediafiles/admin.py:15: unused method forgotten",
        "mediafiles/storage.py:8: unused function nobody_calls_this",
        "mediafiles/storage.py:12: unused class NobodyMakesThis",
    ]


def test_dead_code_planted_in_a_real_bake_is_found(bakes, tmp_path):
    root = shutil.copytree(next(iter(bakes.values())), tmp_path / "bake")
    storage = root / "mediafiles" / "storage.py"
    storage.write_text(storage.read_text() + "\n\ndef nobody_calls_this():\n    pass\n")

    assert [problem for problem in dead_code(root) if "nobody_calls_this" in problem] == [
        f"mediafiles/storage.py:{len(storage.read_text().splitlines()) - 1}: "
        "unused function nobody_calls_this"
    ]


def test_an_import_of_a_module_the_bake_lacks_is_found():
    paths, sources = in_memory(
        {
            **PLAIN_FILES,
            "mediafiles/guarantees.py": (
                "import mediafiles.streaming\n"
                "from mediafiles.streaming import StreamingUploads\n"
                "from .streaming import StreamingUploads as Uploads\n"
                "from . import streaming\n"
                "from mediafiles.storage import unique_name, lost_name\n"
                "from mediafiles import storage\n"
                "from django.db import models\n"
                "BACKEND = 'mediafiles.streaming.StreamingUploads'\n"
                "OTHER = 'mediafiles.storage.unique_name'\n"
                "GONE = 'mediafiles.storage.Gone'\n"
                "UID = 'mediafiles.store_new_files'  # a signal's dispatch_uid, no module\n"
                "check(id='mediafiles.storage')\n"
            ),
        }
    )

    assert missing_imports(sources, paths, UNIVERSE) == [
        "mediafiles/guarantees.py:1: imports mediafiles.streaming, which this bake lacks",
        "mediafiles/guarantees.py:2: imports mediafiles.streaming, which this bake lacks",
        "mediafiles/guarantees.py:3: imports mediafiles.streaming, which this bake lacks",
        "mediafiles/guarantees.py:4: imports mediafiles.streaming, which this bake lacks",
        "mediafiles/guarantees.py:5: imports mediafiles.storage.lost_name, which this bake lacks",
        "mediafiles/guarantees.py:8: imports mediafiles.streaming, which this bake lacks",
        "mediafiles/guarantees.py:10: imports mediafiles.storage.Gone, which this bake lacks",
    ]


def test_citations_of_what_the_bake_lacks_are_found():
    paths, sources = in_memory(
        {
            **PLAIN_FILES,
            "mediafiles/guarantees.py": (
                '"""Files stored while they arrive (mediafiles/streaming.py) keep\n'
                "STATIC_MANIFEST_ROOT; `python manage.py ensure_storage` makes the bucket.\n"
                '"""\n\n'
                "# Started by compose.yaml; see storage.py and mediafiles/storage.py.\n"
                "# Names like uploads/2026/05/report.pdf, MAX_SIZE and DEBUG are fine.\n"
                'HELP = "strings that are no docstring may name compose.yaml"\n'
                "call_command('ensure_storage')\n"
            ),
        }
    )

    assert missing_citations(sources, paths, UNIVERSE) == [
        "mediafiles/guarantees.py:1: cites manage.py ensure_storage, which this bake lacks",
        "mediafiles/guarantees.py:1: cites mediafiles/streaming.py, which this bake lacks",
        "mediafiles/guarantees.py:1: cites setting STATIC_MANIFEST_ROOT, which this bake lacks",
        "mediafiles/guarantees.py:5: cites compose.yaml, which this bake lacks",
        "mediafiles/guarantees.py:8: cites manage.py ensure_storage, which this bake lacks",
    ]


def test_a_citation_planted_in_a_real_bake_is_found(inventory):
    """A docstring naming mediafiles/streaming.py in a bake of a family that does
    not stream uploads (and so lacks it)."""
    found, universe = inventory
    _, paths, sources = next(
        bake for bake in found.values() if "mediafiles/streaming.py" not in bake[1]
    )
    storage = sources["mediafiles/storage.py"]
    planted = {
        **sources,
        "mediafiles/storage.py": storage.replace(
            '"""', '"""Large uploads stream to the bucket (mediafiles/streaming.py).\n', 1
        ),
    }

    assert missing_citations(sources, paths, universe) == []
    assert missing_citations(planted, paths, universe) == [
        "mediafiles/storage.py:1: cites mediafiles/streaming.py, which this bake lacks"
    ]


def test_an_import_planted_in_a_real_bake_is_found(inventory):
    found, universe = inventory
    # A bake whose storage is local disk: it has no mediafiles/backends.py.
    _, paths, sources = next(
        bake for bake in found.values() if "mediafiles/backends.py" not in bake[1]
    )
    planted = {
        **sources,
        "mediafiles/admin.py": "from mediafiles.backends import MediaStorage\n"
        + sources["mediafiles/admin.py"],
    }

    assert missing_imports(sources, paths, universe) == []
    assert missing_imports(planted, paths, universe) == [
        "mediafiles/admin.py:1: imports mediafiles.backends, which this bake lacks"
    ]
