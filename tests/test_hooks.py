"""Unit tests of the hooks' logic, imported straight from hooks/."""

import pytest

from tests.helpers import CONTEXT, default_answers, load_hook

pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")

PROVIDERS, FAMILIES = CONTEXT["_providers"], CONTEXT["_families"]
DEFAULT_PROVIDER = CONTEXT["storage_provider"][0]
# The providers that refuse no answer and whose family keeps offline storage tests
# (tests/test_storage.py among its registry paths): each is checked with every answer.
CLOUD_PROVIDERS = [
    provider
    for provider, entry in PROVIDERS.items()
    if not entry["refuses"] and "tests/test_storage.py" in FAMILIES[entry["family"]]["paths"]
]
# Every refusal of the registry: (provider, option, refused answer, what to choose instead).
REFUSALS = [
    (provider, option, answer, f"{option}={refusal['instead']}")
    for provider, entry in PROVIDERS.items()
    for option, by_answer in entry["refuses"].items()
    for answer, refusal in by_answer.items()
]


def test_default_answers_are_valid():
    assert pre_gen.validate(default_answers()) == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("project_slug", "My-Project", "not a lowercase Python identifier"),
        ("project_slug", "1project", "not a lowercase Python identifier"),
        ("project_slug", "", "not a lowercase Python identifier"),
        ("project_slug", "class", "Python keyword"),
        ("project_slug", "match", "Python keyword"),
        ("project_slug", "django", "would shadow the module 'django'"),
        ("project_slug", "config", "would shadow the module 'config'"),
        ("project_slug", "test", "would shadow the module 'test'"),
        ("project_slug", "uploads", "would shadow the module 'uploads'"),
        ("project_slug", "mediafiles", "would shadow the module 'mediafiles'"),
        ("project_slug", "django_cleanup", "would shadow the module 'django_cleanup'"),
        ("project_slug", "json", "would shadow the module 'json'"),
        ("email", "you.example.com", "not an email address"),
        ("email", "you@", "not an email address"),
        ("domain_name", "https://example.com", "not a domain name"),
        ("domain_name", "example.com/path", "not a domain name"),
        ("domain_name", "localhost", "not a domain name"),
        ("project_name", "   ", "project_name is empty"),
        ("static_storage", "bucket", f"does not work with storage_provider '{DEFAULT_PROVIDER}'"),
        ("use_heroku", "maybe", "use_heroku 'maybe' is not a yes/no answer"),
        ("use_docker", "yes", "use_docker 'yes' is not a yes/no answer"),
    ],
)
def test_bad_answer_is_named_in_the_message(key, value, message):
    errors = pre_gen.validate({**default_answers(), key: value})

    assert len(errors) == 1
    assert message in errors[0]
    assert key in errors[0]


def test_every_bad_answer_is_reported_at_once():
    answers = {**default_answers(), "project_slug": "django", "email": "nobody"}

    errors = pre_gen.validate(answers)

    assert [error.split()[0] for error in errors] == ["project_slug", "email"]


def test_pruning_table_names_only_real_options_and_answers():
    for option, by_answer in post_gen.owned_paths(default_answers()).items():
        offered = CONTEXT[option]
        allowed = offered if isinstance(offered, list) else [True, False]
        assert set(by_answer) <= set(allowed), option


@pytest.mark.parametrize("use_docker", [True, False])
def test_paths_to_remove_follow_the_answers(use_docker):
    answers = {**default_answers(), "use_heroku": False, "use_docker": use_docker}

    removed = post_gen.paths_to_remove(answers)

    assert "Procfile" in removed
    assert ("compose.yaml" in removed) is not use_docker
    assert "mediafiles/local.py" not in removed


def test_secret_keys_are_fresh_and_safe_for_django_environ():
    keys = {post_gen.new_secret_key() for _ in range(200)}

    assert len(keys) == 200
    assert all(len(key) >= 50 and not key.startswith("$") for key in keys)
    assert all(key.replace("-", "").replace("_", "").isalnum() for key in keys)


