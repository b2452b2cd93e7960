"""Free-text comments: health notes (GDPR Art. 9 categories), neutral remarks, callbacks.

The 2021 leak's comment fields held pregnancy, deafness, HIV status and treatments (CNIL
SAN-2022-009). A health note is one to three fragments, each from a template of one
category (some templates carry two, e.g. "diabète sous metformine" is DIABETES and
TREATMENT), in varied French phrasings; pregnancy notes only go to women aged 15-48. Some
cells lose their accents or are upper-cased, as old systems did. A share of comments gets a
callback phone number ("rappeler au 06 12 34 56 78"), reported in the truth as a PHONE.

Everything is vectorised: templates are gathered by index and slots (``{e}``, ``{SA}``,
``{DATE}``, ``{PHONE}``...) are filled with polars string replacements.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sentinelle.synth import vocab
from sentinelle.synth.numbers import PHONE_STYLES, e164, mobile_nsn, phone_written
from sentinelle.synth.people import unaccent

CATEGORY_WEIGHTS: dict[str, float] = {
    "HIV": 0.08,
    "PREGNANCY": 0.20,
    "DEAFNESS": 0.05,
    "HEPATITIS": 0.06,
    "CANCER": 0.08,
    "DIABETES": 0.12,
    "MENTAL_HEALTH": 0.06,
    "TREATMENT": 0.22,
    "OTHER_HEALTH": 0.13,
}
_SEPARATORS = (", ", " - ", ". ", " / ", "; ")
_SEP_P = np.array([0.45, 0.25, 0.15, 0.1, 0.05])


@dataclass(frozen=True, slots=True)
class Comments:
    text: pl.Series  # String, null when no comment
    mask: np.ndarray  # int16 health category bitmask per row
    phone: np.ndarray  # int64 E.164 of the embedded phone, 0 when none


def make_comments(rng: np.random.Generator, *, n: int, health_rate: float, neutral_rate: float,
                  phone_rate: float, sex: np.ndarray, age: np.ndarray, day: np.ndarray,
                  mobile: np.ndarray) -> Comments:
    """Comments for ``n`` rows; ``mobile`` is the patient's E.164 mobile (0 when none)."""
    tpl = vocab.comment_templates()
    health, neutral, phone = tpl["health"], tpl["neutral"], tpl["phone"]
    cats = vocab.CATEGORIES
    weights = np.array([CATEGORY_WEIGHTS[c] for c in cats])
    preg = cats.index("PREGNANCY")
    no_preg = weights.copy()
    no_preg[preg] = 0.0

    u = rng.random(n)
    is_health = u < health_rate
    is_neutral = ~is_health & (u < health_rate + neutral_rate)
    fragments = 1 + (rng.random(n) > 0.8).astype(np.int64) + (rng.random(n) > 0.97)
    can_be_pregnant = (sex == 2) & (age >= 15) & (age <= 48)

    by_primary = [np.flatnonzero(health.primary == i) for i in range(len(cats))]
    mask = np.zeros(n, dtype=np.int16)
    slots: list[np.ndarray] = []
    for j in range(3):
        active = is_health & (fragments > j)
        cat = rng.choice(len(cats), n, p=weights / weights.sum())
        redraw = rng.choice(len(cats), n, p=no_preg / no_preg.sum())
        cat = np.where((cat == preg) & ~can_be_pregnant, redraw, cat)
        pick = rng.random(n)
        idx = np.full(n, -1, dtype=np.int64)
        for c, members in enumerate(by_primary):
            sel = active & (cat == c)
            if sel.any() and len(members):
                idx[sel] = members[(pick[sel] * len(members)).astype(np.int64)]
        mask |= np.where(idx >= 0, health.mask[idx.clip(0)], 0).astype(np.int16)
        slots.append(idx)
    with_neutral = is_neutral | (is_health & (rng.random(n) < 0.2))
    neutral_idx = np.where(with_neutral, rng.integers(0, len(neutral.text), n), -1)
    neutral_first = rng.random(n) < 0.5
    has_phone = (is_health | is_neutral) & (rng.random(n) < phone_rate)
    # the patient's own mobile when it is a mainland one (a Réunion number written
    # nationally would need the RE region to parse: it stays in the mobile column)
    own = (mobile // 1_000_000_000 == 33) & (rng.random(n) < 0.5)
    fresh = e164(mobile_nsn(rng, n), np.full(n, 33))
    phone_e164 = np.where(has_phone, np.where(own, mobile, fresh), 0).astype(np.int64)

    frame = pl.DataFrame({
        "h0": _gather(health.text, slots[0]),
        "h1": _gather(health.text, slots[1]),
        "h2": _gather(health.text, slots[2]),
        "nt": _gather(neutral.text, neutral_idx),
        "nf": neutral_first,
        "ph": _gather(phone.text, np.where(has_phone, rng.integers(0, len(phone.text), n), -1)),
        "s1": pl.Series(_SEPARATORS).gather(rng.choice(len(_SEPARATORS), n, p=_SEP_P)),
        "s2": pl.Series(_SEPARATORS).gather(rng.choice(len(_SEPARATORS), n, p=_SEP_P)),
        "female": sex == 2,
        "sa": rng.integers(4, 41, n),
        "num": rng.integers(2, 10, n),
        "date": (day - rng.integers(7, 280, n)).astype(np.int32),
        "pcc": phone_e164 // 1_000_000_000,
        "pnsn": phone_e164 % 1_000_000_000,
        "pstyle": rng.integers(0, len(PHONE_STYLES), n),
        "noacc": rng.random(n) < 0.2,
        "upper": rng.random(n) < 0.12,
    })
    s1, s2 = pl.col("s1"), pl.col("s2")
    note = pl.concat_str(
        [pl.col("h0"), pl.concat_str([s1, pl.col("h1")]), pl.concat_str([s2, pl.col("h2")])],
        ignore_nulls=True,
    )
    body = (
        pl.when(pl.col("h0").is_null()).then(pl.col("nt"))
        .when(pl.col("nt").is_null()).then(note)
        .when(pl.col("nf")).then(pl.concat_str([pl.col("nt"), s2, note]))
        .otherwise(pl.concat_str([note, s2, pl.col("nt")]))
    )
    text = (
        pl.when(pl.col("ph").is_null()).then(body)
        .otherwise(pl.concat_str([body, s1, pl.col("ph")]))
    )
    female = pl.col("female")
    date_text = pl.col("date").cast(pl.Date).dt.strftime("%d/%m/%Y")
    filled = (
        pl.col("c")
        .str.replace_all("{e}", pl.when(female).then(pl.lit("e")).otherwise(pl.lit("")),
                         literal=True)
        .str.replace_all("{f}", pl.when(female).then(pl.lit("ve")).otherwise(pl.lit("f")),
                         literal=True)
        .str.replace_all("{te}", pl.when(female).then(pl.lit("te")).otherwise(pl.lit("")),
                         literal=True)
        .str.replace_all("{SA}", pl.col("sa").cast(pl.String), literal=True)
        .str.replace_all("{N}", pl.col("num").cast(pl.String), literal=True)
        .str.replace_all("{DATE}", date_text, literal=True)
    )
    c = pl.col("c")
    # one step per column so that each expression is evaluated once (and polars never
    # folds a one-row chunk into a null scalar inside the replacements)
    out = (
        frame.with_columns(c=text)
        .with_columns(c=filled)
        .with_columns(c=pl.when(pl.col("noacc")).then(unaccent(c)).otherwise(c))
        .with_columns(c=pl.when(pl.col("upper")).then(c.str.to_uppercase()).otherwise(c))
        # the phone goes in last so that accent stripping / upper-casing never touches it
        .with_columns(p=phone_written(pl.col("pnsn"), pl.col("pcc"), pl.col("pstyle")))
        .select(c.str.replace("{PHONE}", pl.col("p"), literal=True).alias("comment"))
        .to_series()
    )
    return Comments(text=out, mask=mask, phone=phone_e164)


def _gather(texts: tuple[str, ...], idx: np.ndarray) -> pl.Series:
    """Templates by index; -1 gives null."""
    series = pl.Series(texts).gather(idx.clip(0))
    return pl.select(pl.when(pl.Series(idx) >= 0).then(series)).to_series()


__all__ = ["CATEGORY_WEIGHTS", "Comments", "make_comments"]
