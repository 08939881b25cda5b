import pytest

from tests.helpers import Project, bake, project_venv


@pytest.fixture(scope="session")
def projects(cookies_session):
    """Bake (once per set of answers) and install a project."""
    cache = {}

    def get(**answers):
        key = tuple(sorted(answers.items()))
        if key not in cache:
            root = bake(cookies_session, **answers)
            cache[key] = Project(root, project_venv(root), answers)
        return cache[key]

    return get
