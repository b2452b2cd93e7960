"""Sniffing the dialect of delimited text: delimiter, quote character, header row, newline.

Delimiter: each candidate (``; , TAB |``) splits the sample's records with the stdlib
``csv`` parser (quote aware, so a delimiter inside a quoted field does not count). A real
delimiter gives the same field count (at least 2) on most records; the candidate with the
highest share of records at its most common count wins, then the one with more fields.
The stdlib ``csv.Sniffer`` uses the same idea (character frequency consistency), but it
is slow on wide samples and mis-handles French text with many commas, so it is not used.

Quote character: ``"`` unless ``'`` is the one found next to delimiters at field edges
(``;'...';``) and ``"`` never is. Polars only honours a quote at the start of a field, as
RFC 4180 section 2 (rules 5-7) defines.

Header: each column votes by comparing the *shape* of its first-row cell (letters, digits
and punctuation, with letter case, runs collapsed: ``Dupont`` -> ``Aa``, ``06 12 34 56 78``
-> ``9 9 9 9 9``) with the shapes of the next rows' cells. A first-row cell whose shape
also occurs among the data cells votes "data"; one whose shape does not occur votes
"header"; a cell that is a common header word (``nom``, ``date``, ``code``, ``id``...) or
holds ``_`` votes "header" more strongly; a cell with digits in the shape of the column's
data votes "data". Ties mean no header. So a headerless export whose first row is
``DUPONT;JEAN;1850375...;06...`` is read as data: its cells look like the cells below.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

DELIMITERS: tuple[str, ...] = (";", ",", "\t", "|")
_SAMPLE_RECORDS = 200
_HEADER_ROWS = 50

#: Words that often make up column headers (folded). Only a tie-breaker between a header
#: row and a data row of the same shape (``Nom;Prenom`` above ``Dupont;Jean``).
HEADER_WORDS = frozenset(
    """
    id ident identifiant num numero no nr n code ref reference type libelle label name nom
    nom_naissance prenom prenoms firstname lastname surname first last given family sexe
    sex genre date ddn dob naissance ne nee birth age adresse address rue ville city cp
    commune pays country tel telephone phone portable mobile gsm fax mail email courriel
    login mdp password pwd user utilisateur compte commentaire comment commentaires note
    notes observation observations remarque valeur value unite unit resultat result
    statut status etat groupe sanguin medecin prescripteur patient dossier sejour service
    examen analyse prelevement montant total quantite qte prix description titre title
    key cle iban nir nss secu ins rpps adeli finess siret siren departement region
    """.split()
)

_SHAPE_RUNS = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class Dialect:
    """How a delimited file is written."""

    delimiter: str
    quote: str | None
    has_header: bool
    columns: int
    crlf: bool

    def as_extra(self) -> dict[str, str]:
        return {
            "delimiter": {"\t": "tab"}.get(self.delimiter, self.delimiter),
            "quote": self.quote or "",
            "newline": "crlf" if self.crlf else "lf",
        }


def _records(sample: str, delimiter: str, quote: str | None) -> list[list[str]]:
    if quote:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, quotechar=quote)
    else:
        reader = csv.reader(
            io.StringIO(sample, newline=""), delimiter=delimiter, quoting=csv.QUOTE_NONE
        )
    rows: list[list[str]] = []
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) >= _SAMPLE_RECORDS:
                break
    except csv.Error:
        pass
    return rows


def complete_sample(text: str, at_eof: bool) -> str:
    """Drop the last, possibly truncated, line of a sample cut from a longer input."""
    if at_eof:
        return text
    cut = text.rfind("\n")
    return text[: cut + 1] if cut > 0 else text


def delimiter_consistency(sample: str, delimiter: str, quote: str | None = '"') -> tuple[
    float, int, int
]:
    """(share of records at the most common field count, that count, records seen)."""
    rows = _records(sample, delimiter, quote)
    if not rows:
        return 0.0, 0, 0
    counts = Counter(len(r) for r in rows)
    mode, hits = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return hits / len(rows), mode, len(rows)


def guess_delimiter(sample: str) -> tuple[str | None, float]:
    """The most consistent delimiter and its consistency (``None`` when none splits lines)."""
    best: tuple[float, int, int] = (0.0, 0, 0)
    found: str | None = None
    for i, delim in enumerate(DELIMITERS):
        share, mode, _ = delimiter_consistency(sample, delim)
        if mode < 2:
            continue
        key = (share, mode, -i)
        if key > best:
            best, found = key, delim
    return found, best[0]


def guess_quote(sample: str, delimiter: str) -> str:
    d = re.escape(delimiter)
    edges = {
        q: len(re.findall(rf"(?:^|{d}){q}|{q}(?:{d}|\r?$)", sample, flags=re.MULTILINE))
        for q in ('"', "'")
    }
    return "'" if edges["'"] > 0 and edges['"'] == 0 and edges["'"] >= 4 else '"'


def fold(text: str) -> str:
    """Lower-case, accents removed (``Prénom`` -> ``prenom``)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def shape(cell: str) -> str:
    """Character-class shape with letter case, runs collapsed (``Dupont`` -> ``Aa``)."""
    out = []
    for ch in cell.strip():
        if ch.isdigit():
            out.append("9")
        elif ch.isalpha():
            out.append("A" if ch.isupper() else "a")
        elif ch.isspace():
            out.append(" ")
        else:
            out.append(ch)
    return _SHAPE_RUNS.sub(r"\1", "".join(out))


def _header_vote(cell: str, data: list[str]) -> int:
    text = cell.strip()
    if not text:
        return 0
    cell_shape = shape(text)
    data_shapes = {shape(v) for v in data if v.strip()}
    folded = fold(text)
    words = [w for w in re.split(r"[^a-z0-9]+", folded) if w]
    known = folded in HEADER_WORDS or (bool(words) and words[0] in HEADER_WORDS)
    if text in data:
        return -2
    vote = 0
    if data_shapes:
        vote += -1 if cell_shape in data_shapes else 1
    if "9" in cell_shape and (cell_shape in data_shapes or not data_shapes):
        vote -= 2
    if known or ("_" in text and "9" not in cell_shape):
        vote += 2
    return vote


def guess_header(rows: list[list[str]]) -> bool:
    """Whether the first row is a header row (see module docstring)."""
    if not rows:
        return False
    first, rest = rows[0], rows[1:_HEADER_ROWS]
    cells = [c.strip() for c in first]
    if any(any(ch.isdigit() for ch in c) and not any(ch.isalpha() for ch in c) for c in cells):
        return False  # a bare number is never a column name
    if not rest:
        named = [c for c in cells if c]
        return bool(named) and len(set(named)) == len(named)
    score = 0
    for j, cell in enumerate(first):
        column = [r[j] for r in rest if j < len(r)]
        score += _header_vote(cell, column)
    return score > 0


def sniff_dialect(
    sample: str,
    *,
    delimiter: str | None = None,
    has_header: bool | None = None,
) -> Dialect | None:
    """The dialect of a decoded sample (whole lines), or ``None`` when it is not delimited."""
    if delimiter is None:
        delimiter, _ = guess_delimiter(sample)
        if delimiter is None:
            return None
    quote = guess_quote(sample, delimiter)
    rows = _records(sample, delimiter, quote)
    columns = max((len(r) for r in rows), default=1)
    header = guess_header(rows) if has_header is None else has_header
    crlf = sample.count("\r\n") * 2 > sample.count("\n")
    return Dialect(delimiter, quote, header, columns, crlf)
