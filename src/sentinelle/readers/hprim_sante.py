"""HPRIM Santé reader: lab orders and results exchanged by French labs and hospitals.

HPRIM Santé (association H.PR.I.M., versions 2.x; derived from ASTM E1238 / E1394) is a
line format. The first record is the header ``H|~^\\&|...``: its second character is the
field separator and the next four the component, repetition, escape and sub-component
separators, so the usual ``H|~^\\&`` means field ``|``, component ``~``, repetition ``^``
(note: the opposite of HL7 v2). Records used here (fields numbered from 1, the record
type being field 1):

- ``H`` header (delimiters); ``L`` end of message.
- ``P`` patient: P.3 id given by the requester, P.4 lab id, P.5 additional id (may hold
  the NIR), P.6 name ``family~given~middle~suffix~title``, P.7 birth name, P.8 birth date
  ``YYYYMMDD[HHMM]``, P.9 sex, P.11 address ``street~street 2~city~state~zip~country``,
  P.13 phones (repeated), P.14 doctors ``code~family~given``, P.19 diagnosis, P.20
  medications, P.21 diet.
- ``OBR`` request: OBR.14 clinical information, OBR.17 prescriber ``code~family~given``,
  OBR.18 prescriber phone.
- ``OBX`` result: OBX.4 test ``code~label``, OBX.6 value, OBX.7 unit, OBX.9 abnormal flag.
- ``C`` comment: C.4 text.
- ``A`` continuation: a record longer than the line limit of the format (220 characters)
  goes on in ``A|`` lines; their text (after ``A|``) is appended to the previous record as
  is, so a value cut in the middle is whole again.

Escape sequences ``\\F\\ \\S\\ \\R\\ \\E\\ \\T\\`` (separators written inside a value) are
decoded. The tokenizer is written here: no maintained Python library reads HPRIM Santé.

Each ``P`` record (with the ``OBR``/``OBX``/``C`` records that follow it, up to the next
``P`` or ``L``) becomes one row of a :class:`~sentinelle.readers.base.Table` (format
``"hprim"``) with explicit headers the column classifier knows (``NOM (P.6)``, ``DDN
(P.8)``, ``Identifiant complémentaire NIR (P.5)``, ``Commentaire (C/OBX)``...), as in
:mod:`sentinelle.readers.hl7v2`. Sources: HPRIM Santé 2.2 and 2.4 specifications
(interopsante.org); ASTM E1394-97 record layouts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sentinelle.errors import LimitExceeded, UnsupportedFormat
from sentinelle.readers._blood import is_blood_typing
from sentinelle.readers._lines import Lines
from sentinelle.readers._practitioner import ADELI, RPPS, route
from sentinelle.readers._rowtable import Column, Layout, Record, RowTable
from sentinelle.readers.base import ReadOptions, Source, Table
from sentinelle.readers.encoding import BOMS

FORMAT = "hprim"
EXTENSIONS = (".hpr", ".hprim", ".hps")

H_DOSSIER_DEMANDEUR = "Dossier demandeur (P.3)"
H_DOSSIER_LABO = "Dossier laboratoire (P.4)"
H_NIR = "Identifiant complémentaire NIR (P.5)"
H_NOM = "NOM (P.6)"
H_PRENOM = "PRENOM (P.6)"
H_NOM_NAISSANCE = "Nom de naissance (P.7)"
H_DDN = "DDN (P.8)"
H_SEXE = "Sexe (P.9)"
H_ADRESSE = "Adresse (P.11)"
H_ADRESSE2 = "Complément adresse (P.11)"
H_CP = "Code postal (P.11)"
H_VILLE = "Ville (P.11)"
H_TEL = "Téléphone (P.13)"
H_RPPS = "RPPS médecin (P.14/OBR.17)"
H_ADELI = "ADELI médecin (P.14/OBR.17)"
H_CODE_MED = "Code médecin (P.14/OBR.17)"
H_NOM_MED = "Nom médecin (P.14/OBR.17)"
H_TEL_MED = "Téléphone médecin (OBR.18)"
H_CLINIQUE = "Renseignements cliniques (P.19-21/OBR.14)"
H_GROUPE = "Groupe sanguin (OBX GSRH/PHENO/KELL)"
H_COMMENT = "Commentaire (C/OBX)"
#: A doctor named in P.14 and again in OBR.17 is two occurrences (count = occurrences).
_REPEATS = frozenset({H_RPPS, H_ADELI, H_CODE_MED, H_NOM_MED})

_SPILL = Layout.SPILL
COLUMNS: tuple[Column, ...] = (
    Column(H_DOSSIER_DEMANDEUR),
    Column(H_DOSSIER_LABO),
    Column(H_NIR, _SPILL),
    Column(H_NOM),
    Column(H_PRENOM, sep=" "),
    Column(H_NOM_NAISSANCE),
    Column(H_DDN, _SPILL),
    Column(H_SEXE),
    Column(H_ADRESSE),
    Column(H_ADRESSE2),
    Column(H_CP, _SPILL),
    Column(H_VILLE),
    Column(H_TEL, _SPILL),
    Column(H_RPPS, _SPILL),
    Column(H_ADELI, _SPILL),
    Column(H_CODE_MED),
    Column(H_NOM_MED, _SPILL),
    Column(H_TEL_MED, _SPILL),
    Column(H_CLINIQUE, sep="\n"),
    Column(H_GROUPE, _SPILL),
    Column(H_COMMENT, sep="\n"),
)

_HEADER = re.compile(r"^H([^A-Za-z0-9\s])([^A-Za-z0-9\s]{4})")
_RECORD_TYPE = re.compile(r"^[A-Z][A-Z0-9]{0,3}$")


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The five separators declared by an ``H`` record."""

    field: str = "|"
    component: str = "~"
    repetition: str = "^"
    escape: str = "\\"
    sub: str = "&"

    @classmethod
    def from_header(cls, line: str) -> Delimiters:
        match = _HEADER.match(line)
        if match is None:
            return cls()
        chars = match.group(2)
        return cls(match.group(1), chars[0], chars[1], chars[2], chars[3])

    def unescape(self, value: str) -> str:
        e = self.escape
        if e not in value:
            return value
        table = {"F": self.field, "S": self.component, "R": self.repetition, "E": e,
                 "T": self.sub}
        return re.sub(
            re.escape(e) + r"([FSRET])" + re.escape(e), lambda m: table[m.group(1)], value
        )


