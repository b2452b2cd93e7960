"""Which column a practitioner identifier goes to: RPPS, ADELI or a local code.

Message formats carry doctors as ``id^family^given...`` values. The national identifier
of a practitioner (ANS, "Identifiant national des professionnels de santé", IdNat_PS) is
written with a one-character type prefix: ``8`` + the 11-digit RPPS number, ``0`` + the
9-character ADELI number. In HL7 v2 (IHE PAM FR) its assigning authority is
``ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO`` and the identifier type code may say ``RPPS`` or
``ADELI``. HPRIM files carry bare codes: an RPPS, an ADELI number or a code local to the
laboratory.

The prefix is removed so the value can be checked by :mod:`sentinelle.identifiers.rpps`
/ :mod:`sentinelle.identifiers.adeli` (which expect the bare number). A value that has no
national shape goes to a neutral "code" column. Only the shape routes; the column checks
(Luhn) decide what is valid.
"""

from __future__ import annotations

import re

#: OID of the national practitioner identifier (IdNat_PS), ANS.
OID_IDNAT_PS = "1.2.250.1.71.4.2.1"
_ADELI = re.compile(r"^(?:\d{2}|2[AB])\d{7}$")

RPPS = "RPPS"
ADELI = "ADELI"
CODE = "CODE"


def route(
    value: str, *, authority: str = "", oid: str = "", type_code: str = ""
) -> tuple[str, str]:
    """``(kind, value)``: kind ``RPPS``, ``ADELI`` or ``CODE``; the value without its prefix."""
    v = re.sub(r"[\s.]", "", value).upper()
    kind = type_code.strip().upper()
    national = authority.strip().upper().startswith("ASIP-SANTE-PS") or oid.strip() == OID_IDNAT_PS
    if (national or kind == RPPS) and len(v) == 12 and v.startswith("8") and v.isdigit():
        return RPPS, v[1:]
    if (national or kind == ADELI) and len(v) == 10 and v.startswith("0") and _ADELI.match(v[1:]):
        return ADELI, v[1:]
    if (national or kind in ("", RPPS)) and len(v) == 11 and v.isdigit():
        return RPPS, v
    if (national or kind in ("", ADELI)) and _ADELI.match(v):
        return ADELI, v
    return CODE, value.strip()


__all__ = ["ADELI", "CODE", "OID_IDNAT_PS", "RPPS", "route"]
