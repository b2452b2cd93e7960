"""Column classification: which entity a table column holds.

Two signals are combined (the Presidio idea of pattern + validation + context, applied to a
whole column instead of one value):

1. the header words (:mod:`sentinelle.detect.headers`), which propose an entity;
2. a vote over a sample of values: cheap shape features pick the identifier checks worth
   running, then the vectorised checks of :mod:`sentinelle.identifiers` give a valid ratio.

A header proposal is accepted when the values do not contradict it; strong check-digit
identifiers (NIR, IBAN, e-mail, phone) win over a neutral header; headerless columns are
classified from values alone. The result is a :class:`ColumnPlan` per column, computed once
per file from its first chunk and reused for every later chunk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType

import polars as pl

from sentinelle.detect.headers import (
    FREE_TEXT,
    NEUTRAL,
    NIR_KEY,
    OTHER_DATE,
    HeaderHint,
    header_hint,
)
from sentinelle.detect.shapes import Shape, non_empty_columns, shapes_of
from sentinelle.entities import Entity
from sentinelle.identifiers import nir as nir_module
from sentinelle.identifiers._series import SeriesCheck, collect_checks

#: Entities whose values are checked with an identifier module (check digits or structure).
CHECKED: dict[str, str] = {
    Entity.NIR: "nir",
    Entity.NIR_NO_KEY: "nir_no_key",
    Entity.NNP: "nnp",
    Entity.RPPS: "rpps",
    Entity.ADELI: "adeli",
    Entity.FINESS: "finess",
    Entity.AM_NUMBER: "am_number",
    Entity.SIREN: "siren",
    Entity.SIRET: "siret",
    Entity.IBAN: "iban",
    Entity.PHONE: "phone",
    Entity.EMAIL: "email",
    Entity.DATE_OF_BIRTH: "dates",
    Entity.BLOOD_GROUP: "blood_group",
    Entity.POSTAL_CODE: "postal_code",
}
#: Identifiers specific enough that their values beat a header that says something else.
STRONG = (Entity.NIR, Entity.NIR_NO_KEY, Entity.IBAN, Entity.EMAIL, Entity.PHONE, Entity.SIRET)
#: Fewer values than this say too little for a vote on shape alone (names, logins...).
MIN_SHAPE_VALUES = 10
#: Entities that are present when the cell is non-empty (no check digits).
PRESENCE = (Entity.PERSON_NAME, Entity.ADDRESS, Entity.CREDENTIAL)


def identifier(entity: str) -> ModuleType:
    """The identifier module that checks ``entity``."""
    return import_module(f"sentinelle.identifiers.{CHECKED[entity]}")


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """How one column is read: its entity (or ``None``), and how sure we are."""

    index: int
    name: str | None
    entity: str | None  # an Entity id, FREE_TEXT or None
    confidence: float
    valid_ratio: float
    reasons: tuple[str, ...] = ()
    key_index: int | None = None  # NIR_NO_KEY: index of the column holding the key
    free_text: bool = False  # scan the cells as text (comments, notes)


@dataclass(slots=True)
class _Vote:
    entity: str
    ratio: float
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Evidence:
    """What is known about one column: sample values, shape, header hint, checks run."""

    index: int
    name: str | None
    values: pl.Series
    shape: Shape
    hint: HeaderHint | None
    checks: dict[str, SeriesCheck] = field(default_factory=dict)

    def wanted(self) -> list[str]:
        """The identifier checks this column deserves (shape candidates + header's)."""
        if self.shape.n == 0:
            return []
        out = _candidates(self.shape)
        if self.hint and self.hint.entity in CHECKED:
            out.append(self.hint.entity)
            if self.hint.entity == Entity.NIR:
                out.append(Entity.NIR_NO_KEY)
        return list(dict.fromkeys(out))

    def ratio(self, entity: str) -> float:
        check = self.checks.get(entity)
        if check is None or self.values.len() == 0:
            return 0.0
        return check.count / self.values.len()


def _run_checks(columns: list[_Evidence]) -> None:
    """Run every wanted (column, identifier) check, one check per identifier.

    The sample values of all the columns that want the same check are stacked into one
    series, checked once (vectorised), and the result is sliced back per column.
    """
    wanted: dict[str, list[_Evidence]] = {}
    for ev in columns:
        for entity in ev.wanted():
            wanted.setdefault(entity, []).append(ev)
    entities = list(wanted)
    queries = [
        identifier(e).check_lazy(pl.concat([ev.values for ev in wanted[e]])) for e in entities
    ]
    for entity, check in zip(entities, collect_checks(queries), strict=True):
        offset = 0
        for ev in wanted[entity]:
            n = ev.values.len()
            ev.checks[entity] = SeriesCheck(
                check.normalised.slice(offset, n), check.shaped.slice(offset, n),
                check.valid.slice(offset, n),
            )
            offset += n


def _candidates(shape: Shape) -> list[str]:
    """Identifier checks worth running on a column with this shape, most specific first."""
    out: list[str] = []
    if shape.at_sign > 0.3:
        out.append(Entity.EMAIL)
    if shape.digits > 0.3:
        out += {
            15: [Entity.NIR],
            13: [Entity.NNP, Entity.NIR_NO_KEY],  # NNP first: its prefix check is stricter
            14: [Entity.SIRET],
            11: [Entity.RPPS],
            9: [Entity.FINESS, Entity.ADELI, Entity.SIREN],
            5: [Entity.POSTAL_CODE],
        }.get(shape.mode_len, [])
    if shape.mode_len in (27, 28) and shape.digits < 0.3 and shape.at_sign < 0.3:
        out.append(Entity.IBAN)
    if shape.phone_like > 0.3 and 9 <= shape.mode_len <= 14:
        out.append(Entity.PHONE)
    if shape.date_like > 0.3:
        out.append(Entity.DATE_OF_BIRTH)
    if shape.mean_len <= 16 and shape.distinct <= 120 and shape.digits < 0.5 and shape.date_like < 0.3:
        out.append(Entity.BLOOD_GROUP)
    return list(dict.fromkeys(out))


def _birth_dates_plausible(check: SeriesCheck) -> bool:
    """Birth dates span decades; sampling or file dates sit in a few recent years."""
    years = check.normalised.filter(check.valid).str.slice(0, 4).cast(pl.Int32, strict=False)
    years = years.drop_nulls()
    if years.len() == 0:
        return False
    span = int(years.max()) - int(years.min())  # type: ignore[operator]
    return span >= 30 and float(years.median() or 0) <= 1995  # type: ignore[arg-type]


def _best_identifier(ev: _Evidence) -> _Vote | None:
    best: _Vote | None = None
    for entity in _candidates(ev.shape):
        ratio = ev.ratio(entity)
        if best is None or ratio > best.ratio + 0.05:
            best = _Vote(entity, ratio, [f"{ratio:.0%} of sampled values are valid {entity}"])
    return best


def _luhn9_entity(shape: Shape) -> str:
    """9-digit Luhn numbers: FINESS (few establishments) versus ADELI (many practitioners)."""
    return Entity.FINESS if shape.distinct <= max(3, shape.n // 50) else Entity.ADELI


def _first_name_ratio(values: pl.Series) -> float:
    try:
        from sentinelle.names import first_name_ratio
    except ImportError:  # pragma: no cover - the names package ships with sentinelle
        return 0.0
    return first_name_ratio(values, any_token=True)


_SOME_FIRST_NAMES = 0.05


def _looks_free_text(shape: Shape) -> bool:
    """Sentences: long, with spaces, many different values, not addresses."""
    return (shape.mean_len >= 18 and shape.spaces >= 0.5 and shape.street < 0.5
            and shape.distinct >= min(20, max(3, shape.n // 10)))


def _presence_vote(shape: Shape, values: pl.Series, after_postal: bool) -> _Vote | None:
    """Names, addresses, credentials and free text from value shape alone."""
    if shape.n < MIN_SHAPE_VALUES:
        return None
    if _looks_free_text(shape):
        return _Vote(FREE_TEXT, shape.spaces, ["long free text"])
    if shape.titled >= 0.5:
        return _Vote(Entity.PERSON_NAME, shape.titled, [f"{shape.titled:.0%} start with a title"])
    if shape.street >= 0.5:
        return _Vote(Entity.ADDRESS, shape.street, [f"{shape.street:.0%} contain a street word"])
    many = shape.distinct >= min(40, max(5, shape.n // 4))
    if shape.letters_only_name >= 0.9:
        if after_postal and many:
            return _Vote(Entity.ADDRESS, shape.letters_only_name, ["place names after a postal code"])
        ratio = _first_name_ratio(values)
        # many name-shaped values count as names only if some are known first names: a
        # column of surnames always has a few (MARTIN, BERNARD...), a list of words has none
        if (ratio >= 0.5 and shape.distinct >= 5) or (many and ratio >= _SOME_FIRST_NAMES):
            reason = f"{ratio:.0%} contain a known first name" if ratio >= 0.5 else "name-shaped, many values"
            return _Vote(Entity.PERSON_NAME, shape.letters_only_name, [reason])
    secretish = shape.secret_strict + shape.digits * (shape.date_like < 0.9)
    if shape.secret_strict >= 0.3 and secretish >= 0.75 and shape.cardinality >= 0.8 and shape.spaces < 0.05:
        return _Vote(Entity.CREDENTIAL, shape.secret_strict, ["unique passwords (mixed case and digits)"])
    if shape.login_like >= 0.5 and shape.cardinality >= 0.8 and shape.spaces < 0.05:
        return _Vote(Entity.CREDENTIAL, shape.login_like, ["unique logins"])
    return None


def _classify(ev: _Evidence, after_postal: bool) -> ColumnPlan:
    index, name, values, shape, hint = ev.index, ev.name, ev.values, ev.shape, ev.hint
    if shape.n == 0:
        return ColumnPlan(index, name, None, 0.0, 0.0, ("empty",))
    vote = _best_identifier(ev)
    if vote and vote.entity == Entity.FINESS and vote.ratio >= 0.9:
        vote.entity = _luhn9_entity(shape)
    hinted = hint.entity if hint else None

    # 1. The header names a checked identifier: accept it unless the values say otherwise.
    if hinted in CHECKED:
        entity = hinted
        if hinted == Entity.NIR and shape.mode_len == 13:
            entity = Entity.NIR_NO_KEY
        ratio = ev.ratio(entity)
        if entity == Entity.DATE_OF_BIRTH and ratio < 0.5:
            entity = None
        if entity and ratio >= 0.3:
            conf = 1 - (1 - hint.strength) * (1 - ratio)  # type: ignore[union-attr]
            reasons = (f"header '{hinted}' words", f"{ratio:.0%} of sampled values valid")
            return ColumnPlan(index, name, entity, conf, ratio, reasons)
    # 2. A specific identifier in the values wins over any other header.
    if vote and vote.ratio >= 0.5 and vote.entity in STRONG:
        return ColumnPlan(index, name, vote.entity, vote.ratio, vote.ratio, tuple(vote.reasons))
    if hinted == NIR_KEY:
        return ColumnPlan(index, name, NIR_KEY, hint.strength, 0.0, ("header: NIR key",))  # type: ignore[union-attr]
    if hinted in PRESENCE:
        conf = hint.strength  # type: ignore[union-attr]
        return ColumnPlan(index, name, hinted, conf, 1.0, (f"header '{hinted}' words",))
    if hinted == FREE_TEXT or (hinted is None and _looks_free_text(shape)):
        return ColumnPlan(index, name, FREE_TEXT, 0.9, 0.0, ("free text",), free_text=True)
    if hinted in (NEUTRAL, OTHER_DATE):
        return ColumnPlan(index, name, None, hint.strength, 0.0, (f"header says {hinted.lower()}",))  # type: ignore[union-attr]
    # 3. No usable header: values alone.
    if vote and vote.ratio >= 0.8:
        if vote.entity == Entity.DATE_OF_BIRTH and not _birth_dates_plausible(ev.checks[Entity.DATE_OF_BIRTH]):
            return ColumnPlan(index, name, None, 0.6, vote.ratio, ("dates, not birth dates",))
        if vote.entity in (Entity.SIREN, Entity.ADELI, Entity.FINESS) and vote.ratio < 0.95:
            pass  # Luhn lets 10% of random numbers through: demand near-certainty
        else:
            return ColumnPlan(index, name, vote.entity, vote.ratio, vote.ratio, tuple(vote.reasons))
    presence = _presence_vote(shape, values, after_postal)
    if presence:
        free = presence.entity == FREE_TEXT
        return ColumnPlan(
            index, name, presence.entity, presence.ratio, presence.ratio,
            tuple(presence.reasons), free_text=free,
        )
    return ColumnPlan(index, name, None, 0.0, vote.ratio if vote else 0.0, ())


def _pair_nir_keys(plans: list[ColumnPlan], sample: pl.DataFrame) -> list[ColumnPlan]:
    """Attach a key column to each NIR_NO_KEY column (header ``CLE``, or 2-digit neighbour)."""
    out = list(plans)
    for i, plan in enumerate(plans):
        if plan.entity != Entity.NIR_NO_KEY:
            continue
        body = sample.to_series(plan.index)
        candidates = [p for p in plans if p.entity == NIR_KEY] + [
            p for p in plans if p.index == plan.index + 1 and p.entity is None
        ]
        for cand in candidates:
            keys = sample.to_series(cand.index)
            both = pl.DataFrame({"b": body, "k": keys}).drop_nulls()
            if both.height == 0:
                continue
            compact = both["b"].str.replace_all(r"[\s.\-/]", "").str.to_uppercase()
            hits = pl.DataFrame({"b": compact, "k": both["k"]}).select(
                nir_module.key_matches_expr(pl.col("b"), pl.col("k")).mean()
            ).item()
            if (hits or 0) >= 0.5:
                out[i] = ColumnPlan(
                    plan.index, plan.name, plan.entity, plan.confidence, plan.valid_ratio,
                    plan.reasons + (f"key in column {cand.index}",), key_index=cand.index,
                )
                if cand.entity != NIR_KEY:
                    out[cand.index] = ColumnPlan(
                        cand.index, cand.name, NIR_KEY, 0.9, float(hits), ("NIR key values",)
                    )
                break
    return out


def classify_table(
    frame: pl.DataFrame, header: list[str] | None, *, sample_rows: int = 1000
) -> list[ColumnPlan]:
    """Classify every column of ``frame`` from its header and a sample of its values."""
    sample = frame.head(sample_rows) if frame.height > sample_rows else frame
    names = header if header is not None else [None] * frame.width
    shapes = shapes_of(sample)
    evidence = [
        _Evidence(i, names[i] if i < len(names) else None, values, shapes[i],
                  header_hint(names[i] if i < len(names) else None))
        for i, values in enumerate(non_empty_columns(sample))
    ]
    _run_checks(evidence)
    plans: list[ColumnPlan] = []
    for ev in evidence:
        after_postal = bool(plans) and plans[-1].entity == Entity.POSTAL_CODE
        plans.append(_classify(ev, after_postal))
    plans = _pair_nir_keys(plans, sample)
    return [
        p if p.entity != NIR_KEY or any(q.key_index == p.index for q in plans)
        else ColumnPlan(p.index, p.name, None, p.confidence, 0.0, p.reasons + ("unpaired key",))
        for p in plans
    ]


__all__ = ["CHECKED", "PRESENCE", "STRONG", "ColumnPlan", "classify_table", "identifier"]