def sniff(head: bytes, name: str) -> float:
    """0.97 for ``H|~^\\&`` at the start, 0.92 for an ``H`` record with other delimiters."""
    for mark, _ in BOMS:
        if head.startswith(mark):
            head = head[len(mark) :]
            break
    start = head[:256].lstrip(b" \t\r\n").decode("latin-1")
    if start.startswith("H|~^\\&"):
        return 0.97
    match = _HEADER.match(start)
    if match is None or len(set(match.group(1) + match.group(2))) != 5:
        return 0.0
    return 0.92


class _Message:
    """Fields of one record, split with the current delimiters."""

    def __init__(self, delims: Delimiters) -> None:
        self.d = delims

    def fields(self, record: str) -> list[str]:
        return record.split(self.d.field)

    def reps(self, fields: list[str], number: int) -> list[list[str]]:
        """HPRIM field ``number`` (1-based, type = 1) as repetitions of components."""
        if number > len(fields) or not fields[number - 1]:
            return []
        d = self.d
        return [
            [d.unescape(c).strip() for c in rep.split(d.component)]
            for rep in fields[number - 1].split(d.repetition)
        ]


def _comp(rep: list[str], index: int) -> str:
    return rep[index] if index < len(rep) else ""


def _text(rep: list[str]) -> str:
    return " ".join(c for c in rep if c)


def _date(value: str) -> str:
    return value[:8] if len(value) > 8 and value[:8].isdigit() else value


def _patient(msg: _Message, rec: Record, f: list[str]) -> None:
    for number, header in ((3, H_DOSSIER_DEMANDEUR), (4, H_DOSSIER_LABO), (5, H_NIR)):
        for rep in msg.reps(f, number):
            rec.add(header, _text(rep))
    for rep in msg.reps(f, 6):
        rec.add(H_NOM, _comp(rep, 0))
        rec.add(H_PRENOM, _comp(rep, 1), _comp(rep, 2))
    for rep in msg.reps(f, 7):
        rec.add(H_NOM_NAISSANCE, _comp(rep, 0))
    for rep in msg.reps(f, 8):
        rec.add(H_DDN, _date(_comp(rep, 0)))
    for rep in msg.reps(f, 9):
        rec.add(H_SEXE, _comp(rep, 0))
    for rep in msg.reps(f, 11):
        rec.add(H_ADRESSE, _comp(rep, 0))
        rec.add(H_ADRESSE2, _comp(rep, 1))
        rec.add(H_VILLE, _comp(rep, 2))
        rec.add(H_CP, _comp(rep, 4))
    for rep in msg.reps(f, 13):
        rec.add(H_TEL, next((c for c in rep if c), ""))
    for rep in msg.reps(f, 14):
        _doctor(rec, rep)
    for number in (19, 20, 21):
        for rep in msg.reps(f, number):
            rec.add(H_CLINIQUE, _text(rep))


