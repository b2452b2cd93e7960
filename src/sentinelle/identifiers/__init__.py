"""French identifiers, one module per identifier, all with the same functions.

Each public module of this package defines ``ENTITY``, ``compact``, ``validate``,
``is_valid``, ``mask`` and ``check_series`` (see :mod:`sentinelle.identifiers._series`).
Modules are discovered, not registered: adding an identifier means adding its module
(and its test). Private modules (``_series``, ``_common``) are skipped.

>>> from sentinelle.identifiers import get, modules
>>> [m.__name__.rsplit(".", 1)[1] for m in modules()["NIR"]]
['nir', 'ins']
>>> get("siret").ENTITY
<Entity.SIRET: 'SIRET'>
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

from sentinelle.errors import ConfigError


@lru_cache(maxsize=1)
def _discover() -> tuple[ModuleType, ...]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "ENTITY") and hasattr(module, "check_series"):
            found.append(module)
    return tuple(found)


def _short(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[1]


def modules() -> dict[str, list[ModuleType]]:
    """Identifier modules keyed by entity id; the module named like the entity comes first."""
    by_entity: dict[str, list[ModuleType]] = {}
    for module in _discover():
        by_entity.setdefault(str(module.ENTITY), []).append(module)
    for entity, found in by_entity.items():
        found.sort(key=lambda m, e=entity: (_short(m) != e.lower(), _short(m)))
    return by_entity


def get(name: str) -> ModuleType:
    """The identifier module called ``name`` (``"nir"``, ``"phone"``...)."""
    for module in _discover():
        if _short(module) == name:
            return module
    raise ConfigError(f"no identifier module named {name!r}")


__all__ = ["get", "modules"]
