"""Protect an export before it leaves: minimise, pseudonymise, generalise, measure
re-identification risk, encrypt, expire; trace a leaked copy; purge expired exports.

Library entry points (the CLI ``sentinelle protect / trace / purge`` is a thin layer)::

    key = load_master_key("lab.key")            # or new_key_file("lab.key")
    result = protect("export.csv", "out/export.csv", key,
                     ProtectOptions(recipient="cro-42", min_k=5, canaries=3))
    trace("leaked.csv", key, "out/")            # -> TraceResult(recipient="cro-42", ...)
    purge("out/")                               # deletes exports past their expiry

See :mod:`.pipeline` (the two passes), :mod:`.policy` (column actions), :mod:`.actions`
(pseudonyms, generalisation, masks), :mod:`.redact` (free text), :mod:`.risk`
(k-anonymity, prosecutor risk, l-diversity, ``--min-k``), :mod:`.writer` (formats, age),
:mod:`.manifest`, :mod:`.canaries`, :mod:`.trace`, :mod:`.purge`, :mod:`.keys`.
"""

from __future__ import annotations

from sentinelle.protect.keys import MasterKey, load_master_key, new_key_file
from sentinelle.protect.manifest import manifest_path, parse_when, read_manifest
from sentinelle.protect.pipeline import ProtectOptions, ProtectResult, protect
from sentinelle.protect.policy import Policy, Rule, load_policy
from sentinelle.protect.purge import Purged, purge
from sentinelle.protect.risk import RiskFigures
from sentinelle.protect.trace import TraceResult, trace

__all__ = [
    "MasterKey",
    "Policy",
    "ProtectOptions",
    "ProtectResult",
    "Purged",
    "RiskFigures",
    "Rule",
    "TraceResult",
    "load_master_key",
    "load_policy",
    "manifest_path",
    "new_key_file",
    "parse_when",
    "protect",
    "purge",
    "read_manifest",
    "trace",
]