def test_next_steps_mention_the_chosen_deployments():
    answers = {**default_answers(), "use_heroku": False, "use_docker": True}

    steps = post_gen.next_steps(answers)

    assert "cd my_project" in steps
    assert "docker compose up" in steps
    assert "Heroku" not in steps


@pytest.mark.parametrize("provider", CLOUD_PROVIDERS)
def test_cloud_providers_accept_every_static_and_media_answer(provider):
    for static in CONTEXT["static_storage"]:
        for media in CONTEXT["media_access"]:
            answers = {
                **default_answers(),
                "storage_provider": provider,
                "static_storage": static,
                "media_access": media,
            }
            assert pre_gen.validate(answers) == []


def test_the_registry_names_every_provider_and_only_real_answers():
    assert list(CONTEXT["_providers"]) == CONTEXT["storage_provider"]
    assert set(CONTEXT["__prompts__"]["storage_provider"]) - {"__prompt__"} == set(
        CONTEXT["storage_provider"]
    )
    for entry in CONTEXT["_providers"].values():
        for option, by_answer in entry["refuses"].items():
            for answer, refusal in by_answer.items():
                assert answer in CONTEXT[option]
                assert refusal["instead"] in CONTEXT[option]
                assert refusal["instead"] not in by_answer


@pytest.mark.parametrize(("provider", "option", "refused", "instead"), REFUSALS)
def test_a_refused_answer_comes_with_a_command_that_keeps_the_others(
    provider, option, refused, instead
):
    answers = {
        **default_answers(),
        "project_name": "Photo Box",
        "storage_provider": provider,
        option: refused,
    }

    command = pre_gen.regenerate_command(answers)

    assert command.startswith(f"cookiecutter {answers['_template']} --no-input ")
    assert instead in command.split()
    assert "project_name='Photo Box'" in command
    assert f"storage_provider={provider}" in command.split()
    assert "use_heroku=true" in command.split()
    assert "_providers" not in command


@pytest.mark.parametrize("provider", CLOUD_PROVIDERS)
def test_each_cloud_provider_keeps_its_family_files(provider):
    answers = {**default_answers(), "storage_provider": provider, "static_storage": "bucket"}

    paths = post_gen.paths_to_remove(answers)

    kept = FAMILIES[PROVIDERS[provider]["family"]]["paths"]
    assert {
        "mediafiles/management/commands/ensure_storage.py",
        "mediafiles/backends.py",
        "tests/test_storage.py",
        "tests/test_storage_live.py",
    } <= set(kept)
    assert [path for path in kept if path in paths] == []
    assert "tests/test_static.py" in paths


def test_local_disk_needs_no_storages_module():
    assert "mediafiles/backends.py" in post_gen.paths_to_remove(default_answers())


def test_named_markers_get_one_secret_wherever_they_appear(tmp_path):
    (tmp_path / ".env").write_text(
        "URL=store://__random:key__:__random:secret__@bucket\nKEY=__random:key__\n"
        "SECRET=__random:secret__\nOTHER=__random__\n"
    )

    post_gen.write_local_env(tmp_path)

    values = dict(line.split("=", 1) for line in (tmp_path / ".env").read_text().splitlines())
    assert values["URL"] == f"store://{values['KEY']}:{values['SECRET']}@bucket"
    assert len({values["KEY"], values["SECRET"], values["OTHER"]}) == 3
    assert "__random" not in str(values)


def test_local_env_gets_a_fresh_secret_for_each_marker(tmp_path):
    (tmp_path / ".env").write_text("SECRET_KEY=__random__\nKEY=local-__random__\nSECRET=__random__")

    post_gen.write_local_env(tmp_path)

    values = dict(line.split("=", 1) for line in (tmp_path / ".env").read_text().splitlines())
    assert "__random__" not in str(values) and len(set(values.values())) == 3
    assert values["KEY"].startswith("local-") and len(values["SECRET_KEY"]) >= 50
    assert (tmp_path / ".env").stat().st_mode & 0o077 == 0
