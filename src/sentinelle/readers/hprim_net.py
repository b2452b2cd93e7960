"""HPRIM Net reader: lab and radiology reports sent to GPs ("HPRIM Médecins" / HPRIM Net).

A file holds one or more reports. Each report is (H.PR.I.M. "HPRIM Médecins" recommendation
v3.0, 1997, the format HPRIM Net carries; report layout as documented by GP software
vendors, e.g. bluegyn.com "Entête HPRIM"):

- a 12-line header, one value per line::

      1 patient code           5 address line 2        9 report / file number
      2 family name            6 postal code and city  10 report date
      3 given name             7 birth date (JJ/MM/AAAA)  11 prescriber (code or name)
      4 address line 1         8 NIR as ``1234567890123 75``  12 recipient doctor

- the report as free text;
- optionally ``****LAB****`` followed by structured results, one per line:
  ``RES|label|code|type|value|unit|low|high|flag|status`` (and ``TEX|text`` lines);
- ``****FIN****`` ends the report; ``****FINFICHIER****`` ends the file (files are often
  concatenated, so a report may follow it and is read too).

Markers are matched leniently (three or more stars, spaces, any case): real files vary.
A marker met inside the header ends the header early (short headers exist).

Each report becomes one row of a :class:`~sentinelle.readers.base.Table` (format
``"hprim-net"``) with headers the column classifier knows: ``NIR (ligne 8)``, ``NOM
(ligne 2)``, ``DDN (ligne 7)``..., the report text in ``Compte rendu (texte)`` and the
results as ``label: value unit [low-high] flag`` lines in ``Notes résultats (RES/TEX)``
(both scanned as free text), except blood typings (:mod:`sentinelle.readers._blood`), whose
values go one per cell to ``Groupe sanguin``. Lines 4 and 5 are ``Adresse`` and
``Complément adresse``. Line 6 is split into ``Code postal`` and ``Ville`` when it
starts with five digits. Lines 11-12 go to ``RPPS``/``ADELI`` columns when shaped so
(:mod:`sentinelle.readers._practitioner`), to ``Laboratoire / établissement`` when they
name an establishment, else to ``Médecin (lignes 11-12)``, which also gets the doctors
named on ``Prescripteur :`` / ``Médecin traitant :`` lines of the text (one per cell).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentinelle.errors import LimitExceeded, UnsupportedFormat
from sentinelle.readers._blood import is_blood_typing
from sentinelle.readers._lines import Lines
from sentinelle.readers._practitioner import ADELI, RPPS, route
from sentinelle.readers._rowtable import Column, Layout, Record, RowTable
from sentinelle.readers.base import ReadOptions, Source, Table
from sentinelle.readers.encoding import BOMS

FORMAT = "hprim-net"
EXTENSIONS = (".hpm", ".hpr", ".hprim", ".hpn")
HEADER_LINES = 12

H_CODE = "Code patient (ligne 1)"
H_NOM = "NOM (ligne 2)"
H_PRENOM = "PRENOM (ligne 3)"
H_ADRESSE = "Adresse (ligne 4)"
H_CP = "Code postal (ligne 6)"
H_VILLE = "Ville (ligne 6)"
H_DDN = "DDN (ligne 7)"
H_NIR = "NIR (ligne 8)"
H_DOSSIER = "Dossier (ligne 9)"
H_DATE = "Date dossier (ligne 10)"
H_RPPS = "RPPS médecin (lignes 11-12)"
H_ADELI = "ADELI médecin (lignes 11-12)"
H_MEDECIN = "Médecin (lignes 11-12)"
H_ETABLISSEMENT = "Laboratoire / établissement (ligne 12)"
H_TEXTE = "Compte rendu (texte)"
H_RES = "Notes résultats (RES/TEX)"
H_ADRESSE2 = "Complément adresse (ligne 5)"
H_GROUPE = "Groupe sanguin (RES GSRH/PHENO/KELL)"

_SPILL = Layout.SPILL
COLUMNS: tuple[Column, ...] = (
    Column(H_CODE),
    Column(H_NOM),
    Column(H_PRENOM),
    Column(H_ADRESSE),
    Column(H_ADRESSE2),
    Column(H_CP, _SPILL),
    Column(H_VILLE),
    Column(H_DDN, _SPILL),
    Column(H_NIR, _SPILL),
    Column(H_DOSSIER),
    Column(H_DATE),
    Column(H_RPPS, _SPILL),
    Column(H_ADELI, _SPILL),
    Column(H_MEDECIN, Layout.SPILL),
    Column(H_ETABLISSEMENT),
    Column(H_TEXTE, sep="\n"),
    Column(H_GROUPE, _SPILL),
    Column(H_RES, sep="\n"),
)

_MARKER = re.compile(r"^\s*\*{3,}\s*(LAB|FIN|FINFICHIER)\s*\*{3,}\s*$", re.IGNORECASE)
_MARKER_BYTES = re.compile(rb"(?im)^[ \t]*\*{3,}[ \t]*(LAB|FIN|FINFICHIER)[ \t]*\*{3,}[ \t]*\r?$")
#: Line 12 names the recipient; some labs put an establishment there instead.
_ORGANISATION = re.compile(
    r"\b(?:laboratoire|labo|labm|lbm|biologie|centre|clinique|h[oô]pital|chu|ch|cabinet|selarl|"
    r"groupe|service)\b",
    re.IGNORECASE,
)
#: A doctor named in the report text: "Prescripteur : DUPONT J.", "Médecin traitant : X".
_DOCTOR_LINE = re.compile(
    r"^\s*(?:prescripteur|m[ée]decin(?: traitant| prescripteur)?|dr)\s*:\s*(\S.*?)\s*$",
    re.IGNORECASE,
)
_CP_CITY = re.compile(r"^\s*(\d{5})\s*(.*)$")


def sniff(head: bytes, name: str) -> float:
    """0.95 when a ``****LAB****`` marker is in the head, 0.93 for ``****FIN****`` /
    ``****FINFICHIER****`` after at least 12 lines; 0 otherwise."""
    for mark, _ in BOMS:
        if head.startswith(mark):
            head = head[len(mark) :]
            break
    if head.startswith((b"H|", b"MSH")) or b"\x00" in head[:4096]:
        return 0.0
    markers = list(_MARKER_BYTES.finditer(head))
    if not markers:
        return 0.0
    first = markers[0]
    lines_before = head.count(b"\n", 0, first.start())
    if lines_before < 2:
        return 0.0
    if any(m.group(1).upper() == b"LAB" for m in markers):
        return 0.95
    return 0.93 if lines_before >= HEADER_LINES else 0.0


class _Report:
    """The report being read: header lines, text lines, result notes."""

    def __init__(self, line: int) -> None:
        self.record = Record(line)
        self.header: list[str] = []
        self.text: list[str] = []
        self.chars = 0
        self.in_lab = False

    def finish(self) -> Record:
        rec = self.record
        h = self.header + [""] * (HEADER_LINES - len(self.header))
        rec.add(H_CODE, h[0])
        rec.add(H_NOM, h[1])
        rec.add(H_PRENOM, h[2])
        rec.add(H_ADRESSE, h[3])
        rec.add(H_ADRESSE2, h[4])
        match = _CP_CITY.match(h[5])
        if match:
            rec.add(H_CP, match.group(1))
            rec.add(H_VILLE, match.group(2))
        else:
            rec.add(H_VILLE, h[5])
        rec.add(H_DDN, h[6])
        rec.add(H_NIR, h[7])
        rec.add(H_DOSSIER, h[8])
        rec.add(H_DATE, h[9])
        for value in h[10:12]:
            kind, ident = route(value)
            if kind not in (RPPS, ADELI) and _ORGANISATION.search(ident):
                rec.add(H_ETABLISSEMENT, ident)  # a lab or hospital, not a person
                continue
            rec.add({RPPS: H_RPPS, ADELI: H_ADELI}.get(kind, H_MEDECIN), ident)
        for line in self.text:
            named = _DOCTOR_LINE.match(line)
            if named:
                rec.add(H_MEDECIN, named.group(1))
        rec.add(H_TEXTE, "\n".join(self.text))
        return rec

    def result(self, line: str) -> None:
        f = [x.strip() for x in line.split("|")]
        kind = f[0].upper()
        if kind == "RES":
            f += [""] * (10 - len(f))
            label, value, unit, low, high, flag = f[1], f[4], f[5], f[6], f[7], f[8]
            if is_blood_typing(f[2], label):
                self.record.add(H_GROUPE, value)
                return
            bounds = f"[{low}-{high}]" if low or high else ""
            shown = " ".join(filter(None, (value, unit, bounds, flag)))
            if shown:
                self.record.add(H_RES, f"{label}: {shown}" if label else shown)
        elif kind == "TEX":
            self.record.add(H_RES, "|".join(f[1:]))
        else:
            self.record.add(H_RES, line)


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Table]:
    """Stream ``source`` as :class:`Table` chunks, one row per report."""
    lines = Lines(source, options, binary_reason="binary content, not HPRIM Net")
    rows = RowTable(COLUMNS, FORMAT)
    report: _Report | None = None
    markers = 0
    limit = max(options.chunk_bytes, options.max_line_bytes)
    for number, raw in lines:
        line = raw.rstrip()
        marker = _MARKER.match(line)
        if marker:
            markers += 1
            kind = marker.group(1).upper()
            if kind == "LAB" and report is not None:
                report.in_lab = True
                report.header += [""] * (HEADER_LINES - len(report.header))
            elif kind in ("FIN", "FINFICHIER"):
                if report is not None:
                    rows.add(report.finish())
                report = None
            if rows.rows >= options.chunk_rows or rows.chars >= options.chunk_bytes:
                yield rows.take(encoding=lines.encoding, warnings=lines.take_warnings())
            continue
        if report is None:
            if not line.strip():
                continue  # blank lines between reports
            report = _Report(number)
        if len(report.header) < HEADER_LINES:
            report.header.append(line.strip())
        elif report.in_lab:
            if line.strip():
                report.result(line)
        else:
            report.text.append(line)
            report.chars += len(line)
            if report.chars > limit:
                raise LimitExceeded(
                    source.path, f"report at line {report.record.line} longer than {limit} bytes"
                )
    if report is not None:
        rows.add(report.finish())
    if markers == 0:
        raise UnsupportedFormat(source.path, "no HPRIM Net marker (****LAB****, ****FIN****)")
    warnings = lines.take_warnings()
    if rows.rows or warnings:
        yield rows.take(encoding=lines.encoding, warnings=warnings)


__all__ = ["COLUMNS", "EXTENSIONS", "FORMAT", "HEADER_LINES", "read", "sniff"]
