"""French phone numbers: metropolitan and overseas (DROM), national or international form.

Reference: ``phonenumbers`` (the Python port of Google's libphonenumber) decides validity
in :func:`validate` / :func:`is_valid`: a value is parsed with region ``FR``, then retried
with ``RE``, ``GP``, ``MQ``, ``GF`` and ``YT`` because overseas numbers written nationally
(``0262 ...``, ``0590 ...``, ``0694 ...``, ``0269 ...``) are not French-metropolitan numbers
for libphonenumber (for the overseas prefixes in :data:`OVERSEAS_PREFIX` the overseas
regions go first, see there). The canonical form is E.164 (``+33612345678``,
``+262262123456``).

Accepted writings (after removing whitespace, dots, hyphens, slashes and parentheses)::

    0X XX XX XX XX               national, X = 1-9: 01-05 geographic, 06/07 mobile,
                                 08 special, 09 VoIP; 0262/0269/0590/0594/0596/0639/0690
                                 /0692/0693/0694/0696 ... overseas
    +33 X XX XX XX XX            international, also 0033, and "+33 (0)X ..."
    +262 / +590 / +594 / +596    overseas country codes (Réunion & Mayotte, Guadeloupe &
                                 Saint-Martin & Saint-Barthélemy, Guyane, Martinique)

Numbers of other countries are out of scope (``InvalidFormat``): Sentinelle looks for
French patient data, and a vectorised check of every numbering plan would be huge.
Integers (a phone column read as numbers lost its leading ``0``) are left-padded to 10
digits by :func:`compact` and :func:`check_series`.

:func:`check_series` cannot call ``phonenumbers`` per cell. It uses the same accepted
writings (one regex) and checks the national significant number against the number
patterns of phonenumbers' own metadata for the regions above, combined exactly as
``phonenumbers.is_valid_number`` combines them (general pattern, then any number type;
region order for shared country codes). A test checks that both agree on a broad sample.
"""

from __future__ import annotations

import re
from functools import cache

import phonenumbers
import polars as pl
from phonenumbers import PhoneMetadata

from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidFormat
from sentinelle.identifiers._common import mask_chars
from sentinelle.identifiers._series import SeriesCheck, char_class, collect_check, made_of, source

ENTITY = Entity.PHONE

#: Regions tried, in order, for a number written nationally (``0...``).
NATIONAL_REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT")
#: National prefixes of overseas landlines and mobiles (ARCEP numbering plan). For these
#: the overseas regions are tried before ``FR``: libphonenumber's ``FR`` metadata also
#: accepts some of them (``0269``, ``0596``), which would give ``+33`` instead of
#: ``+262`` / ``+596``. The set of valid numbers is the same either way.
OVERSEAS_PREFIX = r"^(?:26[239]|59[046]|639|69[0-7]|709[0-3])"
_OVERSEAS_FIRST = (*NATIONAL_REGIONS[1:], NATIONAL_REGIONS[0])
#: Country calling codes accepted in international form.
COUNTRY_CODES = ("33", "262", "590", "594", "596")

SEPARATORS = char_class(r"\.\-/()")
#: Every character an accepted writing can hold (see ``made_of``).
_RAW = char_class(r"\.\-/()0-9+")
_SEPARATORS_RE = re.compile(SEPARATORS)
_NSN = r"[1-9][0-9]{8}"
_SHAPE = (
    rf"^(?:(?:\+|00)(?P<cc>{'|'.join(COUNTRY_CODES)})0?(?P<intl>{_NSN})"
    rf"|0(?P<national>{_NSN}))$"
)
_SHAPE_RE = re.compile(_SHAPE)
_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


def compact(value: str) -> str:
    """Remove whitespace, dots, hyphens, slashes and parentheses (``int`` -> 10 digits)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(10)
    return _SEPARATORS_RE.sub("", str(value))


def validate(value: str) -> str:
    """Return the E.164 form or raise (phonenumbers is the reference)."""
    number = compact(value)
    match = _SHAPE_RE.fullmatch(number)
    if match is None:
        raise InvalidFormat("not written like a French phone number")
    if match["cc"]:
        attempts = [("+" + match["cc"] + match["intl"], None)]
    else:
        attempts = [("0" + match["national"], r) for r in _region_order(match["national"])]
    for text, region in attempts:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    raise InvalidFormat("not an assigned French phone number range")


def _region_order(nsn: str) -> tuple[str, ...]:
    return _OVERSEAS_FIRST if re.match(OVERSEAS_PREFIX, nsn) else NATIONAL_REGIONS


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except IdentifierError:
        return False
    return True


def mask(value: str) -> str:
    """Keep the prefix that tells the kind of line: ``06 ** ** ** **``, ``+33 6 ** ** ** **``."""
    match = _SHAPE_RE.fullmatch(compact(value))
    if match is None:
        return mask_chars(value)
    if match["cc"]:
        return f"+{match['cc']} {match['intl'][0]} ** ** ** **"
    return f"0{match['national'][0]} ** ** ** **"


# --- vectorised twin ------------------------------------------------------------------


def _desc_pattern(desc: object, length: int) -> str | None:
    """The number pattern of a phonenumbers description, if it allows ``length`` digits."""
    pattern = getattr(desc, "national_number_pattern", None)
    lengths = getattr(desc, "possible_length", ())
    if not pattern or (len(lengths) > 0 and length not in lengths):
        return None
    return pattern


def _region_pattern(region: str, length: int) -> tuple[str, str] | None:
    """One regex equivalent to ``_number_type_helper(nsn, region) != UNKNOWN``."""
    metadata = PhoneMetadata.metadata_for_region(region)
    general = _desc_pattern(metadata.general_desc, length)
    types = [p for t in _TYPES if (p := _desc_pattern(getattr(metadata, t), length))]
    if general is None or not types:
        return None
    return f"^(?:{general})$", "^(?:" + "|".join(f"(?:{p})" for p in types) + ")$"


@cache
def _country_plan(cc: int) -> tuple[tuple[str | None, str, str], ...]:
    """Per region of ``cc``, in phonenumbers' order: (leading digits, general, types)."""
    plan = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc]:
        patterns = _region_pattern(region, 9)
        metadata = PhoneMetadata.metadata_for_region(region)
        leading = metadata.leading_digits
        if patterns is None:
            patterns = ("^$", "^$")  # never matches a 9-digit number
        plan.append((leading, *patterns))
    return tuple(plan)


