"""The controller's own patient registry, for the notification feature (GDPR Art. 34).

One row per person known to the lab (or to all labs): a superset of the exported patients,
with the registry's current data: some moved (new address), changed mobile, or use a
married name since; plus persons who are not in the export at all. Columns:
``registry_id;nom;nom_naissance;prenom;sexe;date_naissance;nir;adresse;code_postal;ville;
telephone;email`` (UTF-8, ``;``, header, ISO dates, compact NIR: the registry holds the
true NIR, also for patients the export showed with an NNP or a typo). Ayants droit keep
the parent's NIR, as in the export.

Registry ids are ``RG`` + 8 digits, a bijective scramble of the row counter, so their order
does not reveal which rows are in the export; the truth lists the ids that are.
"""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sentinelle.synth.config import SynthConfig
from sentinelle.synth.labs import Labs
from sentinelle.synth.numbers import mobile_nsn, phone_written
from sentinelle.synth.people import UsedIds, Vocab, make_persons
from sentinelle.synth.writers import ChunkWriter, open_writer

COLUMNS: tuple[str, ...] = ("registry_id", "nom", "nom_naissance", "prenom", "sexe",
                            "date_naissance", "nir", "adresse", "code_postal", "ville",
                            "telephone", "email")
_SCRAMBLE_A = 48_271_307  # odd, not a multiple of 5: a bijection modulo 10**8
_SCRAMBLE_B = 12_345_679


class RegistryWriter:
    """Collects registry rows chunk by chunk and writes them atomically."""

    def __init__(self, path: Path, cfg: SynthConfig, labs: Labs) -> None:
        self.cfg = cfg
        self.lab = None if cfg.registry_lab is None else labs.code.index(cfg.registry_lab)
        plain = dataclasses.replace(cfg, format="csv", delimiter=";", encoding="utf-8",
                                    crlf=False, header=True)
        self._writer: ChunkWriter = open_writer(Path(path), plain, COLUMNS)
        self._stack = contextlib.ExitStack()
        self.path = Path(path)
        self.rows = 0
        self.in_export_ids: list[str] = []
        self.updated = {"address": 0, "phone": 0, "name": 0}

    def __enter__(self) -> RegistryWriter:
        self._stack.enter_context(self._writer)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.__exit__(*exc)

    def add_exported(self, rng: np.random.Generator, persons: pl.DataFrame) -> None:
        """Registry rows for the exported persons of this chunk (with some updates)."""
        if self.lab is not None:
            in_lab = (pl.col("lab") == self.lab) | (
                pl.col("duplicate") & (pl.col("other_lab") == self.lab))
            persons = persons.filter(in_lab)
        if not persons.height:
            return
        n = persons.height
        rate = self.cfg.registry_update_rate
        moved = rng.random(n) < rate
        new_phone = rng.random(n) < rate
        donor = rng.permutation(n)  # a moved person takes another person's address
        same_name = pl.col("nom") == pl.col("nom_naissance")
        single = (pl.col("sex") == 2) & ~pl.col("child") & same_name
        wed = persons.select(single).to_series().to_numpy() & (rng.random(n) < rate)
        v_last = Vocab.load().last
        new_names = v_last.gather(rng.integers(0, len(v_last), n))
        mobile = np.where(new_phone, 33_000_000_000 + mobile_nsn(rng, n),
                          persons["mobile"].to_numpy())

        def take(mask: np.ndarray, new: pl.Series, column: str) -> pl.Expr:
            return pl.when(pl.lit(pl.Series(mask))).then(pl.lit(new)).otherwise(pl.col(column))

        updated = persons.with_columns(
            adresse1=take(moved, persons["adresse1"].gather(donor), "adresse1"),
            cp=take(moved, persons["cp"].gather(donor), "cp"),
            ville=take(moved, persons["ville"].gather(donor), "ville"),
            nom=take(wed, new_names, "nom"),
            mobile=pl.lit(pl.Series(mobile)),
        )
        self.updated["address"] += int(moved.sum())
        self.updated["phone"] += int(new_phone.sum())
        self.updated["name"] += int(wed.sum())
        self.in_export_ids.extend(self._write(rng, updated))

    def add_extra(self, rng: np.random.Generator, n: int, cfg: SynthConfig, labs: Labs,
                  v: Vocab, used: UsedIds, first_pid: int) -> None:
        """``n`` registry persons who are not in the export (fresh, unique NIRs)."""
        if n <= 0:
            return
        persons = make_persons(rng, n, cfg, labs, v, used, first_pid=first_pid,
                               allow_children=False)
        self._write(rng, persons)

    def _write(self, rng: np.random.Generator, persons: pl.DataFrame) -> list[str]:
        n = persons.height
        counter = self.rows + np.arange(n, dtype=np.int64)
        ids = (counter * _SCRAMBLE_A + _SCRAMBLE_B) % 100_000_000
        perm = rng.permutation(n)
        phone_e164 = np.where(persons["mobile"].to_numpy() > 0, persons["mobile"].to_numpy(),
                              persons["tel"].to_numpy())
        frame = persons.select(
            registry_id=pl.concat_str([pl.lit("RG"), pl.lit(pl.Series(ids)).cast(pl.String)
                                       .str.zfill(8)]),
            nom=pl.col("nom").str.to_uppercase(),
            nom_naissance=pl.col("nom_naissance").str.to_uppercase(),
            prenom=pl.col("prenom"),
            sexe=pl.when(pl.col("sex") == 1).then(pl.lit("M")).otherwise(pl.lit("F")),
            date_naissance=pl.col("dob").cast(pl.Date).dt.strftime("%Y-%m-%d"),
            nir=pl.col("nir"),
            adresse=pl.col("adresse1"),
            code_postal=pl.col("cp"),
            ville=pl.col("ville"),
            telephone=pl.when(pl.lit(pl.Series(phone_e164 > 0))).then(phone_written(
                pl.lit(pl.Series(phone_e164 % 1_000_000_000)),
                pl.lit(pl.Series(phone_e164 // 1_000_000_000)), pl.lit(0))),
            email=pl.col("email"),
        )
        self.rows += n
        ids_text = frame["registry_id"].to_list()
        self._writer.write(frame[perm])
        return ids_text

    def summary(self) -> dict[str, Any]:
        return {
            "path": self.path.name,
            "lab": None if self.lab is None else self.cfg.registry_lab,
            "rows": self.rows,
            "in_export": len(self.in_export_ids),
            "not_in_export": self.rows - len(self.in_export_ids),
            "updated": dict(self.updated),
            "in_export_ids": sorted(self.in_export_ids),
        }


__all__ = ["COLUMNS", "RegistryWriter"]
