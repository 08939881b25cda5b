"""The template's own source reads as what it generates.

- No line of a template `.py` file mixes a Jinja statement with code or text:
  what differs between answers is a whole line, statement or block of its own.
- (That no shared file names a provider is tests/test_layout.py's check.)
- In every bake, a module's constants, functions and classes are defined before
  any line that uses them: each module reads top-down.

Each check is a function of text, shown failing on a planted violation below.
"""

import ast
import re

import pytest
from binaryornot.check import is_binary

from tests.helpers import TEMPLATE_DIR, bake, combination_id, combinations

PROJECT_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
FRAGMENTS_DIR = TEMPLATE_DIR / "templates"
# Cookiecutter copies binary files (the icon) without rendering them.
TEMPLATE_FILES = sorted(
    path
    for folder in (PROJECT_DIR, FRAGMENTS_DIR, TEMPLATE_DIR / "hooks")
    for path in folder.rglob("*")
    if path.is_file() and not is_binary(str(path))
)


def relative(path):
    return path.relative_to(TEMPLATE_DIR).as_posix()


# --- A Jinja statement is a line of its own -----------------------------------------

# One statement ({% ... %}, with or without whitespace control) filling the line
# from column 0.
STATEMENT_LINE = re.compile(r"\{%-?[^%]*-?%\}")


def mixed_lines(text):
    """(line number, line) of each line that holds a Jinja statement beside anything else."""
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), 1)
        if "{%" in line and not STATEMENT_LINE.fullmatch(line)
    ]


def test_mixed_lines_are_found():
    source = (
        "import os\n"
        "{%- if cookiecutter.media_access == 'private' %}\n"
        "from . import access\n"
        "{%- endif %}\n"
        "from x import a, {% if cookiecutter.static_storage == 'bucket' %}b, {% endif %}c\n"
        '    """Docs{% if x %} and more{% endif %}."""\n'
        "  {% endif %}\n"
        "{% if x %}{% endif %}\n"
    )
    assert [number for number, _ in mixed_lines(source)] == [5, 6, 7, 8]


@pytest.mark.parametrize("path", [p for p in TEMPLATE_FILES if p.suffix == ".py"], ids=relative)
def test_no_python_template_line_mixes_a_statement_with_code(path):
    assert mixed_lines(path.read_text()) == []


# --- Definitions come before their use -------------------------------------------

ALL_CAPS = re.compile(r"[A-Z][A-Z0-9_]*")
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def module_definitions(tree):
    """{name: line of its first definition} for the module's constants (ALL_CAPS
    names assigned at module level, in its if/try/with blocks too) and its top-level
    functions and classes."""
    found = {}

    def visit(statements):
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.setdefault(node.name, node.lineno)
                continue
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets = [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and ALL_CAPS.fullmatch(name.id):
                        found.setdefault(name.id, node.lineno)
            for field in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    visit(block)

    visit(tree.body)
    return found


def local_names(scope):
    """Names a function (or lambda, or comprehension) binds itself: its parameters,
    what it assigns or imports, its own functions and classes; not what it declares
    global or nonlocal."""
    names, declared = set(), set()
    arguments = getattr(scope, "args", None)
    if arguments is not None:
        names |= {
            arg.arg
            for arg in (
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
                arguments.vararg,
                arguments.kwarg,
            )
            if arg is not None
        }
    if isinstance(scope, COMPREHENSIONS):
        stack = [generator.target for generator in scope.generators]
    elif isinstance(scope, ast.Lambda):
        stack = []
    else:
        stack = list(scope.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Lambda, *COMPREHENSIONS)):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared |= set(node.names)
        stack.extend(ast.iter_child_nodes(node))
    return names - declared


def used_before_defined(source):
    """(line, name, line of its definition) for each use of a module's constant,
    function or class on a line above the one that defines it."""
    tree = ast.parse(source)
    definitions = module_definitions(tree)
    found = []

    def visit(node, shadowed):
        if isinstance(node, (*SCOPES, *COMPREHENSIONS)):
            # Defaults and decorators belong to the enclosing scope.
            for outer in (
                *getattr(node, "decorator_list", ()),
                *(getattr(getattr(node, "args", None), "defaults", None) or ()),
                *(d for d in getattr(getattr(node, "args", None), "kw_defaults", ()) or () if d),
            ):
                visit(outer, shadowed)
            inner = shadowed | local_names(node)
            children = (
                [node.body]
                if isinstance(node, ast.Lambda)
                else [
                    *node.generators,
                    getattr(node, "elt", None),
                    getattr(node, "key", None),
                    getattr(node, "value", None),
                ]
                if isinstance(node, COMPREHENSIONS)
                else node.body
            )
            for child in children:
                if child is not None:
                    visit(child, inner)
            return
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id in definitions
            and node.id not in shadowed
            and node.lineno < definitions[node.id]
        ):
            found.append((node.lineno, node.id, definitions[node.id]))
        for child in ast.iter_child_nodes(node):
            visit(child, shadowed)

    visit(tree, frozenset())
    return sorted(set(found))


def test_uses_before_definitions_are_found():
    source = '''\
"""A module that reads bottom-up."""


def storage_from_url(url):
    if url.startswith(SCHEME):
        return cloud_options(url)
    return local_storage(url)


def local_storage(url, SCHEME="file"):
    return {"location": url.removeprefix(SCHEME)}


class Storage:
    def cloud_options(self, url):
        return url

    def save(self):
        return self.cloud_options(CHUNK_SIZE)


def cloud_options(url):
    local_storage = str
    return local_storage(url)


SCHEME = "ftp"
CHUNK_SIZE = 8 * 1024 * 1024
LATER = [SCHEME for local_storage in ()]
'''
    assert used_before_defined(source) == [
        (5, "SCHEME", 27),
        (6, "cloud_options", 22),
        (7, "local_storage", 10),
        (19, "CHUNK_SIZE", 28),
    ]


def test_definitions_in_order_pass():
    source = (
        "import os\n"
        "LIMIT = 3\n"
        "if os.environ.get('X'):\n"
        "    LIMIT = 4\n"
        "def helper():\n"
        "    return LIMIT\n"
        "def main():\n"
        "    return helper()\n"
    )
    assert used_before_defined(source) == []


COMBINATIONS = combinations()


@pytest.fixture(scope="module", params=COMBINATIONS, ids=combination_id)
def baked(request, cookies_session):
    return bake(cookies_session, **request.param)


def test_every_module_defines_before_it_uses(baked):
    found = {
        path.relative_to(baked).as_posix(): uses
        for path in sorted(baked.rglob("*.py"))
        if (uses := used_before_defined(path.read_text()))
    }
    assert found == {}