def _doctor(rec: Record, rep: list[str]) -> None:
    code = _comp(rep, 0)
    if code:
        kind, value = route(code)
        rec.add({RPPS: H_RPPS, ADELI: H_ADELI}.get(kind, H_CODE_MED), value)
    rec.add(H_NOM_MED, " ".join(filter(None, (_comp(rep, 2), _comp(rep, 1)))))


def _apply(msg: _Message, rec: Record, kind: str, f: list[str]) -> None:
    """Add the values of a non-patient record to the current patient's row."""
    if kind == "OBR":
        for rep in msg.reps(f, 14):
            rec.add(H_CLINIQUE, _text(rep))
        for rep in msg.reps(f, 17):
            _doctor(rec, rep)
        for rep in msg.reps(f, 18):
            rec.add(H_TEL_MED, next((c for c in rep if c), ""))
    elif kind == "OBX":
        label = " ".join(_comp(r, 1) or _comp(r, 0) for r in msg.reps(f, 4))
        value = " ".join(_text(r) for r in msg.reps(f, 6))
        if any(is_blood_typing(_comp(r, 0), _comp(r, 1)) for r in msg.reps(f, 4)):
            rec.add(H_GROUPE, value)
        elif value:
            unit = " ".join(_text(r) for r in msg.reps(f, 7))
            flag = " ".join(_text(r) for r in msg.reps(f, 9))
            line = " ".join(filter(None, (value, unit, flag)))
            rec.add(H_COMMENT, f"{label}: {line}" if label else line)
    elif kind == "C":
        rec.add(H_COMMENT, *(_text(rep) for rep in msg.reps(f, 4)))


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Table]:
    """Stream ``source`` as :class:`Table` chunks, one row per patient (``P`` record)."""
    lines = Lines(source, options, binary_reason="binary content, not HPRIM Santé")
    rows = RowTable(COLUMNS, FORMAT)
    msg = _Message(Delimiters())
    current: Record | None = None
    pending: tuple[int, str] | None = None  # a record waiting for its A| continuations
    headers = 0
    orphans = 0
    limit = max(options.chunk_bytes, options.max_line_bytes)
    warnings: list[str] = []

    def handle(line: int, record: str) -> None:
        nonlocal current, msg, headers, orphans
        if _HEADER.match(record):
            headers += 1
            msg = _Message(Delimiters.from_header(record))
            current = _close(current, rows)
            return
        f = msg.fields(record)
        kind = f[0].strip().upper()
        if kind == "P":
            _close(current, rows)
            current = Record(line, repeats=_REPEATS)
            _patient(msg, current, f)
        elif kind == "L":
            current = _close(current, rows)
        elif kind in ("OBR", "OBX", "C"):
            if current is None:
                orphans += 1
                current = Record(line, repeats=_REPEATS)
            _apply(msg, current, kind, f)
            if current.chars > limit:
                raise LimitExceeded(
                    source.path, f"patient record at line {current.line} longer than {limit} bytes"
                )

    sep = "|"
    for number, text in lines:
        if not text.strip():
            continue
        if _HEADER.match(text):
            sep = text[1]
        elif text.startswith("A" + sep) and pending is not None:
            pending = (pending[0], pending[1] + text[2:])
            if len(pending[1]) > options.max_line_bytes:
                raise LimitExceeded(
                    source.path,
                    f"record at line {pending[0]} longer than {options.max_line_bytes} bytes",
                )
            continue
        if pending is not None:
            handle(*pending)
        pending = (number, text)
        if rows.rows >= options.chunk_rows or rows.chars >= options.chunk_bytes:
            yield rows.take(encoding=lines.encoding, warnings=warnings + lines.take_warnings())
            warnings = []
    if pending is not None:
        handle(*pending)
    _close(current, rows)
    if headers == 0:
        raise UnsupportedFormat(source.path, "no HPRIM Santé header record (H) found")
    if orphans:
        warnings.append(f"{orphans} result records before any patient record")
    warnings += lines.take_warnings()
    if rows.rows or warnings:
        yield rows.take(encoding=lines.encoding, warnings=warnings)


def _close(record: Record | None, rows: RowTable) -> Record | None:
    """Add ``record`` to ``rows``; the current record is then none."""
    if record is not None:
        rows.add(record)
    return None


__all__ = ["COLUMNS", "EXTENSIONS", "FORMAT", "Delimiters", "read", "sniff"]
