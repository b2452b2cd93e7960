"""Risk level and score of one file, from what was found in it.

The levels follow what the CNIL weighed in SAN-2022-009 and GDPR Art. 9/33: a national
identifier next to health data (or credentials) is critical; a national identifier or health
data tied to a person is high; identity plus contact details is medium; isolated contact
details or professional identifiers are low.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from sentinelle.entities import Entity, RiskLevel

NATIONAL = (Entity.NIR, Entity.NIR_NO_KEY, Entity.NNP)
IDENTITY = (Entity.PERSON_NAME, Entity.DATE_OF_BIRTH)
CONTACT = (Entity.PHONE, Entity.EMAIL, Entity.ADDRESS)
PROFESSIONAL = (Entity.RPPS, Entity.ADELI, Entity.FINESS, Entity.SIREN, Entity.SIRET, Entity.AM_NUMBER)
SENSITIVE_ENTITIES = (Entity.BLOOD_GROUP, Entity.HEALTH)

_WEIGHTS = {
    Entity.NIR: 0.35, Entity.NIR_NO_KEY: 0.3, Entity.NNP: 0.2, Entity.IBAN: 0.25,
    Entity.CREDENTIAL: 0.25, Entity.HEALTH: 0.3, Entity.BLOOD_GROUP: 0.2,
    Entity.PERSON_NAME: 0.1, Entity.DATE_OF_BIRTH: 0.1, Entity.PHONE: 0.08, Entity.EMAIL: 0.08,
    Entity.ADDRESS: 0.08, Entity.POSTAL_CODE: 0.02,
}


def assess_risk(counts: Mapping[str, int], health: Mapping[str, int], records: int) -> tuple[RiskLevel, float]:
    """Level and a score in [0, 1] (breadth of categories, then volume)."""
    present = {e for e, n in counts.items() if n > 0}
    if any(health.values()):
        present.add(Entity.HEALTH)
    if not present:
        return RiskLevel.NONE, 0.0
    national = bool(present & set(NATIONAL))
    sensitive = bool(present & set(SENSITIVE_ENTITIES))
    identity = bool(present & set(IDENTITY))
    contact = bool(present & set(CONTACT))
    credential = Entity.CREDENTIAL in present
    bank = Entity.IBAN in present
    if national and (sensitive or credential or bank):
        level = RiskLevel.CRITICAL
    elif sensitive and identity and (contact or credential):
        level = RiskLevel.CRITICAL
    elif national or (sensitive and (identity or contact)) or credential or bank:
        level = RiskLevel.HIGH
    elif (identity and contact) or sensitive:
        level = RiskLevel.MEDIUM
    else:
        level = RiskLevel.LOW
    breadth = min(1.0, sum(_WEIGHTS.get(e, 0.03) for e in present))
    volume = min(1.0, math.log10(max(records, sum(counts.values()), 1) + 1) / 5)
    score = 0.7 * breadth + 0.3 * volume
    floor = {RiskLevel.LOW: 0.05, RiskLevel.MEDIUM: 0.3, RiskLevel.HIGH: 0.55, RiskLevel.CRITICAL: 0.8}
    ceiling = {RiskLevel.LOW: 0.3, RiskLevel.MEDIUM: 0.55, RiskLevel.HIGH: 0.8, RiskLevel.CRITICAL: 1.0}
    score = min(ceiling[level], max(floor[level], score))
    return level, round(score, 3)


__all__ = ["assess_risk"]
