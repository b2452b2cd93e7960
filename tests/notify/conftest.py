"""A generated export with its controller registry, plus deliberately ambiguous cases.

- ``dup``: a copy of an exported patient's registry row under a new id (one dump person,
  two registry rows: both ambiguous);
- ``e1``: a registry person who is not in the export, written without NIR and under the
  name ``BERNART Lucie``; a second dump file holds ``BERNARD Lucie`` (her, with her NIR)
  and ``BERNARO Lucie`` (another person: other valid NIR, same date of birth and sex).
  Both are one typo away: no clear best, ambiguous;
- ``extras``: other registry persons not in the export, put in the second dump file (they
  must get letters); one of them with an HIV note (``hiv``).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from sentinelle.synth import SynthConfig, generate

EXTRAS = 12


def valid_nir(body: str) -> str:
    """A NIR with its key (body of 13 digits): key = 97 - body mod 97."""
    return body + f"{97 - int(body) % 97:02d}"


@dataclass(frozen=True)
class Case:
    export: Path
    dump2: Path
    registry: Path
    truth: dict
    rows: list[dict]  # registry rows as written (after the test's edits)
    in_dump: set[str]  # registry ids whose person is in the dump (export or dump2)
    ambiguous: set[str]
    hiv: str  # an id whose dump record carries an HIV note
    no_health: str  # an id of dump2 with a neutral comment only


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="session")
def notify_case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    out = tmp_path_factory.mktemp("notify")
    export, registry = out / "export.csv", out / "registry.csv"
    generate(SynthConfig(patients=1200, labs=3, seed=17), export,
             truth_path=out / "truth.json", registry_path=registry)
    truth = json.loads((out / "truth.json").read_text())
    fields, rows = _read(registry)
    in_export = set(truth["registry"]["in_export_ids"])
    absent = [r for r in rows if r["registry_id"] not in in_export and r["sexe"] == "F"]
    e1, extras = absent[0], absent[1:1 + EXTRAS]
    # the second dump file: extras as they are, e1 as BERNARD, a look-alike BERNARO
    dump_rows = [dict(r, commentaire="Prélèvement réalisé à domicile") for r in extras]
    dump_rows[0]["commentaire"] = "Sérologie VIH positive, suivi au CHU"
    her = dict(e1, nom="BERNARD", nom_naissance="BERNARD", prenom="Lucie", commentaire="RAS")
    other = dict(her, registry_id="XX00000001", nom="BERNARO", nom_naissance="BERNARO",
                 nir=valid_nir("2" + her["date_naissance"][2:4] + her["date_naissance"][5:7]
                               + "35238" + "417"))
    dump_rows += [her, other]
    dump2 = out / "lot2.csv"
    _write(dump2, fields + ["commentaire"], dump_rows)
    # registry edits: e1 without NIR under a third spelling; a duplicated exported patient
    e1.update(nom="BERNART", nom_naissance="BERNART", prenom="Lucie", nir="")
    source = next(r for r in rows if r["registry_id"] in in_export)
    dup = dict(source, registry_id="RG99999999")
    rows.append(dup)
    _write(registry, fields, rows)
    return Case(
        export=export, dump2=dump2, registry=registry, truth=truth, rows=rows,
        in_dump=in_export | {r["registry_id"] for r in extras},
        ambiguous={e1["registry_id"], source["registry_id"], dup["registry_id"]},
        hiv=extras[0]["registry_id"], no_health=extras[1]["registry_id"],
    )
