"""Configuration of the synthetic lab-export generator (an immutable value).

Defaults are set close to what the 2021 leak showed (CNIL SAN-2022-009): Mega-Bus flat
files from medical biology laboratories of départements 22, 27, 35, 41, 45 and 56, written
in cp1252 with ``;`` separators and CRLF line ends, sampling dates from 2015-01-01 to
2020-10-31. Every rate is a probability in ``[0, 1]``:

- ``nir_typo_rate``: per NIR cell, the written key (or a digit) is wrong;
- ``nir_split_rate``: probability that the file writes the NIR as a 13-character body
  column (``NSS``) and a separate 2-digit key column (``CLE``) (``nir_layout="auto"``);
- ``nir_mixed_rate``: per NIR cell, written spaced / dotted / hyphenated instead of compact;
- ``nnp_rate``: per person, a provisional NNP number stands in the NIR column;
- ``missing_rate``: base probability that an optional cell is empty (scaled per column);
- ``duplicate_person_rate``: per adult person, a second patient file in another lab;
- ``ayant_droit_rate``: share of persons who are children on a parent's NIR (rang 2+);
- ``name_typo_rate``: per row, a typo in NOM or PRENOM (five times more on duplicates);
- ``health_note_rate`` / ``neutral_comment_rate``: per row, the comment holds a health
  note (one or more categories) / a neutral remark;
- ``comment_phone_rate``: per non-empty comment, a phone number is appended;
- ``repeat_sampling_rate``: per patient file, extra sampling rows (geometric, mean 1.5);
- ``local_residence_rate``: per person, lives in the département of their lab.

Formats (``format``): ``csv``/``tsv`` and the other tabular ones (``xlsx``, ``json`` array
of row objects, ``ndjson``, ``parquet``, ``sqlite`` table ``patients``, ``sql`` dump in
the ``sql_dialect`` style: ``mysql`` (mysqldump, multi-row ``INSERT``) or ``postgres``
(pg_dump, ``COPY ... FROM stdin``)) hold the same columns as the CSV; ``fhir`` (a Bundle
of Patient and Observation resources), ``hl7`` (HL7 v2 messages; ``hl7_mllp`` frames them
for MLLP), ``hprim`` (HPRIM Santé), ``hprim-net``, ``pdf`` (lab reports) and ``txt``
(free-text notes) write the same rows in their own places (see ``synth.writers``).
``header``, ``delimiter`` and ``crlf`` apply where the format has them; ``encoding``
applies to the text formats that may carry another one than UTF-8 (csv, tsv, sql, hl7,
hprim, hprim-net, txt).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from sentinelle.errors import ConfigError

LEAK_DEPARTEMENTS: tuple[str, ...] = ("22", "27", "35", "41", "45", "56")
FORMATS: tuple[str, ...] = ("csv", "tsv", "xlsx", "json", "ndjson", "parquet", "sqlite", "sql",
                            "fhir", "hl7", "hprim", "hprim-net", "pdf", "txt")
TABULAR_FORMATS: tuple[str, ...] = ("csv", "tsv", "xlsx", "json", "ndjson", "parquet", "sqlite",
                                    "sql")
SQL_DIALECTS: tuple[str, ...] = ("mysql", "postgres")
DELIMITERS: tuple[str, ...] = (";", ",", "\t", "|")
# codec name (as codecs.lookup spells it) -> canonical name written in the truth
ENCODINGS: dict[str, str] = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "cp1252": "cp1252",
    "iso8859-1": "latin-1",
}
NIR_LAYOUTS: tuple[str, ...] = ("auto", "single", "split")
_DEPT = re.compile(r"^(?:0[1-9]|1\d|[3-8]\d|9[0-5]|2[1-9])$")


@dataclass(frozen=True, slots=True)
class SynthConfig:
    """What to generate. Immutable; validated on construction (raises ``ConfigError``)."""

    patients: int = 1000
    labs: int = 3
    seed: int = 0
    format: str = "csv"
    header: bool = True
    delimiter: str = ";"
    encoding: str = "cp1252"
    crlf: bool = True
    departements: tuple[str, ...] = LEAK_DEPARTEMENTS
    date_start: date = date(2015, 1, 1)
    date_end: date = date(2020, 10, 31)
    nir_layout: str = "auto"
    nir_split_rate: float = 0.15
    nir_typo_rate: float = 0.01
    nir_mixed_rate: float = 0.08
    nnp_rate: float = 0.005
    missing_rate: float = 0.03
    duplicate_person_rate: float = 0.02
    ayant_droit_rate: float = 0.08
    name_typo_rate: float = 0.01
    health_note_rate: float = 0.06
    neutral_comment_rate: float = 0.15
    comment_phone_rate: float = 0.05
    repeat_sampling_rate: float = 0.1
    local_residence_rate: float = 0.9
    registry_lab: str | None = None  # lab code for ``registry_path``; None = all labs
    registry_extra_rate: float = 0.25  # registry persons not in the export, per exported one
    registry_update_rate: float = 0.1  # per field (address, phone, married name)
    sql_dialect: str = "mysql"
    hl7_mllp: bool = False
    chunk_size: int = 50_000  # persons per chunk: bounds memory (~0.5 GB at 50,000)

    def __post_init__(self) -> None:
        if self.patients < 1:
            raise ConfigError("patients must be at least 1")
        if self.labs < 1 or self.labs > 999:
            raise ConfigError("labs must be between 1 and 999")
        if self.chunk_size < 1:
            raise ConfigError("chunk_size must be at least 1")
        if self.format not in FORMATS:
            raise ConfigError(f"format must be one of {', '.join(FORMATS)}")
        if self.sql_dialect not in SQL_DIALECTS:
            raise ConfigError("sql_dialect must be mysql or postgres")
        if self.delimiter not in DELIMITERS:
            raise ConfigError("delimiter must be one of ';' ',' '|' or a tab")
        try:
            codec = codecs.lookup(self.encoding).name
        except LookupError:
            raise ConfigError("unknown encoding") from None
        if codec not in ENCODINGS:
            raise ConfigError("encoding must be utf-8, utf-8-sig, cp1252 or latin-1")
        if self.nir_layout not in NIR_LAYOUTS:
            raise ConfigError("nir_layout must be auto, single or split")
        if not self.departements:
            raise ConfigError("at least one département is needed")
        for dept in self.departements:
            if not isinstance(dept, str) or not _DEPT.match(dept):
                raise ConfigError("labs must sit in mainland départements 01-95 (not 2A/2B)")
        if self.date_end < self.date_start:
            raise ConfigError("date_end is before date_start")
        for f in fields(self):
            if f.name.endswith("_rate"):
                value = getattr(self, f.name)
                if not 0.0 <= float(value) <= 1.0:
                    raise ConfigError(f"{f.name} must be between 0 and 1")

    @property
    def effective_delimiter(self) -> str:
        """The separator actually written (``tsv`` always uses a tab)."""
        return "\t" if self.format == "tsv" else self.delimiter

    @property
    def codec(self) -> str:
        """The canonical encoding name (``cp1252``, ``utf-8``, ``utf-8-sig``, ``latin-1``)."""
        return ENCODINGS[codecs.lookup(self.encoding).name]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable view (dates as ISO strings, tuples as lists)."""
        out = asdict(self)
        out["date_start"] = self.date_start.isoformat()
        out["date_end"] = self.date_end.isoformat()
        out["departements"] = list(self.departements)
        out["encoding"] = self.codec
        return out


__all__ = ["DELIMITERS", "ENCODINGS", "FORMATS", "LEAK_DEPARTEMENTS", "SQL_DIALECTS",
           "TABULAR_FORMATS", "SynthConfig"]
