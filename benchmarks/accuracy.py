"""Accuracy against the peers: precision, recall and F1 per entity and per health category.

Both tools run on the same generated corpus, scored against the generator's exact truth.
The truth file (``sentinelle.truth/1``) has counts per file only; value-level scores need
the values, so this module replays the generator in-process (same configuration, same
bytes) and keeps what the writer reports for every row through the writer protocol
(``ChunkWriter.write_chunk``: the ``Found`` values of text formats, the chunk's ``meta`` of
tabular ones). Two corpora from one configuration (same persons, same rows):

1. **notes** (``format="txt"``), scored per line and value: a prediction is a true
   positive when its entity is right, it is on the right line and its value, normalised the
   same way for every tool (NIR compact, phone E.164, date ISO, postal code), equals a true
   value of that line not matched yet; names and addresses (free spans) match when their
   word sets overlap by Jaccard >= 0.5. Health categories are scored per line (the line
   mentions the category or not). Neutral log lines are scored too (false positives).
2. **export** (``format="csv"``, ``nir_layout="single"``), scored per cell: the truth of a
   cell is its column's entity (``Truth.columns``) when the cell is non-empty, except the
   NIR column where only valid NIRs are ``NIR`` (typos are nothing, NNPs are ``NNP``), and
   the comment column whose embedded phone numbers are ``PHONE``. Sentinelle predicts a
   cell ``E`` when it classified the column ``E`` and the cell passes ``E``'s check (what
   its scan counts); Presidio predicts ``E`` when it finds a mapped ``E`` in the cell.

Presidio's types are mapped with ``_presidio.ENTITY_MAP``; it has no recogniser for most
French identifiers and none for health data (recall 0 there is a fact, not a bug).
``DATE_TIME`` maps to ``DATE_OF_BIRTH``: Presidio cannot tell a birth date from another.

    python benchmarks/accuracy.py [--patients 1500] [--seed 8] [--skip-presidio]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Self
from unittest import mock

import _common as C
import polars as pl

FREE = frozenset({"PERSON_NAME", "ADDRESS"})  # spans matched by word overlap
_WORD = re.compile(r"\w+")
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%Y%m%d")
_PHONE_REGIONS = ("FR", "RE", "GP", "MQ", "GF", "YT")


# -- normalisation (the same for every tool and the truth) ---------------------------------

def normalise(entity: str, text: str) -> Any:
    """The comparable form of a value written as ``text`` (``None``: not a value)."""
    text = text.strip()
    if entity in FREE:
        words = frozenset(w.casefold() for w in _WORD.findall(text))
        return words or None
    if entity in ("NIR", "IBAN", "NIR_NO_KEY"):
        return re.sub(r"[\s.\-]", "", text).upper() or None
    if entity in ("NNP", "POSTAL_CODE", "RPPS", "ADELI", "FINESS", "SIREN", "SIRET"):
        return re.sub(r"\D", "", text) or None
    if entity == "EMAIL":
        return text.lower()
    if entity == "PHONE":
        return _phone(text)
    if entity == "DATE_OF_BIRTH":
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        return None
    return text


def _phone(text: str) -> str | None:
    import phonenumbers

    for region in _PHONE_REGIONS:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return f"{number.country_code}{number.national_number}"
    return None


def _match(entity: str, pred: Any, truth: Any) -> bool:
    if pred is None or truth is None:
        return False
    if entity in FREE:
        return len(pred & truth) / len(pred | truth) >= 0.5
    return bool(pred == truth)


# -- scores --------------------------------------------------------------------------------

@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None if p is None and r is None else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Scores:
    by_key: dict[str, Score] = field(default_factory=dict)

    def get(self, key: str) -> Score:
        return self.by_key.setdefault(key, Score())

    def add_values(self, entity: str, preds: Sequence[Any], truths: Sequence[Any]) -> None:
        """Greedy one-to-one matching of the predicted and true values of one unit."""
        score = self.get(entity)
        left = list(truths)
        for p in preds:
            hit = next((i for i, t in enumerate(left) if _match(entity, p, t)), None)
            if hit is None:
                score.fp += 1
            else:
                score.tp += 1
                left.pop(hit)
        score.fn += len(left)

    def add_sets(self, preds: set[str], truths: set[str]) -> None:
        for key in preds | truths:
            score = self.get(key)
            if key in preds and key in truths:
                score.tp += 1
            elif key in preds:
                score.fp += 1
            else:
                score.fn += 1


# -- the corpus with per-row truth ---------------------------------------------------------

@dataclass(slots=True)
class Corpus:
    lines: list[str]  # the notes file, every line
    line_truth: list[dict[str, list[Any]]]  # per line: entity -> normalised true values
    line_health: list[set[str]]  # per line: health categories
    csv_path: Path
    cell_truth: dict[tuple[int, int], set[str]]  # (row, column) -> entities
    rows: int  # export rows (= patient lines)


def _capture(cfg: Any, out: Path) -> tuple[Any, list[tuple[Any, Any]]]:
    """Run the generator; its truth and ``(chunk, found)`` of every chunk written."""
    from sentinelle.synth import generate
    from sentinelle.synth import generator as gen

    got: list[tuple[Any, Any]] = []
    original = gen.open_writer

    class Spy:
        def __init__(self, writer: Any) -> None:
            self._w = writer

        def __enter__(self) -> Self:
            self._w.__enter__()
            return self

        def __exit__(self, *exc: object) -> None:
            self._w.__exit__(*exc)

        def write_chunk(self, chunk: Any) -> Any:
            found = self._w.write_chunk(chunk)
            got.append((chunk, found))
            return found

        def __getattr__(self, name: str) -> Any:
            return getattr(self._w, name)

    with mock.patch.object(gen, "open_writer", lambda *a, **k: Spy(original(*a, **k))):
        truth = generate(cfg, out)
    return truth, got


def _neutral_regex() -> re.Pattern[str]:
    from sentinelle.synth.writers.text import NEUTRAL

    parts = [re.escape(t).replace(r"\{D\}", r".*?").replace(r"\{N\}", r"\d+") for t in NEUTRAL]
    return re.compile("(?:" + "|".join(parts) + ")")


def _iso(days: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=int(days))).isoformat()


def _truth_value(entity: str, value: Any) -> Any:
    if entity == "DATE_OF_BIRTH":
        return _iso(value)
    if entity == "PHONE":
        return str(value) if value else None
    return normalise(entity, str(value))


def build_corpus(patients: int, seed: int, where: Path) -> Corpus:
    """Generate the notes and the export of one configuration, with per-row truth."""
    from sentinelle.synth import SynthConfig
    from sentinelle.synth.export import NIR_NNP, NIR_VALID
    from sentinelle.synth.vocab import CATEGORIES

    base = {"patients": patients, "labs": 3, "seed": seed, "nir_layout": "single"}
    notes = where / "notes.txt"
    _, chunks = _capture(SynthConfig(format="txt", **base), notes)
    row_truth: list[dict[str, list[Any]]] = []
    row_health: list[set[str]] = []
    for chunk, found in chunks:
        n = chunk.frame.height
        values: list[dict[str, list[Any]]] = [{} for _ in range(n)]
        health: list[set[str]] = [set() for _ in range(n)]
        for item in found:
            entity = str(item.entity)
            if entity == "HEALTH":
                for i, mask in enumerate(item.mask.to_list()):
                    if mask:
                        health[i] = {c for b, c in enumerate(CATEGORIES) if (mask >> b) & 1}
                continue
            for i, v in enumerate(item.values.to_list()):
                if v is not None:
                    norm = _truth_value(entity, v)
                    if norm is not None:
                        values[i].setdefault(entity, []).append(norm)
        row_truth += values
        row_health += health
    lines = notes.read_text(encoding="cp1252").splitlines()
    neutral = _neutral_regex()
    line_truth: list[dict[str, list[Any]]] = []
    line_health: list[set[str]] = []
    row = 0
    for line in lines:
        if neutral.fullmatch(line) or row >= len(row_truth):
            line_truth.append({})
            line_health.append(set())
        else:
            line_truth.append(row_truth[row])
            line_health.append(row_health[row])
            row += 1
    if row != len(row_truth):
        raise RuntimeError(f"notes: {row} patient lines for {len(row_truth)} rows")

    csv_path = where / "export.csv"
    truth, csv_chunks = _capture(SynthConfig(format="csv", **base), csv_path)
    metas = pl.concat([chunk.meta for chunk, _ in csv_chunks])
    frame = pl.read_csv(csv_path, infer_schema=False, separator=truth.delimiter or ";",
                        encoding="utf8-lossy", has_header=truth.header)
    cell_truth: dict[tuple[int, int], set[str]] = {}
    status = metas["nir_status"].to_list()
    cphone = (metas["comment_phone"] > 0).to_list()
    for col in truth.columns or []:
        entity, j = col["entity"], col["index"]
        if entity is None:
            continue
        series = frame.to_series(j)
        for i, cell in enumerate(series.to_list()):
            if cell is None or not cell.strip():
                continue
            if entity == "NIR":
                got = {"NIR"} if status[i] == NIR_VALID else {"NNP"} if status[i] == NIR_NNP else set()
            elif entity == "HEALTH":
                got = {"PHONE"} if cphone[i] else set()
            else:
                got = {entity}
            if got:
                cell_truth[(i, j)] = got
    return Corpus(lines, line_truth, line_health, csv_path, cell_truth, frame.height)


# -- the tools on the notes ----------------------------------------------------------------

def sentinelle_lines(lines: Sequence[str]) -> tuple[list[dict[str, list[Any]]], list[set[str]]]:
    """Sentinelle's text detector (what ``scan`` runs on text files) over the lines."""
    from sentinelle.detect.text import TextDetector

    text = "\n".join(lines)
    found = TextDetector().scan(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    preds: list[dict[str, list[Any]]] = [{} for _ in lines]
    for m in found.matches:
        if not m.valid:
            continue
        i = m.line - 1
        preds[i].setdefault(m.entity, []).append(normalise(m.entity, text[m.start:m.end]))
    health: list[set[str]] = [set() for _ in lines]
    for category, numbers in found.health_lines.items():
        for n in numbers:
            health[n - 1].add(category)
    return preds, health


def presidio_lines(lines: Sequence[str], engine: Any = None
                   ) -> tuple[list[dict[str, list[Any]]], list[set[str]]]:
    from _presidio import analyze_texts, build_engine

    engine = engine or build_engine()
    preds: list[dict[str, list[Any]]] = []
    for line, spans in zip(lines, analyze_texts(engine, list(lines)), strict=True):
        got: dict[str, list[Any]] = {}
        for s in spans:
            got.setdefault(s.entity, []).append(normalise(s.entity, line[s.start:s.end]))
        preds.append(got)
    return preds, [set() for _ in lines]  # no health recogniser


def score_lines(corpus: Corpus, preds: Sequence[dict[str, list[Any]]],
                health: Sequence[set[str]]) -> tuple[Scores, Scores]:
    entities, categories = Scores(), Scores()
    for truth, pred, t_health, p_health in zip(corpus.line_truth, preds, corpus.line_health,
                                               health, strict=True):
        for entity in set(truth) | set(pred):
            entities.add_values(entity, pred.get(entity, []), truth.get(entity, []))
        categories.add_sets(p_health, t_health)
    return entities, categories


# -- the tools on the export cells ---------------------------------------------------------

def sentinelle_cells(corpus: Corpus) -> dict[tuple[int, int], set[str]]:
    """Cells Sentinelle counts: classified columns, values passing the entity's check."""
    import sentinelle
    from sentinelle.detect.columns import CHECKED, PRESENCE, identifier
    from sentinelle.detect.text import TextDetector

    report = sentinelle.scan([str(corpus.csv_path)])
    (file,) = report.files
    frame = pl.read_csv(corpus.csv_path, infer_schema=False, separator=";",
                        encoding="utf8-lossy")
    out: dict[tuple[int, int], set[str]] = {}
    detector = TextDetector()
    for col in file.columns:
        if col.entity is None:
            continue
        series = frame.to_series(col.index)
        rows: Iterable[int]
        if col.entity in CHECKED:
            entities = [col.entity] + (["NNP"] if col.entity == "NIR" else [])
            for entity in entities:
                valid = identifier(entity).check_series(series).valid.fill_null(False)
                for i in valid.arg_true().to_list():
                    out.setdefault((i, col.index), set()).add(entity)
        elif col.entity in PRESENCE:
            rows = (series.str.strip_chars().str.len_chars() > 0).fill_null(False).arg_true()
            for i in rows.to_list():
                out.setdefault((i, col.index), set()).add(col.entity)
        else:  # free text
            found = detector.scan_cells(series)
            for entity, cells in found.entity_rows.items():
                if entity != "HEALTH":
                    for i in cells:
                        out.setdefault((i, col.index), set()).add(entity)
    return out


def presidio_cells(corpus: Corpus, engine: Any = None) -> dict[tuple[int, int], set[str]]:
    from _presidio import analyze_texts, build_engine

    engine = engine or build_engine()
    frame = pl.read_csv(corpus.csv_path, infer_schema=False, separator=";",
                        encoding="utf8-lossy")
    keys, texts = [], []
    for j, name in enumerate(frame.columns):
        for i, cell in enumerate(frame[name].to_list()):
            if cell and cell.strip():
                keys.append((i, j))
                texts.append(cell)
    out: dict[tuple[int, int], set[str]] = {}
    for key, spans in zip(keys, analyze_texts(engine, texts), strict=True):
        if spans:
            out[key] = {s.entity for s in spans}
    return out


def score_cells(corpus: Corpus, pred: dict[tuple[int, int], set[str]]) -> Scores:
    scores = Scores()
    for key in set(pred) | set(corpus.cell_truth):
        scores.add_sets(pred.get(key, set()), corpus.cell_truth.get(key, set()))
    return scores


# -- tables --------------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def table(title: str, results: dict[str, Scores], keys: Sequence[str] | None = None) -> str:
    tools = list(results)
    keys = keys or sorted({k for s in results.values() for k in s.by_key})
    headers = [title]
    for tool in tools:
        headers += [f"{tool} P", f"{tool} R", f"{tool} F1"]
    headers.append("truth")
    rows = []
    for key in keys:
        row = [key]
        support = 0
        for tool in tools:
            s = results[tool].by_key.get(key, Score())
            row += [_pct(s.precision), _pct(s.recall), _pct(s.f1)]
            support = max(support, s.tp + s.fn)
        row.append(f"{support:,}")
        rows.append(row)
    return C.md_table(headers, rows)


def run(*, patients: int = 1_500, seed: int = 8, presidio: bool = True,
        where: Path | None = None) -> str:
    """Both corpora, both tools; the markdown tables."""
    from sentinelle.synth.vocab import CATEGORIES

    with tempfile.TemporaryDirectory(prefix="sentinelle-acc-", dir=where) as tmp:
        corpus = build_corpus(patients, seed, Path(tmp))
        line_results: dict[str, tuple[Scores, Scores]] = {
            "sentinelle": score_lines(corpus, *sentinelle_lines(corpus.lines))}
        cell_results = {"sentinelle": score_cells(corpus, sentinelle_cells(corpus))}
        if presidio:
            from _presidio import build_engine

            engine = build_engine()
            line_results["Presidio"] = score_lines(corpus, *presidio_lines(corpus.lines, engine))
            cell_results["Presidio"] = score_cells(corpus, presidio_cells(corpus, engine))
    intro = (
        f"Corpus: {patients:,} patients (seed {seed}): notes file of {len(corpus.lines):,} "
        f"lines ({corpus.rows:,} patient lines, the rest neutral log lines), export of "
        f"{corpus.rows:,} rows x {len({j for _, j in corpus.cell_truth})} "
        "identifying columns. Notes: a hit is the right entity on the right line with the "
        "same normalised value (names and addresses: word-set Jaccard >= 0.5). Export: a hit "
        "is the right entity for the right cell. Health: the line mentions the category. "
        "'–': no prediction (precision) or no truth (recall). 'truth': true values / cells / "
        "lines."
    )
    out = [
        intro,
        "",
        "**Free-text notes, per line and value**",
        "",
        table("entity", {k: v[0] for k, v in line_results.items()}),
        "",
        "**Free-text notes, health categories per line**",
        "",
        table("health category", {k: v[1] for k, v in line_results.items()},
              [c for c in CATEGORIES if any(c in h for h in corpus.line_health)]),
        "",
        "**Export (csv), per cell**",
        "",
        table("entity", cell_results),
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1_500)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--skip-presidio", action="store_true")
    parser.add_argument("--quick", action="store_true", help="150 patients")
    args = parser.parse_args(argv)
    if args.quick:
        args.patients = 150
    print(run(patients=args.patients, seed=args.seed, presidio=not args.skip_presidio))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
