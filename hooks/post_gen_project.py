"""Finish a generated project: prune what was not chosen, write a local .env.

Runs inside the new project directory, offline: no installs, no network, no git.
The pruning table is data that the template's tests read too.
"""

import json
import re
import secrets
import shutil
from pathlib import Path

# Paths (relative to the project root) that belong to one answer of one option.
# A path is kept when an answer that owns it was chosen, and removed otherwise.
# Each storage family's own paths are in its registry entry (cookiecutter.json).
DEPLOY_PATHS = {
    "use_heroku": {
        True: ["Procfile", "app.json", ".python-version"],
    },
    "use_docker": {
        True: ["Dockerfile", ".dockerignore", "compose.yaml"],
    },
    "static_storage": {
        "whitenoise": ["tests/test_static.py"],
    },
    "media_access": {
        "private": [
            "mediafiles/access.py",
            "templates/registration",
            "tests/test_private_media.py",
            "uploads/migrations/0004_upload_owner.py",
        ],
    },
}


def owned_paths(answers):
    """{option: {answer: [paths]}}: the deployment files and each provider's own
    (its family's, from the registry in cookiecutter.json)."""
    families = answers["_families"]
    by_provider = {
        name: families[entry["family"]]["paths"] for name, entry in answers["_providers"].items()
    }
    return {**DEPLOY_PATHS, "storage_provider": by_provider}


def paths_to_remove(answers):
    """Every owned path that no chosen answer owns."""
    kept, owned = set(), set()
    for option, by_answer in owned_paths(answers).items():
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


def fill_secrets(text):
    """Each __random__ marker becomes a fresh secret; each __random:NAME__ marker
    too, the same one wherever that NAME appears."""
    named = {}

    def secret(match):
        name = match.group(1)
        if name is None:
            return new_secret_key()
        return named.setdefault(name, new_secret_key())

    return re.sub(r"__random(?::(\w+))?__", secret, text)


def write_local_env(root):
    """Give the rendered .env fresh secrets in place of its __random__ markers; make it
    readable by its owner only."""
    env_file = root / ".env"
    text = fill_secrets(env_file.read_text(encoding="utf-8"))
    env_file.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
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
    if answers["storage_provider"] != "filesystem":
        lines += [
            "Uploads go to ./media until MEDIA_STORAGE_URL in .env points at the cloud "
            "(README.md, 'Where files live')."
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
