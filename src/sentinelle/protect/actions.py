"""Per-column actions of ``sentinelle protect``, vectorised over a column.

- :func:`pseudonymise`: keyed HMAC-SHA256 of the normalised value with the recipient key,
  computed once per *distinct* value (Python loops over the distinct values only, polars
  maps them back), encoded as 16 base32 characters (80 bits; numpy encodes them all at
  once). Deterministic: the same key, recipient and value always give the same pseudonym,
  so joins between exports still work.
- :func:`nir_shaped_pseudonym`: a 15-digit NIR-shaped pseudonym that can never be a real
  NIR (see its docstring).
- generalisation (:func:`generalise`): date of birth to month, year, or age band; postal
  code to département then region; any date to month; age to 5- or 10-year bands.
- masking (:func:`mask`): phones keep their first two digits (``06 ** ** ** **``), e-mail
  addresses keep their top-level domain (``*@*.fr``).

Free-text redaction lives in :mod:`sentinelle.protect.redact`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import numpy as np
import polars as pl

from sentinelle.errors import ConfigError
from sentinelle.identifiers import dates
from sentinelle.identifiers.nir import calc_key
from sentinelle.protect.regions import DEPARTEMENT_REGION

#: Characters removed before hashing an identifier (``1 85 03...`` = ``18503...``).
_SEPARATORS = r"[\s.\-/]"

#: Months a NIR never carries: 00, 13-19 and 43-49. INSEE allots 01-12 for a known
#: month, 20-42 and 50-99 for incomplete civil records (DESIGN.md reference facts;
#: :data:`sentinelle.identifiers.nir.BODY_STRICT`). A NIR-shaped pseudonym uses only these.
IMPOSSIBLE_NIR_MONTHS: tuple[str, ...] = tuple(f"{m:02d}" for m in (*range(13, 20), *range(43, 50)))

GENERALISE_LEVELS = ("month", "year", "age5", "age10", "band5", "band10", "departement",
                     "region")


def normalise_expr(expr: pl.Expr, *, nir: bool = False) -> pl.Expr:
    """The form that is hashed: trimmed, upper-case, without spaces, dots, hyphens, slashes.

    ``nir=True`` keeps only the 13-character body, so a NIR written with its key and the
    same NIR split into body + key columns get the same pseudonym.
    """
    out = expr.cast(pl.String).str.replace_all(_SEPARATORS, "").str.to_uppercase()
    if nir:
        out = out.str.slice(0, 13)
    return pl.when(out.str.len_chars() > 0).then(out)


#: ``bytes.translate`` table: 5-bit group -> RFC 4648 base32 character.
_B32 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".ljust(256, b"\0")


def _token(key: bytes, value: str) -> str:
    digest = hmac.digest(key, value.encode("utf-8"), "sha256")
    return base64.b32encode(digest[:10]).decode("ascii")


def hmac_many(key: bytes, values: list[str]) -> list[bytes]:
    """HMAC-SHA256 (RFC 2104) of many values (UTF-8) with one key: see :func:`hmac_bytes`."""
    return hmac_bytes(key, [v.encode("utf-8") for v in values])


def hmac_bytes(key: bytes, values: list[bytes]) -> list[bytes]:
    """HMAC-SHA256 (RFC 2104) of many byte strings with one key: the inner and outer hash
    states are computed once and copied per value (about twice as fast as
    ``hmac.digest`` per value, same result)."""
    block = key if len(key) <= 64 else hashlib.sha256(key).digest()
    block = block.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    inner_copy, outer_copy = inner.copy, outer.copy
    out: list[bytes] = []
    append = out.append
    for v in values:
        i = inner_copy()
        i.update(v)
        o = outer_copy()
        o.update(i.digest())
        append(o.digest())
    return out


def _base32(raw: np.ndarray) -> bytes:
    """RFC 4648 base32 of rows of 10 bytes (``uint8[n, 10]``): 16 ASCII characters per
    row, no padding (10 bytes are exactly two 40-bit groups)."""
    g = raw.reshape(-1, 5)
    out = np.empty((len(g), 8), dtype=np.uint8)
    out[:, 0] = g[:, 0] >> 3
    out[:, 1] = ((g[:, 0] & 7) << 2) | (g[:, 1] >> 6)
    out[:, 2] = (g[:, 1] >> 1) & 31
    out[:, 3] = ((g[:, 1] & 1) << 4) | (g[:, 2] >> 4)
    out[:, 4] = ((g[:, 2] & 15) << 1) | (g[:, 3] >> 7)
    out[:, 5] = (g[:, 3] >> 2) & 31
    out[:, 6] = ((g[:, 3] & 3) << 3) | (g[:, 4] >> 5)
    out[:, 7] = g[:, 4] & 31
    return out.tobytes().translate(_B32)


def _token_series(digests: list[bytes]) -> pl.Series:
    """:func:`_token` of many values from their HMACs: base32 of the first 10 bytes,
    vectorised (numpy), straight into a polars String Series."""
    if not digests:
        return pl.Series([], dtype=pl.String)
    raw = np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(-1, 32)[:, :10]
    chars = _base32(np.ascontiguousarray(raw))
    return pl.Series(np.frombuffer(chars, dtype="S16")).cast(pl.String)


def nir_shaped(key: bytes, value: str) -> str:
    """A 15-digit pseudonym shaped like a NIR, with a correct key, that no person holds.

    Its month of birth (positions 4-5) is one of 13-19 or 43-49, months INSEE never
    allots (01-12 for a known month, 20-42 and 50-99 for incomplete civil records:
    DESIGN.md's reference facts, INSEE "Le NIR"), so it cannot equal any NIR or NIA
    ever issued, and :func:`sentinelle.identifiers.nir.is_valid` (strict structure) is
    ``False`` for it. Its key is the correct mod-97 key, so systems that only check the
    key or the length accept it. Every other field comes from the HMAC (nothing of the
    real NIR is kept: not the sex, year or place). About 2^44 values: collisions within
    one export of a few hundred thousand persons are unlikely but possible.
    """
    return _nir_of_digest(hmac.digest(key, value.encode("utf-8"), "sha256"))


def _nir_of_digest(digest: bytes) -> str:
    """The NIR-shaped pseudonym of a value given its HMAC (see :func:`nir_shaped`)."""
    n = int.from_bytes(digest[:16], "big")
    n, sex = divmod(n, 2)
    n, year = divmod(n, 100)
    n, month = divmod(n, len(IMPOSSIBLE_NIR_MONTHS))
    n, dept = divmod(n, 95)
    n, commune = divmod(n, 999)
    order = n % 999
    body = (f"{sex + 1}{year:02d}{IMPOSSIBLE_NIR_MONTHS[month]}{dept + 1:02d}"
            f"{commune + 1:03d}{order + 1:03d}")
    return body + calc_key(body)


#: Sizes of the fields of a NIR-shaped pseudonym, drawn in this order from its HMAC.
_NIR_FIELDS = (2, 100, len(IMPOSSIBLE_NIR_MONTHS), 95, 999, 999)
#: Every field depends on the 128-bit HMAC prefix modulo this product only (< 2**35).
_NIR_SPAN = int(np.prod(_NIR_FIELDS, dtype=np.int64))
_NIR_MONTHS = np.array([int(m) for m in IMPOSSIBLE_NIR_MONTHS], dtype=np.int64)


def _nir_series(digests: list[bytes]) -> pl.Series:
    """:func:`_nir_of_digest` of many HMACs, vectorised (numpy int64): the 15 digits are
    built as one number (it starts with the sex digit, 1 or 2, so it has no leading
    zero), the key is 97 - body mod 97."""
    if not digests:
        return pl.Series([], dtype=pl.String)
    head = np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(-1, 32)[:, :16]
    n = np.zeros(len(head), dtype=np.uint64)
    for j in range(16):  # big-endian prefix modulo _NIR_SPAN (n * 256 < 2**43)
        n = (n * np.uint64(256) + head[:, j]) % np.uint64(_NIR_SPAN)
    rest = n.astype(np.int64)
    fields = []
    for size in _NIR_FIELDS:
        rest, field = np.divmod(rest, size)
        fields.append(field)
    sex, year, month, dept, commune, order = fields
    body = ((((sex + 1) * 100 + year) * 100 + _NIR_MONTHS[month]) * 100 + dept + 1) * 1000
    body = (body + commune + 1) * 1000 + order + 1
    return pl.Series(body * 100 + (97 - body % 97)).cast(pl.String)


def pseudonymise(series: pl.Series, key: bytes, *, shape: str = "token", nir: bool = False) -> pl.Series:
    """Keyed pseudonyms of a column (null stays null). ``shape``: ``token`` or ``nir``.

    The HMAC is computed once per distinct normalised value (:func:`hmac_bytes`, the only
    Python loop), the encoding is vectorised (numpy), and polars maps the pseudonyms back
    to the rows."""
    if shape not in ("token", "nir"):
        raise ConfigError(f"unknown pseudonym shape {shape!r} (token or nir)")
    norm = pl.select(normalise_expr(pl.lit(series), nir=nir)).to_series()
    distinct = norm.drop_nulls().unique()
    digests = hmac_bytes(key, distinct.cast(pl.Binary).to_list())  # UTF-8 bytes
    if shape == "nir":
        mapped = _nir_series(digests)
    else:
        mapped = _token_series(digests)
    return norm.replace_strict(distinct, mapped, default=None,
                               return_dtype=pl.String).alias(series.name)


def canary_token(key: bytes, label: str, *, shape: str = "token") -> str:
    """A canary pseudonym. ``label`` starts with a NUL byte, which no normalised cell
    holds, so a canary never equals the pseudonym of a real value."""
    value = "\x00canary\x00" + label
    return nir_shaped(key, value) if shape == "nir" else _token(key, value)


# --- generalisation -------------------------------------------------------------------


def departement_expr(expr: pl.Expr) -> pl.Expr:
    """Postal code -> département: 2 digits, 3 overseas (97x), Corsica 2A (200-201) / 2B."""
    code = expr.cast(pl.String).str.replace_all(r"\s", "")
    return (
        pl.when(code.str.contains(r"^97\d{3}$")).then(code.str.slice(0, 3))
        .when(code.str.contains(r"^20[01]\d{2}$")).then(pl.lit("2A"))
        .when(code.str.contains(r"^20\d{3}$")).then(pl.lit("2B"))
        .when(code.str.contains(r"^\d{5}$")).then(code.str.slice(0, 2))
        .when(code.str.contains(r"^(?:\d{2,3}|2[AaBb])$")).then(code.str.to_uppercase())
        .otherwise(None)
    )


def region_expr(expr: pl.Expr) -> pl.Expr:
    """Postal code or département -> region (INSEE region code, e.g. ``53`` Bretagne)."""
    return departement_expr(expr).replace_strict(DEPARTEMENT_REGION, default=None,
                                                 return_dtype=pl.String)


def _band(years: pl.Expr, width: int) -> pl.Expr:
    low = (years // width) * width
    return pl.when(years.is_not_null()).then(
        low.cast(pl.String) + "-" + (low + width - 1).cast(pl.String)
    )


def per_distinct(series: pl.Series, fn) -> pl.Series:  # type: ignore[no-untyped-def]
    """``fn`` (Series -> Series of the same length, a pure function of each value) computed
    on the distinct values only, then mapped back to every row. Exports repeat values
    (dates, postal codes, templated remarks): this is where the time goes otherwise."""
    text = series.cast(pl.String)
    distinct = text.drop_nulls().unique()
    if distinct.len() * 2 > text.len():
        return fn(text).alias(series.name)
    mapped = fn(distinct)
    nulls = fn(pl.Series([None], dtype=pl.String))[0]
    out = text.replace_strict(distinct, mapped.cast(pl.String), default=None, return_dtype=pl.String)
    if nulls is not None:
        out = out.fill_null(nulls)
    return out.alias(series.name)


def generalise(series: pl.Series, to: str, *, as_of: dt.date | None = None) -> pl.Series:
    """Like :func:`generalise_values`, computed once per distinct value."""
    return per_distinct(series, lambda s: generalise_values(s, to, as_of=as_of))


def generalise_values(series: pl.Series, to: str, *, as_of: dt.date | None = None) -> pl.Series:
    """Generalise a column: ``month``/``year``/``age5``/``age10`` for dates (``age*``:
    age band at ``as_of``, default today, from the year of birth), ``band5``/``band10`` for
    ages, ``departement``/``region`` for postal codes or départements."""
    as_of = as_of or dt.date.today()
    name = series.name
    if to in ("departement", "region"):
        fn = departement_expr if to == "departement" else region_expr
        return pl.select(fn(pl.lit(series.cast(pl.String)))).to_series().alias(name)
    if to in ("band5", "band10"):
        ages = series.cast(pl.String).str.extract(r"(\d{1,3})").cast(pl.Int32, strict=False)
        return pl.select(_band(pl.lit(ages), 5 if to == "band5" else 10)).to_series().alias(name)
    if to not in ("month", "year", "age5", "age10"):
        raise ConfigError(f"unknown generalisation {to!r} ({', '.join(GENERALISE_LEVELS)})")
    # Already generalised values (a year, an age band) pass through a stricter level.
    text = series.cast(pl.String).str.strip_chars()
    parsed = dates.parse_series(text)
    year = pl.lit(parsed).dt.year()
    year = pl.when(year.is_not_null()).then(year).otherwise(
        pl.lit(text).str.extract(r"^(\d{4})(?:-\d{2})?$").cast(pl.Int32, strict=False))
    if to == "month":
        out = pl.lit(parsed).dt.strftime("%Y-%m")
    elif to == "year":
        out = year.cast(pl.String)
    else:
        width = 5 if to == "age5" else 10
        age = pl.lit(as_of.year, pl.Int32) - year
        from_band = pl.lit(text).str.extract(r"^(\d{1,3})-\d{1,3}$").cast(pl.Int32, strict=False)
        out = _band(pl.coalesce(age, from_band), width)
    return pl.select(out).to_series().alias(name)


# --- masking ----------------------------------------------------------------------------


def mask(series: pl.Series, kind: str) -> pl.Series:
    """Like :func:`mask_values`, computed once per distinct value."""
    return per_distinct(series, lambda s: mask_values(s, kind))


def mask_values(series: pl.Series, kind: str) -> pl.Series:
    """``phone``: ``06 ** ** ** **`` (kind of line kept); ``email``: ``*@*.fr``;
    anything else: every character but separators becomes ``*``."""
    text = pl.lit(series.cast(pl.String)).str.strip_chars()
    present = text.str.len_chars() > 0
    if kind == "phone":
        digits = text.str.replace_all(r"[^\d+]", "").str.replace(r"^(?:\+|00)33", "0")
        out = pl.when(present).then(digits.str.slice(0, 2) + pl.lit(" ** ** ** **"))
    elif kind == "email":
        tld = text.str.extract(r"\.([A-Za-z]{2,16})$")
        out = pl.when(present).then(pl.lit("*@*.") + tld.fill_null("*"))
    else:
        out = pl.when(present).then(text.str.replace_all(r"[^\s.\-/]", "*"))
    return pl.select(out).to_series().alias(series.name)


__all__ = [
    "GENERALISE_LEVELS",
    "IMPOSSIBLE_NIR_MONTHS",
    "canary_token",
    "departement_expr",
    "generalise",
    "mask",
    "nir_shaped",
    "normalise_expr",
    "pseudonymise",
    "region_expr",
]
