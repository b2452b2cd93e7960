"""Synthetic persons, vectorised: identity, NIR, residence, phones, e-mail, blood group.

Consistency rules (INSEE "Le NIR"; CNIL délibération 2019-120):

- the NIR encodes sex (1 man, 2 woman), year and month of birth, the INSEE place of birth
  at the date of birth (mainland département + commune; Corsica ``20`` before 1976 and
  ``2A``/``2B`` since; overseas ``97x`` + 2-digit commune; abroad ``99`` + country code),
  an order number 001-999 and the key ``97 - (N mod 97)``;
- NIRs are unique over the whole file (each person's order number is redrawn until it is);
- children (ayants droit, under 18) are billed on a parent's NIR: same NIR, same usual
  name and home, their own first name and date of birth, rang 2, 3...;
- an NNP (numéro provisoire: ``7``/``8``, the sex, a 3-digit caisse, an 8-digit order;
  no key) stands for the NIR of a few persons;
- married women often use another name than their birth name;
- most persons live in their lab's département, the others nearby or anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from sentinelle.synth import blood, vocab
from sentinelle.synth.config import SynthConfig
from sentinelle.synth.labs import DOCTORS_PER_LAB, Labs
from sentinelle.synth.numbers import (
    e164,
    landline_nsn,
    mobile_nsn,
    nir_key,
    reunion_mobile_nsn,
    zfill,
)

EPOCH = date(1970, 1, 1)
YEAR = 365.2425
_STREET_TYPES = ("rue", "avenue", "boulevard", "allée", "impasse", "chemin", "place", "route",
                 "square", "résidence")
_STREET_TYPE_P = np.array([55, 10, 5, 7, 6, 5, 3, 6, 1, 2], dtype=float) / 100
_ADDR2_KINDS = 6  # Appt n, Bât L, Résidence Les R, Escalier n, n-e étage, BP n
_RESIDENCES = ("Lilas", "Tilleuls", "Jardins", "Hortensias", "Pins", "Coteaux", "Remparts")
_DOMAINS = ("orange.fr", "wanadoo.fr", "gmail.com", "free.fr", "laposte.net", "hotmail.fr",
            "sfr.fr", "yahoo.fr", "outlook.fr", "neuf.fr")
_DOMAIN_P = np.array([22, 12, 25, 10, 8, 10, 5, 4, 3, 1], dtype=float) / 100
_OVERSEAS = np.array([971, 972, 973, 974, 976])
_OVERSEAS_COMMUNES = np.array([32, 34, 22, 24, 17])
_ACCENTS_FROM = ["à", "â", "ä", "é", "è", "ê", "ë", "î", "ï", "ô", "ö", "ù", "û", "ü", "ç", "ÿ",
                 "À", "Â", "Ä", "É", "È", "Ê", "Ë", "Î", "Ï", "Ô", "Ö", "Ù", "Û", "Ü", "Ç"]
_ACCENTS_TO = ["a", "a", "a", "e", "e", "e", "e", "i", "i", "o", "o", "u", "u", "u", "c", "y",
               "A", "A", "A", "E", "E", "E", "E", "I", "I", "O", "O", "U", "U", "U", "C"]


def unaccent(expr: pl.Expr) -> pl.Expr:
    """Drop French accents (vectorised)."""
    return expr.str.replace_many(_ACCENTS_FROM, _ACCENTS_TO)


def to_days(d: date) -> int:
    return (d - EPOCH).days


@dataclass(slots=True)
class UsedIds:
    """NIRs and NNPs already given (sorted int64), so that every person's number is unique."""

    nir: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    nnp: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))


