"""Every storage family's test place, found through the registry.

cookiecutter.json lists the families (`_families`) and the providers of each
(`_providers`). Each family's place is tests/families/<family>.py, or a package
tests/families/<family>/ holding its adapter (in __init__.py), its server and the
tests of what only that family does. A family module gives:

- VARIANTS: the adapters the checks run on (tests/families/contract.py), one per
  set of storage answers; the first is the family's main variant;
- LOCAL_RUN: the id of the variant whose README's local run tests/test_local_default.py
  follows.

This package reads the registry, imports each family's module by name and builds
what the shared tests parametrise with: VARIANTS, MAIN_VARIANTS, FAMILIES,
case(), cases(), variant(), adapter_for(). The shared tests name no family: what
differs between families is in their adapters.
"""

import importlib

import pytest

from tests.families.contract import (  # noqa: F401 (the shared tests import them from here)
    CAPABILITIES,
    DEFAULT_URL_LIFETIME,
    STATIC_CACHE_CONTROL,
    THUMBNAIL_SIZES,
    URL_LIFETIME,
    Lacks,
    providers_of,
)
from tests.helpers import CONTEXT

# Each family's module, in the registry's order.
MODULES = {
    family: importlib.import_module(f"{__name__}.{family}") for family in CONTEXT["_families"]
}
# Every variant the checks run on, family by family in the registry's order.
VARIANTS = [adapter for module in MODULES.values() for adapter in module.VARIANTS]
# Each family's adapter class.
ADAPTERS = {family: type(module.VARIANTS[0]) for family, module in MODULES.items()}


def check_registry():
    """Each family's module gives adapters of that family, for its own providers."""
    for family, module in MODULES.items():
        for adapter in module.VARIANTS:
            assert adapter.family == family, (family, adapter)
            assert adapter.storage["storage_provider"] in providers_of(family), (family, adapter)
        assert module.LOCAL_RUN in {adapter.id for adapter in module.VARIANTS}, family


check_registry()


def adapter_for(provider, media_access="public", static_storage="whitenoise"):
    """A new adapter (with no server yet) for any answers of the storage questions."""
    return ADAPTERS[CONTEXT["_providers"][provider]["family"]](
        provider, media_access, static_storage
    )


def variant(adapter_id):
    """A new adapter (with no server yet) for one of VARIANTS, by id."""
    (template,) = [adapter for adapter in VARIANTS if adapter.id == adapter_id]
    return type(template)(*template.storage.values())


def case(adapter_id, *values, marks=()):
    """A test parameter for one variant. Its tests share one xdist worker, which
    then prepares the variant's project and buckets only once."""
    group = pytest.mark.xdist_group(adapter_id)
    return pytest.param(adapter_id, *values, marks=[group, *marks])


def families():
    """Each family's variants, in the order of VARIANTS."""
    grouped = {}
    for adapter in VARIANTS:
        grouped.setdefault(adapter.family, []).append(adapter)
    return grouped


# The main variant of every family, for what every family guarantees.
MAIN_VARIANTS = [members[0] for members in families().values()]
FAMILIES = [case(adapter.id) for adapter in MAIN_VARIANTS]
# The variant of each family whose README's local run is followed.
LOCAL_RUNS = [module.LOCAL_RUN for module in MODULES.values()]


def cases(capability):
    """Parameters for a check that needs a capability: every variant that has it;
    for a family where none has it, its main variant, skipped with the reason."""
    params = []
    for family, members in families().items():
        having = [case(adapter.id) for adapter in members if getattr(adapter, capability)]
        if not having:
            lacks = getattr(members[0], capability)
            skip = pytest.mark.skip(reason=f"{family} lacks {capability}: {lacks.reason}")
            having = [case(members[0].id, marks=[skip])]
        params += having
    return params


from tests.families.deploy import (  # noqa: E402 (deploy builds on variant())
    ServerPool,
    collect_static,
    deploy,
    deployed_to_fail,
    migrated_database,
)

__all__ = [
    "ADAPTERS",
    "CAPABILITIES",
    "DEFAULT_URL_LIFETIME",
    "FAMILIES",
    "LOCAL_RUNS",
    "MAIN_VARIANTS",
    "MODULES",
    "STATIC_CACHE_CONTROL",
    "THUMBNAIL_SIZES",
    "URL_LIFETIME",
    "VARIANTS",
    "Lacks",
    "ServerPool",
    "adapter_for",
    "case",
    "cases",
    "collect_static",
    "deploy",
    "deployed_to_fail",
    "families",
    "migrated_database",
    "providers_of",
    "variant",
]
