"""INS: Identité Nationale de Santé matricule (a NIR or NIA) with its OID.

The INS of a patient is a set of civil-status traits plus a *matricule INS*: the NIR, or
the NIA (numéro d'identification d'attente) of people without a NIR yet. Both have the
NIR layout and key, so an INS matricule is reported as ``NIR`` (ENTITY). The OID of the
assigning authority tells which kind it is (ANS, "Référentiel INS"; CI-SIS)::

    1.2.250.1.213.1.4.8    NIR
    1.2.250.1.213.1.4.9    NIA
    1.2.250.1.213.1.4.10   test NIR (identities of the test tele-service)
    1.2.250.1.213.1.4.11   demo NIR

In HL7 v2 (IHE PAM FR) the matricule is one PID-3 repetition, an HL7 CX value::

    185037510002397^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS

This module accepts a bare matricule or such a CX value. For a CX value the OID (component
4, sub-component 2) must be one of the four above; the matricule is checked as a NIR
(strict structure and key, :mod:`sentinelle.identifiers.nir`).
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidFormat
from sentinelle.identifiers import nir
from sentinelle.identifiers._series import SeriesCheck, collect_check, compact_expr, finish, source

ENTITY = Entity.NIR

OID_NIR = "1.2.250.1.213.1.4.8"
OID_NIA = "1.2.250.1.213.1.4.9"
OID_TEST = "1.2.250.1.213.1.4.10"
OID_DEMO = "1.2.250.1.213.1.4.11"

#: OID -> kind of matricule.
OID_KINDS: dict[str, str] = {OID_NIR: "NIR", OID_NIA: "NIA", OID_TEST: "TEST", OID_DEMO: "DEMO"}


def oid_kind(oid: str) -> str | None:
    """``"NIR"``, ``"NIA"``, ``"TEST"`` or ``"DEMO"`` for an INS OID, else ``None``."""
    return OID_KINDS.get(str(oid).strip(" "))


def split(value: str) -> tuple[str, str | None]:
    """Split a value into (compact matricule, OID or ``None``).

    A bare matricule has no OID. An HL7 CX value ``ID^^^NS&OID&ISO^TYPE`` gives its ID and
    the universal id of its assigning authority (``None`` when absent or empty).
    """
    parts = str(value).split("^")
    matricule = nir.compact(parts[0])
    if len(parts) < 4:
        return matricule, None
    sub = parts[3].split("&")
    oid = sub[1].strip(" ") if len(sub) > 1 else ""
    return matricule, (oid or None)


def compact(value: str) -> str:
    """The compact matricule (the OID, if any, is dropped)."""
    return split(value)[0]


def validate(value: str) -> str:
    """Return the compact matricule or raise; a CX value must carry an INS OID."""
    matricule, oid = split(value)
    if "^" in str(value) and (oid is None or oid not in OID_KINDS):
        raise InvalidFormat("the assigning authority is not an INS OID")
    return nir.validate(matricule)


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """The NIR preview of the matricule (the OID is not identifying, but dropped)."""
    return nir.mask(compact(value))


@lru_cache(maxsize=1)
def _expressions() -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(matricule, shaped, NIR ok, OID ok) expressions, built once (they are immutable)."""
    v = pl.col("v")
    n = pl.col("n")
    # cheap prefilter (see spelled): the matricule, before the first "^", is spelled
    # like a NIR
    sep = nir.SEPARATORS
    candidate = pl.when(v.str.contains(f"^(?:{sep}*{nir.CHAR}){{15}}{sep}*(?:\\^|$)")).then(v)
    parts = v.str.split("^")
    oid = parts.list.get(3, null_on_oob=True).str.split("&").list.get(1, null_on_oob=True)
    oid_ok = ~v.str.contains("^", literal=True) | oid.str.strip_chars(" ").is_in(list(OID_KINDS))
    body = n.str.slice(0, 13)
    return (
        compact_expr(candidate.str.split("^").list.first(), separators=nir.SEPARATORS),
        n.str.contains(f"^{nir.BODY_LENIENT}[0-9]{{2}}$").fill_null(False),
        nir.body_structure_expr(body) & nir.key_matches_expr(body, n.str.slice(13, 2)),
        oid_ok.fill_null(False),
    )


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    matricule, shaped, nir_ok, oid_ok = _expressions()
    frame = (
        source(series)
        .with_columns(n=matricule)
        .with_columns(s=shaped)
        # the OID only matters where the matricule is shaped: skip its split elsewhere
        .with_columns(v=pl.when(pl.col("s")).then(pl.col("v")))
    )
    return finish(frame, nir_ok, oid_ok)


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check of bare matricules and HL7 CX values (see the module docstring)."""
    return collect_check(check_lazy(series))


__all__ = [
    "ENTITY",
    "OID_DEMO",
    "OID_KINDS",
    "OID_NIA",
    "OID_NIR",
    "OID_TEST",
    "check_lazy",
    "check_series",
    "compact",
    "is_valid",
    "mask",
    "oid_kind",
    "split",
    "validate",
]