def _fresh(values: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Mask of values that are neither in ``used`` nor repeated earlier in ``values``."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    first = np.ones(len(values), dtype=bool)
    first[1:] = sorted_values[1:] != sorted_values[:-1]
    ok = np.empty(len(values), dtype=bool)
    ok[order] = first
    if len(used):
        pos = np.searchsorted(used, values).clip(0, len(used) - 1)
        ok &= used[pos] != values
    return ok


def _zipf(n: int, s: float, offset: float) -> np.ndarray:
    p = 1.0 / (np.arange(n) + offset) ** s
    return p / p.sum()


@dataclass(frozen=True, slots=True)
class Vocab:
    """Word lists as polars Series (for gathers) plus sampling weights."""

    last: pl.Series
    last_p: np.ndarray
    first: pl.Series
    first_pools: dict[tuple[int, int], np.ndarray]
    streets: pl.Series
    street_types: pl.Series
    cp: pl.Series
    town: pl.Series
    neighbours: tuple[np.ndarray, np.ndarray, np.ndarray]  # flat, offsets, counts
    zone: np.ndarray
    dept_code: pl.Series
    dept_int: np.ndarray  # the département codes as integers (all mainland: 1-95)
    countries: np.ndarray
    domains: pl.Series

    @classmethod
    def load(cls) -> Vocab:
        deps = vocab.departements()
        fn = vocab.first_names()
        pools = {}
        for sex in (1, 2):
            for era in (0, 1, 2):
                fits = (fn.sex == sex) & ((fn.era == era) | (fn.era == 3))
                pools[(sex, era)] = np.flatnonzero(fits)
        flat = np.array([j for nb in deps.neighbours for j in nb], dtype=np.int64)
        counts = np.array([len(nb) for nb in deps.neighbours], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        com = vocab.communes()
        last = vocab.last_names()
        return cls(
            last=pl.Series(last),
            last_p=_zipf(len(last), 0.9, 8.0),
            first=pl.Series(fn.names),
            first_pools=pools,
            streets=pl.Series(vocab.streets()),
            street_types=pl.Series(_STREET_TYPES),
            cp=pl.Series(com.cp),
            town=pl.Series(com.name),
            neighbours=(flat, offsets, counts),
            zone=deps.zone,
            dept_code=pl.Series(deps.codes),
            dept_int=np.array([int(c) for c in deps.codes], dtype=np.int64),
            countries=np.array([c for c, _ in vocab.countries()], dtype=np.int64),
            domains=pl.Series(_DOMAINS),
        )


def _first_names(rng: np.random.Generator, v: Vocab, sex: np.ndarray,
                 year: np.ndarray) -> np.ndarray:
    era = np.where(year < 1960, 0, np.where(year < 1990, 1, 2))
    out = np.empty(len(sex), dtype=np.int64)
    for (s, e), pool in v.first_pools.items():
        mask = (sex == s) & (era == e)
        k = int(mask.sum())
        if k:
            out[mask] = pool[rng.choice(len(pool), k, p=_zipf(len(pool), 0.6, 4.0))]
    return out


def _residence(rng: np.random.Generator, cfg: SynthConfig, v: Vocab,
               lab_dept: np.ndarray) -> np.ndarray:
    """Commune index of each person's home: mostly in the lab's département."""
    n = len(lab_dept)
    com = vocab.communes()
    dept = lab_dept.astype(np.int64).copy()
    away = rng.random(n) >= cfg.local_residence_rate
    flat, offsets, counts = v.neighbours
    near = away & (rng.random(n) < 0.7) & (counts[dept] > 0)
    pick = offsets[dept] + (rng.random(n) * np.maximum(counts[dept], 1)).astype(np.int64)
    dept = np.where(near, flat[np.minimum(pick, len(flat) - 1)], dept)
    far = away & ~near
    dept = np.where(far, rng.integers(0, len(v.zone), n), dept)
    # communes: skewed towards the first (largest) towns of the département
    u = rng.random(n) ** 1.8
    return com.offsets[dept] + (u * com.counts[dept]).astype(np.int64)


def _birthplace(rng: np.random.Generator, v: Vocab, res_dept: np.ndarray, year: np.ndarray
                ) -> tuple[np.ndarray, pl.Series, np.ndarray, np.ndarray]:
    """Place of birth: (integer for the key with 2A -> 19 / 2B -> 18, 5 characters,
    Corsica flag 0 / 1 for 2A / 2 for 2B, born overseas).

    Kinds: home département 60 %, another mainland one 24 %, Corsica 1.5 %, overseas
    (971-976) 2.5 %, abroad (99 + INSEE country code) 12 %.
    """
    n = len(res_dept)
    kind = rng.choice(5, n, p=[0.6, 0.24, 0.015, 0.025, 0.12])
    codes = v.dept_int
    commune = rng.integers(1, 400, n)
    dept = np.where(kind == 0, codes[res_dept], codes[rng.integers(0, len(codes), n)])
    place = dept * 1000 + commune
    is_cors = kind == 2
    split = is_cors & (year >= 1976)
    half = rng.integers(1, 3, n)  # 1 -> 2A (19), 2 -> 2B (18)
    place = np.where(is_cors, 20_000 + np.minimum(commune, 360), place)
    corsica_ab = np.where(half == 1, 19_000, 18_000) + np.minimum(commune, 360)
    place = np.where(split, corsica_ab, place)
    cors = np.where(split, half, 0)
    which = rng.integers(0, len(_OVERSEAS), n)
    commune_overseas = (rng.random(n) * _OVERSEAS_COMMUNES[which]).astype(np.int64)
    overseas = _OVERSEAS[which] * 100 + 1 + commune_overseas
    place = np.where(kind == 3, overseas, place)
    place = np.where(kind == 4, v.countries[rng.integers(0, len(v.countries), n)], place)
    text = zfill(place, 5)
    corsican = pl.Series(np.where(cors == 1, "2A", np.where(cors == 2, "2B", "")))
    text = pl.select(
        pl.when(corsican != "").then(pl.concat_str([corsican, text.str.slice(2, 3)]))
        .otherwise(text)
    ).to_series()
    return place, text, cors, kind == 3


def _claim(rng: np.random.Generator, used: np.ndarray, base: np.ndarray, cors: np.ndarray,
           active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order numbers 001-999 making each active NIR unique; returns (order, new ``used``).

    The uniqueness key is ``(body + order) * 3 + corsica`` (2A and 19 share the key's N).
    """
    order = rng.integers(1, 1000, len(base))
    while True:
        uid = (base + order) * 3 + cors
        clash = active & ~_fresh(np.where(active, uid, -1 - np.arange(len(uid))), used)
        if not clash.any():
            break
        order = np.where(clash, rng.integers(1, 1000, len(base)), order)
    return order, np.union1d(used, uid[active])


def make_persons(rng: np.random.Generator, n: int, cfg: SynthConfig, labs: Labs, v: Vocab,
                 used: UsedIds, *, first_pid: int, allow_children: bool = True) -> pl.DataFrame:
    """``n`` persons as a polars frame (one row each); updates ``used``."""
    lab = rng.choice(len(labs), n, p=labs.weight)
    child = (rng.random(n) < cfg.ayant_droit_rate) if allow_children else np.zeros(n, bool)
    child[0] = False
    adult = ~child
    sex = np.where(rng.random(n) < 0.55, 2, 1).astype(np.int64)
    day0, day1 = to_days(cfg.date_start), to_days(cfg.date_end)
    first_day = rng.integers(day0, day1 + 1, n)
    age_years = np.where(child, rng.random(n) * 17.99, 18 + 80 * rng.beta(2.0, 1.8, n))
    dob = first_day - (age_years * YEAR).astype(np.int64)
    dob64 = dob.astype("datetime64[D]")
    year = dob64.astype("datetime64[Y]").astype(np.int64) + 1970
    month = dob64.astype("datetime64[M]").astype(np.int64) % 12 + 1

    birth_name = rng.choice(len(v.last), n, p=v.last_p)
    married = adult & (sex == 2) & (age_years > 25) & (rng.random(n) < 0.55)
    usage_name = np.where(married, rng.choice(len(v.last), n, p=v.last_p), birth_name)
    prenom = _first_names(rng, v, sex, year)

    commune = _residence(rng, cfg, v, labs.dept[lab])
    res_dept = vocab.communes().dept[commune].astype(np.int64)
    place, place_text, cors, overseas_born = _birthplace(rng, v, res_dept, year)
    base = (sex * 10**12 + (year % 100) * 10**10 + month * 10**8 + place * 1000)
    order, used.nir = _claim(rng, used.nir, base, cors, adult)
    key = nir_key(base + order)

    # NNP: 7/8, sex, caisse (home département + 1), 8-digit order; unique as well
    is_nnp = adult & (rng.random(n) < cfg.nnp_rate)
    caisse = v.dept_int[res_dept] * 10 + 1
    nnp_base = rng.integers(7, 9, n) * 10**12 + sex * 10**11 + caisse * 10**8
    nnp = nnp_base + rng.integers(0, 10**8, n)
    while True:
        clash = is_nnp & ~_fresh(np.where(is_nnp, nnp, -1 - np.arange(n)), used.nnp)
        if not clash.any():
            break
        nnp = np.where(clash, nnp_base + rng.integers(0, 10**8, n), nnp)
    used.nnp = np.union1d(used.nnp, nnp[is_nnp])

    # phones, e-mail, blood, doctor
    age_now = age_years
    zone = v.zone[res_dept]
    has_tel = adult & (rng.random(n) < np.where(age_now > 60, 0.6, 0.4))
    tel = landline_nsn(rng, zone)
    has_mobile = adult & (rng.random(n) < np.where(age_now > 75, 0.55, 0.85))
    reunion = overseas_born & (rng.random(n) < 0.25)
    mobile = np.where(reunion, reunion_mobile_nsn(rng, n), mobile_nsn(rng, n))
    mobile_cc = np.where(reunion, 262, 33)
    has_email = adult & (rng.random(n) < np.where(age_now < 60, 0.55, 0.2))
    gs, pheno, kell = blood.draw(rng, n)
    has_gs = rng.random(n) < 0.35
    has_pheno = has_gs & (rng.random(n) < 0.7)
    has_kell = has_pheno & (rng.random(n) < 0.85)
    doctor = lab * DOCTORS_PER_LAB + rng.integers(0, DOCTORS_PER_LAB, n)
    duplicate = adult & (rng.random(n) < cfg.duplicate_person_rate)
    other_lab = (lab + rng.integers(1, max(len(labs), 2), n)) % len(labs)

    # children: attach each to an adult born 20-42 years earlier, copy the household
    parent = np.arange(n)
    rang = np.ones(n, dtype=np.int64)
    kids = np.flatnonzero(child)
    if len(kids):
        adults = np.flatnonzero(adult)
        by_dob = adults[np.argsort(dob[adults], kind="stable")]
        target = dob[kids] - ((20 + rng.random(len(kids)) * 22) * YEAR).astype(np.int64)
        pos = np.searchsorted(dob[by_dob], target).clip(0, len(by_dob) - 1)
        parent[kids] = by_dob[pos]
        # rang: 2, 3... in the order the children come for one parent
        order_k = np.argsort(parent[kids], kind="stable")
        sorted_parents = parent[kids][order_k]
        starts = np.r_[0, np.flatnonzero(sorted_parents[1:] != sorted_parents[:-1]) + 1]
        run = np.arange(len(kids)) - np.repeat(starts, np.diff(np.r_[starts, len(kids)]))
        rang[kids[order_k]] = 2 + run
        p = parent[kids]
        for arr in (lab, usage_name, commune, res_dept, base, order, key, cors, is_nnp, nnp,
                    has_tel, tel, has_mobile, mobile, mobile_cc, doctor):
            arr[kids] = arr[p]
        birth_name[kids] = usage_name[kids]
        place_text = place_text.scatter(kids, place_text.gather(p))
        has_email[kids] = False

    nir = pl.select(pl.concat_str([
        pl.lit(zfill(sex[parent], 1)), pl.lit(zfill(base // 10**10 % 100, 2)),
        pl.lit(zfill(base // 10**8 % 100, 2)), pl.lit(place_text), pl.lit(zfill(order, 3)),
        pl.lit(zfill(key, 2)),
    ])).to_series()
    street_no = 1 + (rng.random(n) ** 2 * 150).astype(np.int64)
    addr2_kind = rng.integers(0, _ADDR2_KINDS, n)
    has_addr2 = rng.random(n) < 0.18
    frame = pl.DataFrame({
        "pid": np.arange(first_pid, first_pid + n, dtype=np.int64),
        "lab": lab.astype(np.int32),
        "other_lab": other_lab.astype(np.int32),
        "duplicate": duplicate,
        "sex": sex.astype(np.int8),
        "child": child,
        "rang": rang.astype(np.int8),
        "dob": dob.astype(np.int32),
        "first_day": first_day.astype(np.int32),
        "nom": v.last.gather(usage_name),
        "nom_naissance": v.last.gather(birth_name),
        "prenom": v.first.gather(prenom),
        "nir": nir,
        "is_nnp": is_nnp,
        "nnp": zfill(nnp, 13),
        "commune": commune.astype(np.int32),
        "res_dept": res_dept.astype(np.int32),
        "cp": v.cp.gather(commune),
        "ville": v.town.gather(commune),
        "street_no": street_no,
        "street_type": v.street_types.gather(rng.choice(len(_STREET_TYPES), n, p=_STREET_TYPE_P)),
        "street": v.streets.gather(rng.integers(0, len(v.streets), n)),
        "bis": rng.random(n) < 0.03,
        "addr2_kind": np.where(has_addr2, addr2_kind, -1).astype(np.int8),
        "addr2_n": rng.integers(1, 40, n),
        "addr2_r": pl.Series(_RESIDENCES).gather(rng.integers(0, len(_RESIDENCES), n)),
        "addr2_l": pl.Series(list("ABCDEF")).gather(rng.integers(0, 6, n)),
        "tel": np.where(has_tel, e164(tel, np.full(n, 33)), 0),
        "mobile": np.where(has_mobile, e164(mobile, mobile_cc), 0),
        "email_style": rng.integers(0, 6, n).astype(np.int8),
        "email_digits": rng.integers(1, 100, n),
        "email_domain": v.domains.gather(rng.choice(len(_DOMAINS), n, p=_DOMAIN_P)),
        "has_email": has_email,
        "gs": np.where(has_gs, gs, -1).astype(np.int8),
        "pheno": np.where(has_pheno, pheno, -1).astype(np.int8),
        "kell": np.where(has_kell, kell, -1).astype(np.int8),
        "doctor": doctor.astype(np.int32),
    })
    return frame.with_columns(
        adresse1=pl.concat_str([
            pl.col("street_no").cast(pl.String),
            pl.when(pl.col("bis")).then(pl.lit(" bis")).otherwise(pl.lit("")),
            pl.lit(" "), pl.col("street_type"), pl.lit(" "), pl.col("street"),
        ]),
        adresse2=_addr2(),
        email=_email(),
    ).drop("street_no", "street_type", "street", "bis", "addr2_kind", "addr2_n", "addr2_r",
           "addr2_l", "email_style", "email_digits", "email_domain", "has_email")


def _addr2() -> pl.Expr:
    k, num = pl.col("addr2_kind"), pl.col("addr2_n").cast(pl.String)
    parts = (
        [pl.lit("Appt "), num],
        [pl.lit("Bât "), pl.col("addr2_l")],
        [pl.lit("Résidence Les "), pl.col("addr2_r")],
        [pl.lit("Escalier "), num],
        [num, pl.lit("e étage")],
        [pl.lit("BP "), num],
    )
    out = pl.lit(None, dtype=pl.String)
    for i, items in enumerate(parts):
        out = pl.when(k == i).then(pl.concat_str(items)).otherwise(out)
    return out


def _email() -> pl.Expr:
    def clean(col: str) -> pl.Expr:
        return unaccent(pl.col(col).str.to_lowercase()).str.replace_all(r"[^a-z]", "")

    p, n = clean("prenom"), clean("nom")
    d = pl.col("email_digits").cast(pl.String)
    s = pl.col("email_style")
    local = (
        pl.when(s == 0).then(pl.concat_str([p, pl.lit("."), n]))
        .when(s == 1).then(pl.concat_str([p, n, d]))
        .when(s == 2).then(pl.concat_str([p.str.slice(0, 1), n]))
        .when(s == 3).then(pl.concat_str([n, pl.lit("."), p]))
        .when(s == 4).then(pl.concat_str([p, pl.lit("."), n, d]))
        .otherwise(pl.concat_str([p, pl.lit("_"), n, pl.lit("_"), d]))
    )
    return pl.when(pl.col("has_email")).then(
        pl.concat_str([local, pl.lit("@"), pl.col("email_domain")])
    )


__all__ = ["UsedIds", "Vocab", "make_persons", "to_days", "unaccent"]
