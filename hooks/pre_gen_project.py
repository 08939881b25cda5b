"""Reject bad answers before cookiecutter writes anything.

Cookiecutter renders this file with the answers, runs it inside the new project
directory and deletes that directory when it exits non-zero. The checks are plain
functions of the answers so that the template's tests can import and call them.
"""

import json
import keyword
import re
import shlex
import sys

# Names the generated project imports or creates: a project called one of these
# would shadow it as soon as the project directory is on sys.path. What each
# storage family imports besides is in its registry entry ("imports").
RESERVED_NAMES = frozenset(
    {
        "config",
        "django",
        "django_cleanup",
        "environ",
        "gunicorn",
        "manage",
        "mediafiles",
        "psycopg",
        "pytest",
        "static",
        "templates",
        "test",
        "tests",
        "uploads",
        "whitenoise",
    }
)

SLUG_RE = re.compile(r"[a-z_][a-z0-9_]*")
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
DOMAIN_RE = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def reserved_names(answers):
    """The names a project may not take: its own modules and those of every
    storage family's libraries (a project can move to another family later)."""
    return RESERVED_NAMES.union(*(family["imports"] for family in answers["_families"].values()))


def check_slug(slug, reserved=RESERVED_NAMES):
    if not SLUG_RE.fullmatch(slug):
        return (
            f"project_slug {slug!r} is not a lowercase Python identifier: use lowercase "
            "letters, digits and underscores, not starting with a digit (e.g. 'my_project')."
        )
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        return f"project_slug {slug!r} is a Python keyword: choose another name."
    if slug in reserved or slug in sys.stdlib_module_names:
        return (
            f"project_slug {slug!r} would shadow the module {slug!r} that the project "
            "imports: choose another name (e.g. 'my_project')."
        )
    return None


def check_email(email):
    if not EMAIL_RE.fullmatch(email):
        return (
            f"email {email!r} is not an email address: expected something like 'you@example.com'."
        )
    return None


def check_domain(domain):
    if not DOMAIN_RE.fullmatch(domain):
        return (
            f"domain_name {domain!r} is not a domain name: give the bare host, "
            "lowercase, without scheme, port or path (e.g. 'example.com')."
        )
    return None


def refused(answers):
    """{option: registry entry} for each answer the chosen provider cannot work with."""
    refuses = answers["_providers"][answers["storage_provider"]]["refuses"]
    return {
        option: by_answer[answers[option]]
        for option, by_answer in refuses.items()
        if answers[option] in by_answer
    }


def check_combination(answers):
    provider = answers["storage_provider"]
    return [
        f"{option} {answers[option]!r} does not work with storage_provider {provider!r}: "
        f"{entry['why']}."
        for option, entry in refused(answers).items()
    ]


def check_flags(answers):
    return [
        f"{flag} {answers[flag]!r} is not a yes/no answer: use true or false."
        for flag in ("use_heroku", "use_docker")
        if not isinstance(answers[flag], bool)
    ]


def regenerate_command(answers):
    """A command that generates the project again with every answer given, and each
    answer the provider refuses replaced by the one its registry entry suggests."""
    fixed = {**answers, **{option: e["instead"] for option, e in refused(answers).items()}}
    given = [
        f"{key}={shlex.quote(json.dumps(value) if isinstance(value, bool) else str(value))}"
        for key, value in fixed.items()
        if not key.startswith("_")
    ]
    return " ".join(["cookiecutter", shlex.quote(answers["_template"]), "--no-input", *given])


def validate(answers):
    """Return one message per bad answer (an empty list when all are good)."""
    errors = []
    if not answers["project_name"].strip():
        errors.append("project_name is empty: give the project a name.")
    errors += [
        message
        for message in (
            check_slug(answers["project_slug"], reserved_names(answers)),
            check_email(answers["email"]),
            check_domain(answers["domain_name"]),
        )
        if message
    ]
    errors += check_combination(answers)
    errors += check_flags(answers)
    return errors


def main():
    answers = json.loads(r"""{{ cookiecutter | tojson }}""")
    errors = validate(answers)
    for message in errors:
        print(f"ERROR: {message}", file=sys.stderr)
    if errors:
        print(
            "Nothing was generated. Your answers, with any combination the provider\n"
            "refuses replaced, as one command to correct and run again:\n"
            f"  {regenerate_command(answers)}",
            file=sys.stderr,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
