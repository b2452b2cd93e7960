"""Inform the persons affected by a leak (GDPR Art. 34): ``sentinelle notify``.

    from sentinelle.notify import LetterInfo, notify
    result = notify(["dump.csv"], "registry.csv", "out/", info=LetterInfo(controller="..."))

Modules: ``registry`` (the controller's patient registry), ``matching`` (registry rows ->
dump persons, the linkage rules of ``assess``), ``letters`` (one plain-language PDF per
person) and ``notification`` (the whole run and its files).
"""

from __future__ import annotations

from sentinelle.notify.letters import LetterInfo
from sentinelle.notify.notification import SCHEMA, NotifyResult, notify

__all__ = ["SCHEMA", "LetterInfo", "NotifyResult", "notify"]