def _valid_expr(nsn: pl.Expr, cc: int) -> pl.Expr:
    """``is_valid_number(+cc nsn)`` vectorised for 9-digit national significant numbers."""
    result: pl.Expr = pl.lit(False)
    for leading, general, types in reversed(_country_plan(cc)):
        ok = nsn.str.contains(general) & nsn.str.contains(types)
        if leading is not None:
            # phonenumbers picks this region on its leading digits alone
            result = pl.when(nsn.str.contains(f"^(?:{leading})")).then(ok).otherwise(result)
        else:
            result = ok | result
    return result


@cache
def _expressions(integers: bool) -> tuple[pl.Expr, pl.Expr, pl.Expr, tuple[pl.Expr, ...],
                                          pl.Expr, pl.Expr]:
    """(capture groups, validity under +33, overseas filter, validity per overseas country
    code, valid, E.164 country code) expressions.

    Built once (they are immutable). Validity per country code is computed into columns
    ``ok<cc>`` that the last two expressions read. The overseas codes' patterns (8 regions,
    two regexes each) only run on the numbers whose verdict can depend on them: written
    with an overseas code, or national and either overseas-prefixed or not valid in
    metropolitan France (a national number valid there is reported as +33 whatever the
    overseas regions say, as phonenumbers does with France tried first); elsewhere their
    columns are false.
    """
    v = pl.col("v")
    if integers:
        v = v.str.zfill(10)  # a column read as numbers lost the leading 0
    v = made_of(v, _RAW).str.replace_all(SEPARATORS, "")
    # capture groups are costly: extract them only where the (cheaper) match test says so
    groups = pl.when(v.str.contains(_SHAPE)).then(v).str.extract_groups(_SHAPE)
    cc, nsn = pl.col("cc"), pl.col("nsn")
    overseas_codes = [code for code in COUNTRY_CODES if code != "33"]
    ok33 = _valid_expr(nsn, 33).alias("ok33")
    overseas = (
        pl.when(cc.is_in(overseas_codes)
                | (cc.is_null() & (nsn.str.contains(OVERSEAS_PREFIX) | ~pl.col("ok33"))))
        .then(nsn)
        .alias("nsn_o")
    )
    by_cc = tuple(
        _valid_expr(pl.col("nsn_o"), int(code)).fill_null(False).alias(f"ok{code}")
        for code in overseas_codes
    )
    valid_by_cc = {code: pl.col(f"ok{code}") for code in COUNTRY_CODES}

    def first_valid_cc(regions: tuple[str, ...]) -> pl.Expr:
        chosen: pl.Expr = pl.lit("33")  # shaped but invalid: +33 by default
        for region in reversed(regions):
            code = str(phonenumbers.country_code_for_region(region))
            chosen = pl.when(valid_by_cc[code]).then(pl.lit(code)).otherwise(chosen)
        return chosen

    national_cc = (
        pl.when(nsn.str.contains(OVERSEAS_PREFIX))
        .then(first_valid_cc(_OVERSEAS_FIRST))
        .otherwise(first_valid_cc(NATIONAL_REGIONS))
    )
    international_ok = pl.lit(False)
    for code in COUNTRY_CODES:
        international_ok = pl.when(cc == code).then(valid_by_cc[code]).otherwise(international_ok)
    national_ok = pl.any_horizontal(*valid_by_cc.values())
    return (
        groups,
        ok33,
        overseas,
        by_cc,
        pl.when(cc.is_not_null()).then(international_ok).otherwise(national_ok),
        pl.when(cc.is_not_null()).then(cc).otherwise(national_cc),
    )


def check_lazy(series: pl.Series) -> pl.LazyFrame:
    """The query of :func:`check_series`, not collected (columns ``n``, ``s``, ``ok``)."""
    groups, ok33, overseas, by_cc, valid, full_cc = _expressions(series.dtype.is_integer())
    nsn = pl.col("nsn")
    return (
        source(series)
        .select(g=groups)
        .unnest("g")
        .with_columns(nsn=pl.coalesce(pl.col("intl"), pl.col("national")))
        .with_columns(ok33)
        .with_columns(overseas)
        .with_columns(by_cc)
        .with_columns(s=nsn.is_not_null(), ok=valid, full_cc=full_cc)
        .select(
            n=pl.when(pl.col("s")).then(pl.concat_str([pl.lit("+"), pl.col("full_cc"), nsn])),
            s=pl.col("s"),
            ok=pl.col("ok").fill_null(False) & pl.col("s"),
        )
    )


def check_series(series: pl.Series) -> SeriesCheck:
    """Vectorised check: shaped = an accepted writing; valid = an assigned number range.

    ``normalised`` is the E.164 form (for shaped but invalid national numbers, ``+33``
    followed by the national significant number).
    """
    return collect_check(check_lazy(series))


__all__ = [
    "COUNTRY_CODES",
    "ENTITY",
    "NATIONAL_REGIONS",
    "OVERSEAS_PREFIX",
    "check_lazy",
    "check_series",
    "compact",
    "is_valid",
    "mask",
    "validate",
]
