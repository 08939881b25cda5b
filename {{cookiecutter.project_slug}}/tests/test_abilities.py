"""Each storage class of the project declares exactly the abilities it has
(mediafiles/abilities.py): a member renamed or removed, or one that no
declaration covers, fails here; and each ability there is some storage's."""

import inspect
from typing import Protocol

import pytest
from django.core.files.storage import Storage, storages
from django.utils.module_loading import import_string

from config import storage_url
from mediafiles import abilities

ABILITIES = [
    value
    for value in vars(abilities).values()
    if inspect.isclass(value) and value is not Protocol and Protocol in value.__mro__
]
{%- if cookiecutter.media_access == "private" %}
# Pages link every media storage's files through the site.
MEDIA = {"PrivateMedia"}
{%- else %}
MEDIA = set()
{%- endif %}
LOCAL_DISK = {"Copyable", "WritesExact", "RemovesLeftovers"}
EXPLAINS = {"Diagnoses", "RecognizesMisconfiguration", "SuggestsFixes"}
{% if cookiecutter.__family != "filesystem" -%}
{% include ["providers/" ~ cookiecutter.__family ~ "/test_abilities.py", "common/test_abilities.py"] -%}
{% endif %}
# What each storage class of the settings can do beyond Django's Storage.
EXPECTED = {
    "mediafiles.storage.MemoryMediaStorage": MEDIA | {"WritesExact"},
    "mediafiles.storage.LocalFiles": LOCAL_DISK,
    "mediafiles.local.LocalMediaStorage": MEDIA | LOCAL_DISK | EXPLAINS,
{%- if cookiecutter.__family != "filesystem" %}
    **BACKENDS,
{%- endif %}
}


def configured_backends():
    """The storage classes the settings can name (config/storage_url.py)."""
    names = ("LOCAL_STORAGE", "MEDIA_BACKEND", "STATIC_BACKEND")
    return [
        import_string(getattr(storage_url, name)) for name in names if hasattr(storage_url, name)
    ]


def dotted(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def project_storages():
    """Every storage class this project defines, once its modules are imported."""
    import mediafiles.local  # noqa: F401
    import mediafiles.storage  # noqa: F401

    configured_backends()
    found, pending = [], [Storage]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("mediafiles."):
            found.append(cls)
    return sorted(set(found), key=dotted)


def declared(cls):
    return {ability.__name__ for ability in getattr(cls, "declared_abilities", ())}


def implemented(cls):
    """The abilities whose every member the class has."""
    return {
        ability.__name__
        for ability in ABILITIES
        if all(hasattr(cls, name) for name in abilities.members(ability))
    }


def test_every_storage_class_declares_exactly_the_abilities_it_has():
    classes = project_storages()
    wrong = {
        dotted(cls): {"declared": declared(cls), "has": implemented(cls)}
        for cls in classes
        if declared(cls) != implemented(cls)
    }

    assert set(EXPECTED) <= {dotted(cls) for cls in classes}
    assert wrong == {}


def test_the_storages_have_the_abilities_they_are_meant_to_have():
    assert {name: declared(import_string(name)) for name in EXPECTED} == EXPECTED


def test_the_configured_storages_are_the_projects():
    expected = {import_string(name) for name in EXPECTED}
    for backend in configured_backends():
        assert backend in expected or declared(backend) == set(), backend
    assert type(storages["default"]) in expected


def test_every_ability_is_some_storage_classes():
    has = set().union(*(declared(cls) for cls in project_storages()))

    assert has == {ability.__name__ for ability in ABILITIES}


def test_callers_recognize_a_declared_ability():
    storage = storages["default"]

    for ability in ABILITIES:
        assert isinstance(storage, ability) is (ability.__name__ in declared(type(storage)))


def test_a_declared_member_that_is_missing_is_refused_when_the_class_is_made():
    members = {
        "list_size": lambda self: {},  # list_sizes, renamed
        "open_stream": lambda self, name: None,
        "write_exact": lambda self, name, stream, size: None,
    }
    renamed = type("Renamed", (Storage,), members)

    with pytest.raises(TypeError, match=r"Renamed declares what it lacks: Copyable\.list_sizes"):
        abilities.declare(abilities.Copyable)(renamed)
    assert declared(abilities.declare(abilities.WritesExact)(renamed)) == {"WritesExact"}
