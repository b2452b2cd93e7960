"""Flattening nested records (JSON objects, XML elements) into one row of named columns.

Shared by :mod:`sentinelle.readers.jsondoc` and :mod:`sentinelle.readers.xmldoc`. A record
is a tree of dicts, lists and scalars; each scalar becomes one cell whose column label is
the path of keys to it, joined with ``.`` and without list indexes:
``{"patient": {"identifier": [{"value": "1"}]}}`` gives ``patient.identifier.value``.
XML attributes arrive as ``@name`` keys and are joined with ``@`` (``adresse@ville``;
at the top of a record, just ``name``); an element's own text arrives as ``#text`` and is
labelled with the element's path.

A path met several times in one record (a list) fills columns labelled alike, keyed
``path``, ``path#2``, ... up to :data:`MAX_REPEAT`; later values are appended (space
separated) to the last of them and the record reports the overflow.

Two conventions of FHIR (https://hl7.org/fhir/R4/datatypes.html, ``Identifier`` and
``ContactPoint``) name what a ``value`` is through its sibling ``system``: when ``system``
is an INS OID (``urn:oid:1.2.250.1.213.1.4.8`` ...) the ``value`` label is prefixed with
``INS-NIR`` (``INS-NIA``, ``INS-NIR-TEST``, ``INS-NIR-DEMO``), and when it is a contact
system (``phone``, ``email``, ``fax`` ...) with that word, so that ``INS-NIR
identifier.value`` and ``phone telecom.value`` say what they hold whatever the order of
the list. An object whose keys are all numbers or dates (a map keyed by identifiers or
days) is read as a list of ``key`` / ``value`` pairs, so that no data ends up in a label.

The walk uses an explicit stack: nesting depth costs no Python recursion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sentinelle.readers._tables import cell_text, system_label

#: Columns one path may fill in one record before values are appended to the last one.
MAX_REPEAT = 32


@dataclass(slots=True)
class Record:
    """One flattened record: ``values`` by column key, ``labels`` for new keys."""

    values: dict[str, str | None] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    overflow: bool = False


def is_map(node: dict[object, object]) -> bool:
    """An object keyed by data (numbers, dates, identifiers) rather than by field names."""
    return len(node) >= 2 and all(_is_data_key(str(k)) for k in node)


def _is_data_key(key: str) -> bool:
    """No letter and at least 4 digits: ``185037510002397``, ``2020-10-01``."""
    return sum(ch.isdigit() for ch in key) >= 4 and not any(ch.isalpha() for ch in key)


def join(path: str, key: str) -> str:
    """The label of ``key`` under ``path`` (see the module docstring)."""
    if key == "#text":
        return path
    if key.startswith("@") and len(key) > 1:
        return path + key if path else key[1:]
    return f"{path}.{key}" if path else key


def _children(path: str, node: dict[object, object]) -> list[tuple[str, object]]:
    if is_map(node):
        pairs: list[tuple[str, object]] = []
        for key, value in node.items():
            pairs += [(join(path, "key"), str(key)), (join(path, "value"), value)]
        return pairs
    qualifier = system_label(node.get("system")) if "value" in node else None
    items: list[tuple[str, object]] = []
    for key, value in node.items():
        label = join(path, str(key))
        if qualifier is not None and key == "value":
            label = f"{qualifier} {label}"
        items.append((label, value))
    return items


def flatten(value: object, root: str = "value") -> Record:
    """One record as cells; a scalar at the top (or its ``#text``) is labelled ``root``."""
    record = Record()
    counts: dict[str, int] = {}
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(reversed(_children(path, node)))
        elif isinstance(node, list):
            stack.extend((path, item) for item in reversed(node))
        else:
            label = path or root
            n = counts[label] = counts.get(label, 0) + 1
            text = cell_text(node)
            if n > MAX_REPEAT:
                record.overflow = True
                key = f"{label}#{MAX_REPEAT}"
                if text is not None:
                    before = record.values.get(key)
                    record.values[key] = text if before is None else f"{before} {text}"
                continue
            key = label if n == 1 else f"{label}#{n}"
            record.values[key] = text
            record.labels[key] = label
    return record


OVERFLOW_WARNING = f"more than {MAX_REPEAT} values of one field in a record: the rest joined"

__all__ = ["MAX_REPEAT", "OVERFLOW_WARNING", "Record", "flatten", "is_map", "join"]
