"""Which result of a lab message is a blood typing (ABO/RhD group, RH-Kell phenotype, Kell).

Message readers put these results in a blood-group column instead of the free-text results,
so each typing is checked and counted as a ``BLOOD_GROUP`` like a CSV column would be.
"""

from __future__ import annotations

import re

#: Observation codes of immuno-haematology typings: local codes seen in French lab systems
#: and the LOINC codes of ABO+Rh (882-1), ABO (883-9) and Rh (10331-7).
BLOOD_CODES = frozenset({"GSRH", "GS", "ABO", "RH", "RHD", "PHENO", "KELL", "882-1", "883-9",
                         "10331-7"})
_BLOOD_WORDS = re.compile(
    r"groupe sanguin|ph[eé]notype (?:rh|[eé]rythro)|^(?:antig[eè]ne )?kell|rh[eé]sus",
    re.IGNORECASE,
)
#: Antibody screenings ("Anticorps anti-Kell", RAI) are results, not typings.
_ANTIBODY = re.compile(r"\banti(?:corps|-)", re.IGNORECASE)


def is_blood_typing(code: str, label: str = "") -> bool:
    """Whether an observation coded ``code`` (labelled ``label``) is a blood typing."""
    if code.strip().upper() in BLOOD_CODES:
        return True
    return bool(_BLOOD_WORDS.search(label)) and not _ANTIBODY.search(label)


__all__ = ["BLOOD_CODES", "is_blood_typing"]
