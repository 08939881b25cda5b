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
    "static_storage": {
        "whitenoise": ["tests/test_static.py"],
    },
    "storage_provider": {
        "filesystem": ["uploads/checks.py", "tests/test_local_media.py"],
        "aws-s3": ["uploads/management", "tests/test_storage_live.py"],
        "digitalocean-spaces": ["uploads/management", "tests/test_storage_live.py"],
        "s3-compatible": ["uploads/management", "tests/test_storage_live.py"],
        "gcs": ["uploads/management", "tests/test_storage_gcs.py", "tests/test_storage_live.py"],
        "azure": [
            "uploads/management",
            "tests/test_storage_azure.py",
            "tests/test_storage_live.py",
        ],
        "cloudinary": ["tests/test_cloudinary_storage.py", "tests/test_cloudinary_live.py"],
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


S3_PROVIDERS = ("aws-s3", "digitalocean-spaces", "s3-compatible")

# Azurite's well-known development account (published in Microsoft's documentation).
AZURITE_CONNECTION_STRING = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/"
    "KBHBeksoGMGw==;BlobEndpoint=http://localhost:10000/devstoreaccount1;"
)


def local_env(answers):
    """Lines of the local .env: debug on, a fresh secret key, the local emulator."""
    lines = [
        "# Local development settings, read by config/settings.py. Not committed.",
        "# Every variable is described in .env.example.",
        "DEBUG=True",
        f"SECRET_KEY={new_secret_key()}",
    ]
    provider = answers["storage_provider"]
    separate_static = answers["static_storage"] == "bucket" and answers["media_access"] == "private"
    if provider in S3_PROVIDERS:
        bucket = answers["project_slug"].replace("_", "-") + "-media"
        lines += [
            "# The S3 emulator of compose.yaml (docker compose up -d s3); the same",
            "# credentials configure it. Put your real bucket's values here to use it instead.",
            f"AWS_STORAGE_BUCKET_NAME={bucket}",
            "AWS_S3_ENDPOINT_URL=http://localhost:8333",
            "AWS_S3_REGION_NAME=us-east-1",
        ]
        if provider != "aws-s3":
            lines.append("AWS_S3_ADDRESSING_STYLE=path")
        lines += [
            f"AWS_ACCESS_KEY_ID=local-{secrets.token_hex(8)}",
            f"AWS_SECRET_ACCESS_KEY={secrets.token_urlsafe(30)}",
        ]
    elif provider == "gcs":
        lines += [
            "# fake-gcs-server on localhost:4443 (see README.md), buckets made by",
            "# 'python manage.py ensure_storage'. Put your real bucket's values here to use it.",
            "STORAGE_EMULATOR_HOST=http://localhost:4443",
            "GS_BUCKET_NAME=media",
        ]
        if separate_static:
            lines.append("GS_STATIC_BUCKET_NAME=static")
        if answers["media_access"] == "private":
            lines.append("GS_QUERYSTRING_AUTH=False")
    elif provider == "azure":
        lines += [
            "# Azurite on localhost:10000 (see README.md), containers made by",
            "# 'python manage.py ensure_storage'. Put your real account's values here to use it.",
            "AZURE_ACCOUNT_NAME=devstoreaccount1",
            "AZURE_CONTAINER=media",
        ]
        if separate_static:
            lines.append("AZURE_STATIC_CONTAINER=static")
        # Quoted: a shell can source the file too (the ";" would end the line there).
        lines.append(f'AZURE_CONNECTION_STRING="{AZURITE_CONNECTION_STRING}"')
    return "\n".join(lines) + "\n"


def write_local_env(root, answers):
    """A git-ignored .env for local development, readable by its owner only."""
    env_file = root / ".env"
    env_file.write_text(local_env(answers), encoding="utf-8")
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
    if answers["storage_provider"] == "cloudinary":
        migrate = lines.index("  python manage.py migrate")
        lines.insert(migrate, "  # first put your CLOUDINARY_URL in .env (README.md, 'Cloudinary')")
    if answers["use_docker"]:
        lines += ["With Docker: docker compose up --build"]
    if answers["use_heroku"]:
        lines += ["On Heroku: see 'Deploy to Heroku' in README.md"]
    return "\n".join(lines)


def main():
    answers = json.loads(r"""{{ cookiecutter | tojson }}""")
    root = Path.cwd()
    prune(root, answers)
    write_local_env(root, answers)
    print(next_steps(answers))


if __name__ == "__main__":
    main()
