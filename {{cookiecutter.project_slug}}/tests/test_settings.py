"""The settings module, imported in a fresh process with a controlled environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'DEBUG': settings.DEBUG, 'ALLOWED_HOSTS': settings.ALLOWED_HOSTS}))"
)
PRODUCTION = {
    "SECRET_KEY": "a-production-secret-key-that-is-only-used-by-this-test-0123456789",
    "ALLOWED_HOSTS": "example.com",
{%- include "providers/" ~ cookiecutter.__family ~ "/production_env.py" ignore missing %}
}

# What the storage needs, without the variables only production requires.
STORAGE_VARIABLES = {
    name: value for name, value in PRODUCTION.items() if name not in ("SECRET_KEY", "ALLOWED_HOSTS")
}


def load_settings(code=PRINT_SETTINGS, **variables):
    """Run code after importing config.settings with only these variables set (and no .env)."""
    env = {"PATH": os.environ["PATH"], "ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env={**env, **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION))
def test_production_stops_naming_a_missing_variable(missing):
    variables = {name: value for name, value in PRODUCTION.items() if name != missing}

    result = load_settings(**variables)

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


@pytest.mark.parametrize("empty", sorted(PRODUCTION))
def test_production_stops_naming_a_variable_set_but_empty(empty):
    result = load_settings(**{**PRODUCTION, empty: " "})

    assert result.returncode != 0
    assert f"Set the {empty} environment variable (it is empty)" in result.stderr


def test_production_starts_with_its_variables():
    result = load_settings(**PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"DEBUG": False, "ALLOWED_HOSTS": ["example.com"]}


def test_debug_needs_no_secret_key_or_hosts():
    result = load_settings(DEBUG="True", **STORAGE_VARIABLES)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["DEBUG"] is True


def test_list_variables_lose_their_blanks():
    result = load_settings(**{**PRODUCTION, "ALLOWED_HOSTS": " example.com, www.example.com ,"})

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ALLOWED_HOSTS"] == ["example.com", "www.example.com"]


def test_env_file_is_read_and_real_variables_win(tmp_path):
    env_file = tmp_path / "production.env"
    env_file.write_text(
        "SECRET_KEY=from-the-file-0123456789-0123456789-0123456789-0123456789\n"
        "ALLOWED_HOSTS=file.example.com  # inline comments are dropped\n"
        "DEBUG=True\n"
    )

    result = load_settings(ENV_FILE=str(env_file), DEBUG="False", **STORAGE_VARIABLES)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"DEBUG": False, "ALLOWED_HOSTS": ["file.example.com"]}
{%- include "providers/" ~ cookiecutter.__family ~ "/settings_tests.py" ignore missing %}
