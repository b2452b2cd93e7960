"""What a writer tells the truth: the format's description and the values it wrote.

Tabular writers (CSV, xlsx, JSON rows, Parquet, SQLite, SQL dumps) write every export
column unchanged, so the truth counts entities from the columns (``Truth.columns``).
Message and text writers (FHIR, HL7 v2, HPRIM, PDF, text) write some of the values, in
places of their own (``PID-5.1``, ``P.5``, ``line 8``...): they describe those places as
``FieldSpec`` (``Truth.fields``) and, for every chunk, return the normalised values they
wrote as ``Found`` items, which the truth counts instead of the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from sentinelle.entities import Entity

# dtype of the normalised values of each entity in ``Found`` (the truth keeps them distinct)
INT_VALUED: frozenset[Entity] = frozenset({Entity.DATE_OF_BIRTH, Entity.PHONE})


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A place of a message or text format and the entity its values are."""

    field: str
    entity: Entity | None
    holds: str = ""  # what is written there, in words

    def to_dict(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {"field": self.field,
                                      "entity": str(self.entity) if self.entity else None}
        if self.holds:
            out["holds"] = self.holds
        return out


@dataclass(frozen=True, slots=True)
class Found:
    """Values of one entity written in one chunk.

    ``values``: the normalised values (null where nothing was written), Int64 for the
    entities of ``INT_VALUED`` (days since 1970 for dates of birth, E.164 digits for
    phones), String otherwise; ``invalid``: values written that fail the check digits;
    ``mask`` (HEALTH only): the health category bitmask of each value
    (``vocab.CATEGORIES`` bits, null where nothing was written).
    """

    entity: Entity
    values: pl.Series
    invalid: int = 0
    mask: pl.Series | None = None


@dataclass(frozen=True, slots=True)
class FormatInfo:
    """How the file is written, for the truth (``None``: the layout's / not applicable)."""

    encoding: str | None
    delimiter: str | None = None
    header: bool = True
    column_names: tuple[str, ...] | None = None  # tabular: names written (None: no header)
    fields: tuple[FieldSpec, ...] | None = None  # message and text formats
    date_format: str | None = None
    nir_layout: str | None = None
    notes: dict[str, str] = field(default_factory=dict)


__all__ = ["INT_VALUED", "FieldSpec", "FormatInfo", "Found"]
