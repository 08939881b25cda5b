"""The settings module, under a controlled environment.

config/settings.py reads the environment when it is imported. Most tests run it
again in this process (runpy) with only the variables they give and no .env file,
which is what a process started with those variables sees; two start a real process:
one that sets Django up in production, one that stops.
"""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
{% include "providers/" ~ cookiecutter.__family ~ "/settings_tests-imports.py" ignore missing %}
PROJECT_DIR = Path(__file__).resolve().parent.parent
SETTINGS = PROJECT_DIR / "config" / "settings.py"
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


def load_settings(**variables):
    """config/settings.py run with only these variables set (and no .env): its settings."""
    with mock.patch.dict(os.environ, {"ENV_FILE": "", **variables}, clear=True):
        namespace = runpy.run_path(str(SETTINGS))
    return {name: value for name, value in namespace.items() if name.isupper()}


def refused(**variables):
    """The message with which settings.py refuses these variables."""
    with pytest.raises(ImproperlyConfigured) as error:
        load_settings(**variables)
    return str(error.value)


def start(code=PRINT_SETTINGS, **variables):
    """Run code in a new process with config.settings and only these variables (no .env)."""
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

    assert refused(**variables) == f"Set the {missing} environment variable (it is missing)."


@pytest.mark.parametrize("empty", sorted(PRODUCTION))
def test_production_stops_naming_a_variable_set_but_empty(empty):
    message = refused(**{**PRODUCTION, empty: " "})

    assert message == f"Set the {empty} environment variable (it is empty)."


def test_a_process_without_a_variable_stops_naming_it():
    variables = {name: value for name, value in PRODUCTION.items() if name != "SECRET_KEY"}

    result = start(**variables)

    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable (it is missing)." in result.stderr


def test_production_starts_with_its_variables():
    result = start(**PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"DEBUG": False, "ALLOWED_HOSTS": ["example.com"]}


def test_debug_needs_no_secret_key_or_hosts():
    settings = load_settings(DEBUG="True", **STORAGE_VARIABLES)

    assert settings["DEBUG"] is True
    assert settings["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


def test_list_variables_lose_their_blanks():
    settings = load_settings(**{**PRODUCTION, "ALLOWED_HOSTS": " example.com, www.example.com ,"})

    assert settings["ALLOWED_HOSTS"] == ["example.com", "www.example.com"]


def test_env_file_is_read_and_real_variables_win(tmp_path):
    env_file = tmp_path / "production.env"
    env_file.write_text(
        "SECRET_KEY=from-the-file-0123456789-0123456789-0123456789-0123456789\n"
        "ALLOWED_HOSTS=file.example.com  # inline comments are dropped\n"
        "DEBUG=True\n"
    )

    settings = load_settings(ENV_FILE=str(env_file), DEBUG="False", **STORAGE_VARIABLES)

    assert (settings["DEBUG"], settings["ALLOWED_HOSTS"]) == (False, ["file.example.com"])
    assert settings["SECRET_KEY"].startswith("from-the-file-")
{%- include "providers/" ~ cookiecutter.__family ~ "/settings_tests.py" ignore missing %}
