"""``notify``: tell the patients (GDPR Art. 34) from a dump and the controller's registry.

    from sentinelle.notify import notify, LetterInfo
    result = notify(["dump.csv"], "registry.xlsx", "out/",
                    info=LetterInfo(controller="Laboratoire X", contact="02 00 00 00 00"))
    result.matched, result.ambiguous, result.unmatched

Writes into ``out``:

- ``letters/<id>.pdf``: one letter per matched registry row (``notify.letters``), ``id``
  the registry's own id or a sequential ``P0000001`` (never a NIR); the folder is written
  under a temporary name and renamed when complete;
- ``mailing_list.csv`` (UTF-8 with BOM, ``;``, for a mail merge): id, civility, names and
  postal address *from the registry* (never from the dump), letter file, and the linkage
  rule of the match (``fuzzy`` matches are the uncertain ones, worth a look before sending);
- ``review.csv``: the ambiguous rows (id, reason, rule, candidates, other registry ids
  sharing the dump person), for a human decision; no NIR, no name;
- ``notify.json`` (schema ``sentinelle.notify/1``): counts only.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from sentinelle.assess.assessment import AssessConfig, collect
from sentinelle.assess.labels import HEALTH_KEYS
from sentinelle.assess.linkage import link
from sentinelle.assess.records import HEALTH_CATEGORIES
from sentinelle.atomic import atomic_open, write_text
from sentinelle.errors import InputError, OutputError
from sentinelle.notify.letters import SAFE_REFERENCE, LetterInfo, LetterMaker
from sentinelle.notify.matching import RULES, match
from sentinelle.notify.registry import read_registry

SCHEMA = "sentinelle.notify/1"
MAILING_COLUMNS = ("registry_id", "civilite", "nom", "prenom", "adresse", "code_postal",
                   "ville", "lettre", "rapprochement")
REVIEW_COLUMNS = ("registry_id", "raison", "regle", "personnes_candidates",
                  "autres_registry_ids")
_REASONS_FR = {
    "matches several dump persons with no clear best":
        "correspond à plusieurs personnes du fichier divulgué, sans meilleure évidente",
    "its dump person also matches other registry rows":
        "la personne du fichier divulgué correspond aussi à d'autres lignes du registre",
}
_FLAGS = (("identity", "identity"), ("NIR", "nir_shaped"), ("contact", "contact"),
          ("credentials", "credentials"), ("blood_group", "blood"))


@dataclass(frozen=True, slots=True)
class NotifyResult:
    """Counts and the files written by :func:`notify`."""

    registry_rows: int
    matched: int
    ambiguous: int
    unmatched: int
    by_rule: dict[str, int]
    categories: dict[str, int]  # matched registry persons per exposed category
    dump_files: int
    dump_records: int
    dump_persons: int
    out: Path
    letters: tuple[Path, ...]
    mailing_list: Path
    review: Path
    summary: Path
    errors: tuple[dict[str, str], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "registry_rows": self.registry_rows, "matched": self.matched,
            "ambiguous": self.ambiguous, "unmatched": self.unmatched,
            "letters": len(self.letters), "by_rule": dict(self.by_rule),
            "categories": dict(self.categories),
            "dump": {"files": self.dump_files, "records": self.dump_records,
                     "persons": self.dump_persons},
            "files": {"letters": "letters/", "mailing_list": self.mailing_list.name,
                      "review": self.review.name},
            "errors": list(self.errors),
        }


def person_categories(records: pl.DataFrame) -> pl.DataFrame:
    """``person`` and one boolean column per data category (any of their records)."""
    aggs = [pl.col(flag).any().alias(name) for name, flag in _FLAGS]
    aggs += [((pl.col("health") & (1 << i)) != 0).any().alias(cat)
             for i, cat in enumerate(HEALTH_CATEGORIES)]
    return records.group_by("person").agg(aggs)


def _prepare(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output directory ({exc.strerror})") from None
    letters = out / "letters"
    if letters.exists() and any(letters.iterdir()):
        raise OutputError(f"{letters}: already holds letters; use an empty --out directory")
    return letters


def _write_letters(out: Path, rows: list[tuple[str, frozenset[str]]], info: LetterInfo,
                   progress: Callable[[str], None] | None) -> tuple[Path, ...]:
    target = out / "letters"
    maker = LetterMaker(info)
    tmp = Path(tempfile.mkdtemp(prefix=".letters.", dir=out))
    written: list[Path] = []
    try:
        for n, (ref, cats) in enumerate(rows, 1):
            (tmp / f"{ref}.pdf").write_bytes(maker.pdf(cats, ref))
            written.append(target / f"{ref}.pdf")
            if progress is not None and n % 1000 == 0:
                progress(f"letters: {n:,}/{len(rows):,}")
        os.chmod(tmp, 0o755)
        if target.exists():
            target.rmdir()  # empty (checked by _prepare)
        os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"{target}: cannot write the letters ({exc})") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tuple(written)


def _write_csv(path: Path, header: tuple[str, ...], rows: Iterable[Iterable[Any]]) -> None:
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def notify(dump_paths: Iterable[str | Path], registry_path: str | Path, out: str | Path, *,
           info: LetterInfo | None = None, config: AssessConfig | None = None,
           progress: Callable[[str], None] | None = None) -> NotifyResult:
    """Match the registry against the dump and write letters, mailing list and review.

    Raises ``InputError`` (missing dump path, unreadable registry or one without patient
    columns) and ``OutputError`` (cannot write, or ``out/letters`` not empty).
    """
    out = Path(out)
    info = info or LetterInfo()

    def say(text: str) -> None:
        if progress is not None:
            progress(text)

    if not Path(registry_path).is_file():  # fail before the long read of the dump
        raise InputError(str(registry_path), "registry file not found")
    letters_dir = _prepare(out)
    say("reading the dump")
    collected = collect(dump_paths, config,
                        on_file=lambda i, p: say(f"reading dump file {i + 1}: {Path(p).name}"))
    say(f"linking {collected.records.height:,} dump records")
    linkage = link(collected.records)
    records = collected.records.with_columns(person=pl.Series(linkage.person, dtype=pl.Int64))
    say("reading the registry")
    registry = read_registry(registry_path, (config or AssessConfig()).read_options)
    if not registry.keys["id"].str.contains(SAFE_REFERENCE).all():  # vetted by read_registry
        raise OutputError(f"{registry.path}: registry ids unusable as file names")
    say(f"matching {registry.rows:,} registry rows")
    matches = match(registry.keys, records).frame.join(
        registry.keys.select("row", "id"), on="row", how="left")
    cats = person_categories(records)
    names = [name for name, _ in _FLAGS] + list(HEALTH_CATEGORIES)
    matched = (matches.filter(pl.col("status") == "matched")
               .join(cats, on="person", how="left").sort("row"))
    rows = [(r["id"], frozenset(c for c in names if r[c])) for r in matched.iter_rows(named=True)]
    say(f"writing {len(rows):,} letters")
    letters = _write_letters(out, rows, info, progress) if rows else ()
    if not rows:
        letters_dir.mkdir(exist_ok=True)
    mail = matched.select("row", "id", "rule").join(registry.mail, on="id", how="left")
    mailing = out / "mailing_list.csv"
    _write_csv(mailing, MAILING_COLUMNS, (
        [r["id"], r["civilite"], r["nom"], r["prenom"], r["adresse"], r["code_postal"],
         r["ville"], f"letters/{r['id']}.pdf", r["rule"]] for r in mail.iter_rows(named=True)))
    ambiguous = matches.filter(pl.col("status") == "ambiguous").sort("row")
    sharing: dict[int, list[str]] = {}
    for r in ambiguous.filter(pl.col("shared").is_not_null()).iter_rows(named=True):
        sharing.setdefault(r["shared"], []).append(r["id"])
    review = out / "review.csv"
    _write_csv(review, REVIEW_COLUMNS, (
        [r["id"], _REASONS_FR.get(r["reason"] or "", r["reason"]), r["rule"], r["candidates"],
         " ".join(i for i in sharing.get(r["shared"], []) if i != r["id"])
         if r["shared"] is not None else ""]
        for r in ambiguous.iter_rows(named=True)))
    by_rule = {rule: int((matched["rule"] == rule).sum()) for rule in RULES}
    exposed = {c: int(matched[c].sum()) for c in names if c in matched.columns}
    exposed = {c: exposed[c] for c in [n for n, _ in _FLAGS] + list(HEALTH_KEYS)}
    result = NotifyResult(
        registry_rows=registry.rows, matched=matched.height, ambiguous=ambiguous.height,
        unmatched=int((matches["status"] == "unmatched").sum()), by_rule=by_rule,
        categories=exposed, dump_files=len(collected.names),
        dump_records=collected.records.height, dump_persons=linkage.persons, out=out,
        letters=letters, mailing_list=mailing, review=review, summary=out / "notify.json",
        errors=collected.errors)
    write_text(result.summary, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return result


__all__ = ["MAILING_COLUMNS", "REVIEW_COLUMNS", "SCHEMA", "NotifyResult", "notify",
           "person_categories"]
