"""Re-identification risk on quasi-identifiers, and ``--min-k`` generalisation/suppression.

Definitions (Sweeney 2002, k-anonymity; Machanavajjhala et al. 2007, l-diversity; El Emam,
"Guide to the De-Identification of Personal Health Information", prosecutor risk):

- an *equivalence class* is the set of records sharing the same values on every
  quasi-identifier (date of birth or age, sex, postal code or département, birth place);
  a missing value is a value of its own (written ``""``);
- *k-anonymity* ``k`` is the size of the smallest class (the number of records when there
  is no quasi-identifier at all; 0 for no record);
- *uniques*: records alone in their class; ``unique_share`` = uniques / records;
- *prosecutor risk* of a record = 1 / size of its class; ``prosecutor_max`` = 1 / k,
  ``prosecutor_mean`` = the mean over records = number of classes / records;
- *l-diversity* of a sensitive column: the smallest number of distinct non-missing
  sensitive values within a class, over the classes that have at least one (a class
  whose members all lack the value discloses nothing); 0 when no record has one.

Figures are computed from a *combination table*: one row per distinct combination of
quasi-identifier and sensitive values, with its record count ``_n``. It is accumulated
chunk by chunk (:class:`RiskAccumulator`), so the records themselves are never held.

``--min-k K`` (:func:`reach_k`): the quasi-identifiers are generalised one step at a time
along their ladder (date of birth: year -> 5-year age band -> 10-year age band; age: 5-
then 10-year band, then dropped; title (civilité): dropped; postal code: département -> region -> dropped; birth place: département
-> dropped), greedily taking the step that leaves the fewest records to suppress, until the
records of the classes smaller than K (which must all go for K to hold: this is the least
suppression at that generalisation) are at most ``max_suppress`` of the total. When even
the coarsest generalisation needs more, it refuses (:class:`~sentinelle.errors.ConfigError`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

import polars as pl

from sentinelle.errors import ConfigError
from sentinelle.protect.actions import generalise

COUNT = "_n"

#: Generalisation ladders per quasi-identifier role; ``None`` drops the column.
LADDERS: dict[str, tuple[str | None, ...]] = {
    "dob": ("year", "age5", "age10"),
    "age": ("band5", "band10", None),
    "title": (None,),
    "postal": ("departement", "region", None),
    "departement": ("region", None),
    "birthplace": ("departement", None),
    "sex": (),
}


@dataclass(frozen=True, slots=True)
class RiskFigures:
    records: int
    classes: int
    k: int
    uniques: int
    unique_share: float
    prosecutor_max: float
    prosecutor_mean: float
    l_diversity: dict[str, int] = field(default_factory=dict)
    quasi_identifiers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["quasi_identifiers"] = list(self.quasi_identifiers)
        return out


def combinations(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """One row per distinct combination of ``columns`` with its count ``_n``."""
    if not columns:
        return pl.DataFrame({COUNT: [frame.height]}, schema={COUNT: pl.Int64})
    cols = [pl.col(c).cast(pl.String).fill_null("") for c in columns]
    return frame.select(cols).group_by(columns).agg(pl.len().cast(pl.Int64).alias(COUNT))


def merge(a: pl.DataFrame | None, b: pl.DataFrame) -> pl.DataFrame:
    """Add two combination tables."""
    if a is None:
        return b
    keys = [c for c in a.columns if c != COUNT]
    both = pl.concat([a, b], how="vertical")
    if not keys:
        return both.select(pl.col(COUNT).sum())
    return both.group_by(keys).agg(pl.col(COUNT).sum())


def class_sizes(combos: pl.DataFrame, qis: list[str]) -> pl.DataFrame:
    """Equivalence classes (the ``qis`` values) and their sizes ``_n``."""
    if not qis:
        return combos.select(pl.col(COUNT).sum())
    return combos.group_by(qis).agg(pl.col(COUNT).sum())


def figures(combos: pl.DataFrame, qis: list[str], sensitive: list[str] = ()) -> RiskFigures:  # type: ignore[assignment]
    """The risk figures of a combination table (see the module docstring)."""
    sensitive = [s for s in sensitive if s in combos.columns]
    records = int(combos[COUNT].sum()) if combos.height else 0
    if records == 0:
        return RiskFigures(0, 0, 0, 0, 0.0, 0.0, 0.0, dict.fromkeys(sensitive, 0), tuple(qis))
    sizes = class_sizes(combos, qis)
    n = sizes[COUNT]
    k = int(n.min())  # type: ignore[arg-type]
    uniques = int((n == 1).sum())
    l_div: dict[str, int] = {}
    for s in sensitive:
        present = combos.filter(pl.col(s) != "")
        agg = pl.col(s).n_unique().alias("l")
        per = present.group_by(qis).agg(agg) if qis else present.select(agg)
        l_div[s] = int(per["l"].min()) if present.height else 0  # type: ignore[arg-type]
    return RiskFigures(
        records=records, classes=sizes.height, k=k, uniques=uniques,
        unique_share=uniques / records, prosecutor_max=1.0 / k,
        prosecutor_mean=sizes.height / records, l_diversity=l_div, quasi_identifiers=tuple(qis),
    )


@dataclass(slots=True)
class RiskAccumulator:
    """Combination tables accumulated over chunks (memory: distinct combinations only)."""

    columns: list[str]
    combos: pl.DataFrame | None = None

    def add(self, frame: pl.DataFrame) -> None:
        self.combos = merge(self.combos, combinations(frame, self.columns))

    def table(self) -> pl.DataFrame:
        if self.combos is None:
            return combinations(pl.DataFrame(schema={c: pl.String for c in self.columns}),
                                self.columns)
        return self.combos


@dataclass(frozen=True, slots=True)
class KPlan:
    """What ``--min-k`` decided: extra generalisation per column (``None`` = drop) and the
    classes to suppress (rows of their quasi-identifier values)."""

    k: int
    levels: dict[str, str | None]
    suppress: pl.DataFrame
    suppressed: int
    qis: tuple[str, ...]

    def apply(self, frame: pl.DataFrame, *, as_of: dt.date) -> tuple[pl.DataFrame, int]:
        """Generalise, drop and suppress in an output chunk; return it and rows removed."""
        frame = apply_levels(frame, self.levels, as_of=as_of)
        if self.suppress.height == 0 or not self.qis:
            return frame, 0
        keyed = frame.with_columns(
            [pl.col(c).cast(pl.String).fill_null("").alias(f"__qi_{c}") for c in self.qis])
        marks = self.suppress.rename({c: f"__qi_{c}" for c in self.qis})
        kept = keyed.join(marks, on=[f"__qi_{c}" for c in self.qis], how="anti",
                          maintain_order="left").drop([f"__qi_{c}" for c in self.qis])
        return kept, frame.height - kept.height


def apply_levels(frame: pl.DataFrame, levels: dict[str, str | None], *, as_of: dt.date) -> pl.DataFrame:
    drop = [c for c, lvl in levels.items() if lvl is None and c in frame.columns]
    out = frame.with_columns([
        generalise(frame[c].cast(pl.String), lvl, as_of=as_of)
        for c, lvl in levels.items() if lvl is not None and c in frame.columns
    ])
    return out.drop(drop)


def _needed(combos: pl.DataFrame, qis: list[str], k: int) -> tuple[int, pl.DataFrame]:
    sizes = class_sizes(combos, qis)
    small = sizes.filter(pl.col(COUNT) < k)
    return int(small[COUNT].sum()) if small.height else 0, small.drop(COUNT)


def reach_k(combos: pl.DataFrame, roles: dict[str, str], k: int, *, max_suppress: float,
            as_of: dt.date, start: dict[str, int] | None = None) -> KPlan:
    """Generalise then suppress the fewest records so that every class has >= ``k`` records.

    ``roles``: quasi-identifier column -> role (a key of :data:`LADDERS`); ``start``: the
    ladder step each column is already at (0 = its first step not yet applied).
    """
    if k < 1:
        raise ConfigError("--min-k must be at least 1")
    total = int(combos[COUNT].sum()) if combos.height else 0
    steps = dict.fromkeys(roles, 0) | (start or {})
    base = dict(steps)  # a level a column is already at is never applied again
    table = combos.select([*roles, COUNT]).group_by(list(roles)).agg(pl.col(COUNT).sum()) \
        if roles else combos

    def state(at: dict[str, int]) -> tuple[pl.DataFrame, list[str], dict[str, str | None]]:
        levels = {c: LADDERS[roles[c]][at[c] - 1] for c in roles if at[c] > base[c]}
        t = apply_levels(table, levels, as_of=as_of)
        qis = [c for c in roles if c in t.columns]
        t = t.with_columns([pl.col(c).fill_null("") for c in qis])
        return t.group_by(qis).agg(pl.col(COUNT).sum()) if qis else t.select(pl.col(COUNT).sum()), qis, levels

    while True:
        t, qis, levels = state(steps)
        needed, small = _needed(t, qis, k)
        if total == 0 or needed / total <= max_suppress:
            return KPlan(k, levels, small, needed, tuple(qis))
        best: tuple[int, str] | None = None
        for col in roles:
            if steps[col] < len(LADDERS[roles[col]]):
                trial = dict(steps, **{col: steps[col] + 1})
                t2, q2, _ = state(trial)
                n2, _ = _needed(t2, q2, k)
                if best is None or n2 < best[0]:
                    best = (n2, col)
        if best is None:
            raise ConfigError(
                f"cannot reach k={k}: even fully generalised, {needed} of {total} records "
                f"({needed / total:.1%}) would have to be suppressed, more than "
                f"--max-suppress {max_suppress:.1%}"
            )
        steps[best[1]] += 1


__all__ = ["COUNT", "LADDERS", "KPlan", "RiskAccumulator", "RiskFigures", "apply_levels",
           "class_sizes", "combinations", "figures", "merge", "reach_k"]
