"""Blood groups: ABO, RhD, Rh phenotype and Kell, in the notations of French lab exports.

A blood group is health data (GDPR Art. 9) whatever its notation. Recognised, in this
order in one cell, each part optional (Sentinelle DESIGN.md; EFS / ISBT terminology)::

    [groupe [sanguin]]  ABO      A, B, AB, O (often written 0)
                        RhD      + - pos neg positif négatif (positive/negative),
                                 Rh+ Rh- Rhésus +, RH:1 RH:-1 RH1 RH-1, D+ D-
                                 e.g. "A+", "0 -", "A Rh+", "O positif", "AB RH-1"
                        phenotype (Rh)  Fisher-Race  CcDEe, ccdee, CCDee ...
                                        Wiener       R1r, R1R2, rr, R0r, r'r, r''r, Rzr ...
                                        ISBT         RH:1,2,-3,4,5 (D, C, E, c, e)
                                        antigens     [D+] C+ E- c+ e+ (ISBT order)
                        Kell     K- K+ KEL1- KEL1+ KEL:-1 KEL:1 Kell négatif

Parts may be separated by spaces, commas, semicolons, slashes or parentheses
(``"A+ (CcDEe) K-"``). A bare ABO letter (``"A"``, ``"AB"``) is a blood group only in a
column known to hold one: pass ``bare_abo=True`` (a bare ``0`` then reads as ``O``).
Bare ``+``/``-``/``positif`` are never accepted alone (any test result looks like that),
and ``RAI`` (antibody screen) is not a group. Letters of the phenotype are
case-sensitive (``C`` and ``c`` are different antigens); words are not.

Canonical form (:func:`compact`, :func:`validate`): parts joined by a space, ABO with
its RhD sign (``"A+"``, ``"O-"``; ``"Rh+"`` without ABO), the phenotype in Fisher-Race
(``"CcDEe"``; a Wiener genotype becomes its phenotype, ``R1r`` -> ``"CcDee"``; when D is
not given, antigen form ``"C+c+E-e+"``), Kell as ``"K+"``/``"K-"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import product

import polars as pl

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidFormat
from sentinelle.identifiers._common import mask_chars
from sentinelle.identifiers._series import (
    WHITESPACE_CHARS,
    SeriesCheck,
    char_class,
    collect_check,
    source,
)

ENTITY = Entity.BLOOD_GROUP

# --- grammar (ASCII case-insensitivity spelled out: the same regex in Python and polars) --

_O = char_class() + "*"  # optional whitespace
_S = char_class() + "+"  # some whitespace
_SEPS = char_class(r",;/()") + "*"
_TRIM = rf"^{char_class()}+|{char_class()}+$"
_SIGN = r"[+\-−]"
_MINUS = r"[\-−]"
_POS = r"[Pp][Oo][Ss](?:[Ii][Tt][Ii](?:[Ff]|[Vv][Ee]))?"
_NEG = r"[Nn][EeÉé][Gg](?:[Aa][Tt][Ii](?:[Ff]|[Vv][Ee]))?"
_RH = r"[Rr][Hh](?:[EeÉé][Ss][Uu][Ss])?"
_ABO = r"[Aa][Bb]|[Aa]|[Bb]|[Oo]|0"
_SANGUIN = r"[Ss][Aa][Nn][Gg][Uu][Ii][Nn]"
_PREFIX = rf"(?:[Gg][Rr](?:[Oo][Uu][Pp][Ee]|[Pp])?(?:{_S}{_SANGUIN})?\.?{_O}:?{_O})?"
_RHD_MARKED = (
    rf"{_RH}{_O}:?{_O}(?:{_MINUS}?1|{_SIGN}|{_POS}|{_NEG})"
    rf"|D{_O}(?:{_SIGN}|{_POS}|{_NEG})"
)
_RHD_ANY = rf"{_RHD_MARKED}|{_SIGN}|{_POS}|{_NEG}"
_HAP = r"""R[0-2Zz]|r(?:''|'|"|’’|’|[Yy])?"""
_FISHER = r"(?P<fc>CC|Cc|cC|cc)(?P<fd>DD|Dd|dD|dd|D|d)(?P<fe>EE|Ee|eE|ee)"
_WIENER = rf"(?P<w1>{_HAP})(?P<w2>{_HAP})"
_COMMA = rf"{_O},{_O}"
_ISBT = (
    rf"[Rr][Hh]{_O}:?{_O}(?P<i1>{_MINUS}?)1{_COMMA}(?P<i2>{_MINUS}?)2{_COMMA}"
    rf"(?P<i3>{_MINUS}?)3{_COMMA}(?P<i4>{_MINUS}?)4{_COMMA}(?P<i5>{_MINUS}?)5"
)
_FLAG_SEP = rf"{_O}[,;]?{_O}"
_FLAGS = (
    rf"(?:D{_O}(?P<aD>{_SIGN}){_FLAG_SEP})?C{_O}(?P<aC>{_SIGN}){_FLAG_SEP}"
    rf"E{_O}(?P<aE>{_SIGN}){_FLAG_SEP}c{_O}(?P<ac>{_SIGN}){_FLAG_SEP}e{_O}(?P<ae>{_SIGN})"
)
_KELL = rf"(?:K|[Kk][Ee][Ll][Ll]?){_O}:?{_O}(?:1{_O}{_SIGN}|{_MINUS}?1|{_SIGN}|{_POS}|{_NEG})"
CELL_PATTERN = (
    rf"^{_PREFIX}"
    rf"(?:(?P<abo>{_ABO}){_O}(?P<rhd>{_RHD_ANY})?|(?P<rhdonly>{_RHD_MARKED}))?{_SEPS}"
    rf"(?:{_FISHER}|{_WIENER}|{_ISBT}|{_FLAGS})?{_SEPS}"
    rf"(?P<kell>{_KELL})?$"
)
_CELL_RE = re.compile(CELL_PATTERN)
_NEGATIVE = rf"{_MINUS}|[Nn][EeÉé][Gg]"

# Wiener haplotypes -> antigens (R0 cDe, R1 CDe, R2 cDE, Rz CDE, r cde, r' Cde, r'' cdE, ry CdE)
_H_C = ["R1", "RZ", "Rz", "r'", "ry", "rY"]
_H_c = ["R0", "R2", "r", "r''"]
_H_D = ["R0", "R1", "R2", "RZ", "Rz"]
_H_E = ["R2", "RZ", "Rz", "r''", "ry", "rY"]
_H_e = ["R0", "R1", "r", "r'"]


@dataclass(frozen=True, slots=True)
class BloodGroup:
    """A parsed blood group. Signs are ``"+"``/``"-"``; absent parts are ``None``."""

    abo: str | None = None  # "A", "B", "AB", "O"
    rhd: str | None = None
    phenotype: str | None = None  # canonical, e.g. "CcDEe" or "C+c+E-e+"
    kell: str | None = None

    @property
    def canonical(self) -> str:
        parts = []
        if self.abo is not None:
            parts.append(self.abo + (self.rhd or ""))
        elif self.rhd is not None and self.phenotype is None:  # a phenotype states D/d
            parts.append("Rh" + self.rhd)
        if self.phenotype is not None:
            parts.append(self.phenotype)
        if self.kell is not None:
            parts.append("K" + self.kell)
        return " ".join(parts)


def _sign(text: str) -> str:
    return "-" if re.search(_NEGATIVE, text) else "+"


def _render(c_up: bool, c_low: bool, d: str | None, e_up: bool, e_low: bool) -> str:
    if d is None:
        flag = {True: "+", False: "-"}
        return f"C{flag[c_up]}c{flag[c_low]}E{flag[e_up]}e{flag[e_low]}"
    cc = ("C" if c_up else "") + ("c" if c_low else "")
    ee = ("E" if e_up else "") + ("e" if e_low else "")
    cc = cc * 2 if len(cc) == 1 else cc
    ee = ee * 2 if len(ee) == 1 else ee
    return cc + ("D" if d == "+" else "d") + ee


def _phenotype(m: re.Match[str] | Mapping[str, str | None], rhd: str | None) -> str | None:
    if m["fc"] is not None:
        return _render(
            "C" in m["fc"], "c" in m["fc"], "+" if "D" in m["fd"] else "-", "E" in m["fe"],
            "e" in m["fe"],
        )  # fmt: skip
    if m["w1"] is not None:
        haps = [h.replace("’", "'").replace('"', "''") for h in (m["w1"], m["w2"])]
        return _render(
            any(h in _H_C for h in haps), any(h in _H_c for h in haps),
            "+" if any(h in _H_D for h in haps) else "-",
            any(h in _H_E for h in haps), any(h in _H_e for h in haps),
        )  # fmt: skip
    if m["i1"] is not None:
        return _render(not m["i2"], not m["i4"], "-" if m["i1"] else "+", not m["i3"], not m["i5"])
    if m["aC"] is not None:
        d = _sign(m["aD"]) if m["aD"] is not None else rhd
        return _render(
            _sign(m["aC"]) == "+", _sign(m["ac"]) == "+", d, _sign(m["aE"]) == "+",
            _sign(m["ae"]) == "+",
        )  # fmt: skip
    return None


def normalise(value: str, *, bare_abo: bool = False) -> BloodGroup:
    """Parse a blood group, or raise :class:`~sentinelle.errors.InvalidFormat`."""
    text = re.sub(_TRIM, "", str(value))
    m = _CELL_RE.fullmatch(text)
    if m is None:
        raise InvalidFormat("not a blood group notation")
    rhd_text = m["rhd"] if m["rhd"] is not None else m["rhdonly"]
    rhd = _sign(rhd_text) if rhd_text is not None else None
    group = BloodGroup(
        abo=m["abo"].upper().replace("0", "O") if m["abo"] is not None else None,
        rhd=rhd,
        phenotype=_phenotype(m, rhd),
        kell=_sign(m["kell"]) if m["kell"] is not None else None,
    )
    if group.rhd is None and group.phenotype is None and group.kell is None:
        if group.abo is None or not bare_abo:
            raise InvalidFormat("a bare ABO letter needs a column known to hold blood groups")
    return group


def compact(value: str) -> str:
    """The canonical form if ``value`` is a blood group, else ``value`` trimmed."""
    try:
        return normalise(value).canonical
    except IdentifierError:
        return re.sub(_TRIM, "", str(value))


def validate(value: str, *, bare_abo: bool = False) -> str:
    """The canonical form (``"A+"``, ``"O- CcDee K-"``...), or raise."""
    return normalise(value, bare_abo=bare_abo).canonical


def is_valid(value: str, *, bare_abo: bool = False) -> bool:
    try:
        validate(value, bare_abo=bare_abo)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """A blood group is health data: keep nothing but the length class."""
    return mask_chars(re.sub(_TRIM, "", str(value)))


# --- vectorised twin ------------------------------------------------------------------


def _sign_expr(text: pl.Expr) -> pl.Expr:
    return pl.when(text.str.contains(_NEGATIVE)).then(pl.lit("-")).otherwise(pl.lit("+"))


# Every value each phenotype capture group can take (tests check these against the regex).
_FC_VALUES = ("CC", "Cc", "cC", "cc")
_FD_VALUES = ("DD", "Dd", "dD", "dd", "D", "d")
_FE_VALUES = ("EE", "Ee", "eE", "ee")
_HAP_VALUES = ("R0", "R1", "R2", "RZ", "Rz", "r", "r''", "r'", 'r"', "r’’", "r’", "rY", "ry")
_MINUS_VALUES = ("", "-", "−")
_SIGN_VALUES = ("+", "-", "−")
_GROUPS = ("fc", "fd", "fe", "w1", "w2", "i1", "i2", "i3", "i4", "i5", "aD", "aC", "aE", "ac", "ae")


def _table(
    combos: Iterable[tuple[dict[str, str], str | None]],
) -> tuple[list[str], list[str | None]]:
    """(key, phenotype) pairs computed by the scalar :func:`_phenotype`, for a lookup."""
    keys, values = [], []
    for groups, rhd in combos:
        full = dict.fromkeys(_GROUPS) | groups
        keys.append("|".join([*(v if v is not None else "?" for v in groups.values()), rhd or "?"]))
        values.append(_phenotype(full, rhd))
    return keys, values


@lru_cache(maxsize=1)
def _phenotype_tables() -> dict[str, tuple[list[str], list[str | None]]]:
    """Lookup tables of the canonical phenotype, per notation, keyed by its capture groups.

    The groups take few values (96 Fisher-Race, 169 Wiener, 243 ISBT and 972 antigen
    combinations), so a lookup built from the scalar :func:`_phenotype` replaces a large
    expression tree (costly to plan for every column) and agrees with it by construction.
    """
    signs_d = (None, *_SIGN_VALUES)
    return {
        "fisher": _table(
            ({"fc": c, "fd": d, "fe": e}, None)
            for c, d, e in product(_FC_VALUES, _FD_VALUES, _FE_VALUES)
        ),
        "wiener": _table(({"w1": a, "w2": b}, None) for a, b in product(_HAP_VALUES, repeat=2)),
        "isbt": _table(
            (dict(zip(("i1", "i2", "i3", "i4", "i5"), signs, strict=True)), None)
            for signs in product(_MINUS_VALUES, repeat=5)
        ),
        "antigens": _table(
            (dict(zip(("aD", "aC", "aE", "ac", "ae"), (d, *signs), strict=True)), rhd)
            for d in signs_d
            for signs in product(_SIGN_VALUES, repeat=4)
            for rhd in (None, "+", "-")
        ),
    }


def _lookup(kind: str, groups: tuple[str, ...], rhd: pl.Expr | None = None) -> pl.Expr:
    keys, values = _phenotype_tables()[kind]
    parts = [pl.col(g).fill_null("?") for g in groups] + [
        pl.lit("?") if rhd is None else rhd.fill_null("?")
    ]
    key = pl.concat_str(parts, separator="|")
    return key.replace_strict(keys, values, default=None, return_dtype=pl.String)


def _phenotype_expr(rhd: pl.Expr) -> pl.Expr:
    """The canonical phenotype from the unnested capture groups (columns named like them)."""
    f = pl.col
    return (
        pl.when(f("fc").is_not_null())
        .then(_lookup("fisher", ("fc", "fd", "fe")))
        .when(f("w1").is_not_null())
        .then(_lookup("wiener", ("w1", "w2")))
        .when(f("i1").is_not_null())
        .then(_lookup("isbt", ("i1", "i2", "i3", "i4", "i5")))
        .when(f("aC").is_not_null())
        .then(_lookup("antigens", ("aD", "aC", "aE", "ac", "ae"), rhd))
    )


@cache
def _canonical(bare_abo: bool) -> tuple[pl.Expr, tuple[pl.Expr, ...], pl.Expr, pl.Expr, pl.Expr]:
    """The steps from the capture groups (unnested into columns named like them) to the
    columns ``i``, ``n``, ``s``, applied to the matching rows only: the RhD sign, the parts,
    then the ABO/RhD part, then shaped and the canonical text. Built once (immutable)."""
    f = pl.col
    rhd_text = pl.coalesce(f("rhd"), f("rhdonly"))
    sign = pl.when(rhd_text.is_not_null()).then(_sign_expr(rhd_text)).alias("rhd_sign")
    parts = (
        pl.col("i"),
        f("abo").str.to_uppercase().str.replace("0", "O", literal=True).alias("abo"),
        f("rhd_sign").alias("rhd"),
        _phenotype_expr(f("rhd_sign")).alias("ph"),
        pl.when(f("kell").is_not_null())
        .then(pl.concat_str([pl.lit("K"), _sign_expr(f("kell"))]))
        .alias("kell"),
    )
    abo, rhd = pl.col("abo"), pl.col("rhd")
    first = (
        pl.when(abo.is_not_null())
        .then(pl.concat_str([abo, rhd.fill_null("")]))
        .when(rhd.is_not_null() & pl.col("ph").is_null())  # a phenotype states D/d
        .then(pl.concat_str([pl.lit("Rh"), rhd]))
        .alias("first")
    )
    shaped = (
        rhd.is_not_null()
        | pl.col("ph").is_not_null()
        | pl.col("kell").is_not_null()
        | (pl.lit(bare_abo) & abo.is_not_null())
    )
    text = pl.concat_str(
        [pl.col("first"), pl.col("ph"), pl.col("kell")], separator=" ", ignore_nulls=True
    )
    return sign, parts, first, shaped.alias("s"), text.alias("n")


def check_lazy(series: pl.Series, *, bare_abo: bool = False) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    sign, parts, first, shaped, text = _canonical(bare_abo)
    rows = (
        source(series)
        .with_row_index("i")
        # strip_chars(WHITESPACE_CHARS) is the regex _TRIM of compact(), without a regex
        .select(pl.col("i"), t=pl.col("v").str.strip_chars(WHITESPACE_CHARS))
        .with_columns(hit=pl.col("t").str.contains(CELL_PATTERN).fill_null(False))
    )
    # capture groups and the canonical form are costly: compute them only on the (few)
    # rows that match, then join back (cheaper than evaluating the many expressions of
    # _canonical on whole columns of nulls)
    frame = (
        rows.filter(pl.col("hit"))
        .select(pl.col("i"), g=pl.col("t").str.extract_groups(CELL_PATTERN))
        .unnest("g")
        .with_columns(sign)
        .select(parts)
        .with_columns(first)
        .with_columns(shaped, text)
        .select(pl.col("i"), n=pl.when(pl.col("s")).then(pl.col("n")), s=pl.col("s"))
    )
    return (
        rows.select("i")
        .join(frame, on="i", how="left", maintain_order="left")
        .with_columns(s=pl.col("s").fill_null(False))
        .select(n=pl.col("n").cast(pl.String), s=pl.col("s"), ok=pl.col("s"))
    )


def check_series(series: pl.Series, *, bare_abo: bool = False) -> SeriesCheck:
    """Vectorised check: shaped = valid = a recognised notation; normalised = canonical."""
    return collect_check(check_lazy(series, bare_abo=bare_abo))


__all__ = [
    "CELL_PATTERN",
    "ENTITY",
    "BloodGroup",
    "check_lazy",
    "check_series",
    "compact",
    "is_valid",
    "mask",
    "normalise",
    "validate",
]
