from __future__ import annotations

import inspect

import pytest

from sentinelle.entities import Entity
from sentinelle.errors import ConfigError
from sentinelle.identifiers import get, modules

EXPECTED = {
    "nir", "ins", "nir_no_key", "nnp", "rpps", "adeli", "finess", "am_number", "siren",
    "siret", "iban", "phone", "email", "dates", "blood_group", "postal_code",
}  # fmt: skip
API = ("compact", "validate", "is_valid", "mask", "check_series", "check_lazy")


def _names() -> set[str]:
    return {m.__name__.rsplit(".", 1)[1] for found in modules().values() for m in found}


def test_every_module_is_discovered_and_no_private_one() -> None:
    assert _names() == EXPECTED


def test_keyed_by_entity_with_primary_module_first() -> None:
    found = modules()
    assert [m.__name__.rsplit(".", 1)[1] for m in found["NIR"]] == ["nir", "ins"]
    assert set(found) <= {e.value for e in Entity}
    for entity, mods in found.items():
        assert all(str(m.ENTITY) == entity for m in mods)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_uniform_api(name: str) -> None:
    module = get(name)
    assert isinstance(module.ENTITY, Entity)
    for function in API:
        assert callable(getattr(module, function)), function
        assert function in module.__all__
    assert module.__doc__ and len(module.__doc__) > 200  # the docstring is the documentation
    params = inspect.signature(module.check_series).parameters
    assert list(params)[0] == "series"
    assert all(p.kind is p.KEYWORD_ONLY for p in list(params.values())[1:])


def test_get_unknown() -> None:
    with pytest.raises(ConfigError):
        get("passport")
    with pytest.raises(ConfigError):
        get("_series")
