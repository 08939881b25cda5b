"""Finish a generated project: prune what was not chosen, write a local .env.

Runs inside the new project directory, offline: no installs, no network, no git.
The pruning table is data that the template's tests read too.
"""

import json
import secrets
import shutil
from pathlib import Path

# Paths (relative to the project root) that belong to one answer of one option.
# A path is kept when an answer that owns it was chosen, and removed otherwise.
OWNED_PATHS = {
    "use_heroku": {
        True: ["Procfile", "app.json", ".python-version"],
    },
    "use_docker": {
        True: ["Dockerfile", ".dockerignore", "compose.yaml"],
    },
    "storage_provider": {
        "filesystem": ["uploads/checks.py", "tests/test_local_media.py"],
    },
}


def paths_to_remove(answers):
    """Every owned path that no chosen answer owns."""
    kept, owned = set(), set()
    for option, by_answer in OWNED_PATHS.items():
        for answer, paths in by_answer.items():
            owned.update(paths)
            if answers[option] == answer:
                kept.update(paths)
    return sorted(owned - kept)


def prune(root, answers):
    for relative in paths_to_remove(answers):
        path = root / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def new_secret_key():
    # URL-safe alphabet: never starts with "$" (django-environ would read it as a
    # reference to another variable) and never needs quoting in a .env file.
    return secrets.token_urlsafe(50)


def write_local_env(root):
    """A git-ignored .env for local development: debug on, a fresh secret key."""
    env_file = root / ".env"
    env_file.write_text(
        "# Local development settings, read by config/settings.py. Not committed.\n"
        "# Every variable is described in .env.example.\n"
        "DEBUG=True\n"
        f"SECRET_KEY={new_secret_key()}\n",
        encoding="utf-8",
    )
    env_file.chmod(0o600)


def next_steps(answers):
    slug = answers["project_slug"]
    lines = [
        f"\n{answers['project_name']} is ready in ./{slug}",
        "",
        "Run it locally:",
        f"  cd {slug}",
        "  python3 -m venv .venv && . .venv/bin/activate",
        "  pip install -r requirements-dev.txt",
        "  python manage.py migrate",
        "  python manage.py createsuperuser",
        "  python manage.py runserver",
        "",
        "Run its tests: pytest",
    ]
    if answers["use_docker"]:
        lines += ["With Docker: docker compose up --build"]
    if answers["use_heroku"]:
        lines += ["On Heroku: see 'Deploy to Heroku' in README.md"]
    return "\n".join(lines)


def main():
    answers = json.loads(r"""{{ cookiecutter | tojson }}""")
    root = Path.cwd()
    prune(root, answers)
    write_local_env(root)
    print(next_steps(answers))


if __name__ == "__main__":
    main()
