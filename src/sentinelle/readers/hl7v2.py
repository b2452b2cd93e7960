"""HL7 v2 reader: ADT/ORU/ORM messages as one table row per message, with explicit headers.

Messages are parsed with the ``hl7`` library (python-hl7, ``hl7.parse``). Around it, this
module is tolerant of how files really look: segments separated by ``\\r`` (the standard,
HL7 v2.5 section 2.5.1), ``\\r\\n`` or ``\\n``; several messages per file, in batches
(``FHS``/``BHS``...``BTS``/``FTS``, section 2.10.3) or not; MLLP frame bytes ``\\x0b`` and
``\\x1c`` left around messages (appendix C.4); a line that does not start a segment is
taken as the continuation of the previous segment (a field value broken by a raw line end).

Each message becomes one row of a :class:`~sentinelle.readers.base.Table` (format
``"hl7"``) whose header cells name the content in words the column classifier knows
(:mod:`sentinelle.detect.headers`), so detection is shared with CSV:

==========================================  ================================================
column                                      taken from
==========================================  ================================================
``NIR (INS PID-3)``                         PID-2/3/4 and MRG-1 ids that are an INS (below),
                                            and PID-19 (SSN)
``IPP (PID-3)``                             the other patient ids (IPP, INS-C)
``NOM (PID-5)``                             family names (PID-5 of type other than L/M/B)
``Nom de naissance (PID-5 L)``              family names of type L (IHE PAM FR: birth
                                            name), M or B
``PRENOM (PID-5)``                          given names (PID-5.2 and PID-5.3)
``Nom de naissance mère (PID-6)``           mother's maiden name
``DDN (PID-7)``                             birth date (the ``YYYYMMDD`` part)
``Sexe (PID-8)``                            administrative sex
``Adresse (PID-11)``                        street (component 1) of PID-11 and NK1-4
``Complément adresse (PID-11.2)``           address line 2 (component 2)
``Code postal (PID-11)``, ``Ville (PID-11)``  zip and city
``Lieu de naissance (PID-11 BDL)``          town of the BDL (birth place) repetition of
                                            PID-11 (IHE PAM FR); its country is not kept
``Code lieu de naissance (PID-11 BDL)``     its INSEE code (county/parish component)
``Téléphone (PID-13/14)``                   PID-13, PID-14 and NK1-5/6 numbers
``E-mail (PID-13)``                         e-mail addresses of PID-13/14
``Nom proche (NK1-2)``                      next of kin
``RPPS/ADELI/Code médecin (ROL/PV1/OBR)``   practitioner ids of ROL-4, PD1-4, PV1-7/8/9/17,
                                            ORC-12, OBR-16/28: RPPS or ADELI when national
                                            (assigning authority ``ASIP-SANTE-PS``, see
                                            :mod:`sentinelle.readers._practitioner`)
``Nom médecin (ROL/PV1/OBR)``               their names, one per cell
``Groupe sanguin (OBX GSRH/PHENO/KELL)``    OBX-5 of blood typings, one value per cell
                                            (:mod:`sentinelle.readers._blood`)
``Commentaire (NTE/OBX)``                   the other OBX results (``label: value unit
                                            flag``), NTE comments, OBR-13 clinical
                                            information, DG1 diagnoses, AL1 allergies,
                                            PV2-3 admit reason
==========================================  ================================================

INS (ANS, "Référentiel INS"; IHE PAM FR): a PID-3 repetition is the INS matricule when
its assigning authority is ``ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO`` (OIDs ``.8`` NIR,
``.9`` NIA, ``.10`` test, ``.11`` demo, :mod:`sentinelle.identifiers.ins`), or its
identifier type is ``INS``, ``NH`` or ``SS``. INS-C (``1.2.250.1.213.1.4.2``, a hash, not a
NIR) goes to the IPP column.

Multi-valued checked columns (NIR, phone, RPPS...) spill into continuation rows (see
:mod:`sentinelle.readers._rowtable`); a doctor named twice (ROL-4 and OBR-16) is kept
twice, as two occurrences. An encapsulated document in OBX-5 (type ``ED``,
base64, e.g. a PDF report) is yielded as a nested :class:`~sentinelle.readers.base.Source`
named ``<path>!message-<n>/OBX-<k>.<ext>``. A message the library cannot parse is not
lost: its segments go to the comment column as text, with a warning. Segments may be
long (an encapsulated PDF), so the line limit is at least 64 MiB here; a message longer
than that (or than ``ReadOptions.chunk_bytes``, whichever is larger) raises
:class:`~sentinelle.errors.LimitExceeded`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hl7

from sentinelle.errors import LimitExceeded, UnsupportedFormat
from sentinelle.readers._blood import is_blood_typing
from sentinelle.readers._lines import Lines
from sentinelle.readers._practitioner import ADELI, RPPS, route
from sentinelle.readers._rowtable import Column, Layout, Record, RowTable
from sentinelle.readers.base import Item, ReadOptions, Skip, Source
from sentinelle.readers.encoding import BOMS

FORMAT = "hl7"
EXTENSIONS = (".hl7", ".hl7v2", ".msg", ".adt", ".oru")

H_NIR = "NIR (INS PID-3)"
H_IPP = "IPP (PID-3)"
H_NOM = "NOM (PID-5)"
H_NOM_NAISSANCE = "Nom de naissance (PID-5 L)"
H_PRENOM = "PRENOM (PID-5)"
H_NOM_MERE = "Nom de naissance mère (PID-6)"
H_DDN = "DDN (PID-7)"
H_SEXE = "Sexe (PID-8)"
H_ADRESSE = "Adresse (PID-11)"
H_ADRESSE2 = "Complément adresse (PID-11.2)"
H_CP = "Code postal (PID-11)"
H_VILLE = "Ville (PID-11)"
H_LIEU_NAISSANCE = "Lieu de naissance (PID-11 BDL)"
H_CODE_LIEU = "Code lieu de naissance (PID-11 BDL)"
H_TEL = "Téléphone (PID-13/14)"
H_EMAIL = "E-mail (PID-13)"
H_PROCHE = "Nom proche (NK1-2)"
H_RPPS = "RPPS médecin (ROL/PV1/OBR)"
H_ADELI = "ADELI médecin (ROL/PV1/OBR)"
H_CODE_MED = "Code médecin (ROL/PV1/OBR)"
H_NOM_MED = "Nom médecin (ROL/PV1/OBR)"
H_GROUPE = "Groupe sanguin (OBX GSRH/PHENO/KELL)"
H_COMMENT = "Commentaire (NTE/OBX)"

_SPILL = Layout.SPILL
#: A doctor named in ROL-4 and again in OBR-16 is two occurrences (count = occurrences).
_REPEATS = frozenset({H_RPPS, H_ADELI, H_CODE_MED, H_NOM_MED})
COLUMNS: tuple[Column, ...] = (
    Column(H_NIR, _SPILL),
    Column(H_IPP),
    Column(H_NOM),
    Column(H_NOM_NAISSANCE),
    Column(H_PRENOM, sep=" "),
    Column(H_NOM_MERE),
    Column(H_DDN, _SPILL),
    Column(H_SEXE),
    Column(H_ADRESSE),
    Column(H_ADRESSE2),
    Column(H_CP, _SPILL),
    Column(H_VILLE),
    Column(H_LIEU_NAISSANCE),
    Column(H_CODE_LIEU),
    Column(H_TEL, _SPILL),
    Column(H_EMAIL, _SPILL),
    Column(H_PROCHE),
    Column(H_RPPS, _SPILL),
    Column(H_ADELI, _SPILL),
    Column(H_CODE_MED),
    Column(H_NOM_MED, _SPILL),
    Column(H_GROUPE, _SPILL),
    Column(H_COMMENT, sep="\n"),
)

INS_OIDS = frozenset({"1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9",
                      "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11"})
INS_C_OID = "1.2.250.1.213.1.4.2"
_INS_TYPES = frozenset({"INS", "NH", "SS"})
_BIRTH_NAME_TYPES = frozenset({"L", "M", "B"})
_SEGMENT_LIMIT = 64 * 1024 * 1024
_HEADER = re.compile(r"^(MSH|FHS|BHS)([^A-Za-z0-9\s])")
_TRAILER = re.compile(r"^(BTS|FTS)(?:[^A-Za-z0-9\s]|$)")
_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{2}$")
_EXT = {"PDF": "pdf", "RTF": "rtf", "HTML": "html", "XML": "xml", "JPEG": "jpg", "JPG": "jpg",
        "PNG": "png", "TIFF": "tif", "TEXT": "txt", "PLAIN": "txt", "MSWORD": "doc"}
#: Practitioner fields (segment, field number) read as XCN values.
_DOCTORS = (("ROL", 4), ("PD1", 4), ("PV1", 7), ("PV1", 8), ("PV1", 9), ("PV1", 17),
            ("ORC", 12), ("OBR", 16), ("OBR", 28))

Reps = list[list[list[str]]]  # repetitions -> components -> sub-components


def sniff(head: bytes, name: str) -> float:
    """0.97 for content starting with an ``MSH``/``FHS``/``BHS`` segment (after a BOM,
    blank lines or an MLLP start byte); 0 otherwise."""
    for mark, _ in BOMS:
        if head.startswith(mark):
            head = head[len(mark) :]
            break
    start = head[:512].lstrip(b" \t\r\n\x0b\x1c")
    if start.startswith((b"M\x00S\x00H\x00", b"\x00M\x00S\x00H")):
        start = start.replace(b"\x00", b"")
    text = start[:8].decode("latin-1")
    return 0.97 if _HEADER.match(text) else 0.0


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Stream ``source`` as :class:`Table` chunks (one row per message) and nested sources."""
    lines = Lines(
        source,
        options,
        binary_reason="binary content, not HL7 v2",
        mllp=True,
        max_line=max(options.max_line_bytes, _SEGMENT_LIMIT),
    )
    rows = RowTable(COLUMNS, FORMAT)
    warnings: list[str] = []
    stray = 0
    messages = 0
    segments: list[str] = []
    start = size = 0
    limit = max(options.chunk_bytes, options.max_line_bytes, _SEGMENT_LIMIT)
    for number, text in lines:
        text = text.rstrip()
        if not text:
            continue
        header = _HEADER.match(text)
        if header or _TRAILER.match(text):
            if segments:
                messages += 1
                yield from _flush(source.path, options, rows, segments, start, messages, warnings)
                segments = []
            if header and header.group(1) == "MSH":
                segments, start, size = [text], number, len(text)
            if rows.rows >= options.chunk_rows or rows.chars >= options.chunk_bytes:
                yield rows.take(encoding=lines.encoding, warnings=warnings + lines.take_warnings())
                warnings = []
        elif segments:
            sep = segments[0][3]
            if _SEGMENT_ID.match(text[:3]) and text[3:4] in (sep, ""):
                segments.append(text)
            else:
                segments[-1] += "\n" + text
            size += len(text)
            if size > limit:
                raise LimitExceeded(
                    source.path, f"message at line {start} longer than {limit} bytes"
                )
        else:
            stray += 1
    if segments:
        messages += 1
        yield from _flush(source.path, options, rows, segments, start, messages, warnings)
    if messages == 0:
        raise UnsupportedFormat(source.path, "no HL7 v2 message (MSH segment) found")
    if stray:
        warnings.append(f"{stray} lines outside any HL7 message were ignored")
    warnings += lines.take_warnings()
    if rows.rows or warnings:
        yield rows.take(encoding=lines.encoding, warnings=warnings)


def _flush(
    path: str,
    options: ReadOptions,
    rows: RowTable,
    segments: list[str],
    line: int,
    index: int,
    warnings: list[str],
) -> Iterator[Item]:
    """Parse one message, add its row, yield its encapsulated documents."""
    parsed = _parse(segments)
    if parsed is None:
        warnings.append(f"message {index} (line {line}) could not be parsed, read as text")
        record = Record(line)
        record.add(H_COMMENT, "\n".join(segments))
        rows.add(record)
        return
    extraction = _Extraction(Record(line, repeats=_REPEATS), parsed, path, index, options)
    extraction.run()
    rows.add(extraction.record)
    warnings.extend(extraction.warnings)
    yield from extraction.items


def _parse(segments: list[str]) -> Any | None:
    try:
        return hl7.parse("\r".join(segments))
    except Exception:  # noqa: BLE001 - any parser failure: the message is read as text
        return None


@dataclass(slots=True)
class _Extraction:
    """What one parsed message contributes: its row, nested documents and warnings."""

    record: Record
    message: Any
    path: str
    index: int
    options: ReadOptions
    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _obx: int = 0

    def text(self, value: str) -> str:
        esc = getattr(self.message, "esc", "\\") or "\\"
        if not value or esc not in value:
            return value
        return unescape(value, str(getattr(self.message, "separators", "")), esc)

    def reps(self, segment: Any, number: int) -> Reps:
        """Field ``number`` of ``segment`` as repetitions of components of sub-components."""
        try:
            value = segment[number]
        except (IndexError, TypeError):
            return []
        if isinstance(value, str):
            return [[[self.text(value)]]]
        out: Reps = []
        for rep in value:
            if isinstance(rep, str):
                out.append([[self.text(rep)]])
                continue
            comps: list[list[str]] = []
            for comp in rep:
                if isinstance(comp, str):
                    comps.append([self.text(comp)])
                else:
                    comps.append([self.text(str(sub)) for sub in comp])
            out.append(comps)
        return out

    def segments(self, name: str) -> list[Any]:
        try:
            return list(self.message.segments(name))
        except Exception:  # noqa: BLE001 - the library raises KeyError when absent
            return []

    def run(self) -> None:
        for name in ("PID", "MRG"):
            for seg in self.segments(name):
                self.patient(seg, name)
        for seg in self.segments("NK1"):
            self.kin(seg)
        for name, number in _DOCTORS:
            for seg in self.segments(name):
                for rep in self.reps(seg, number):
                    self.doctor(rep)
        self.clinical()

    def patient(self, seg: Any, name: str) -> None:
        rec = self.record
        for number in (1,) if name == "MRG" else (2, 3, 4):
            for rep in self.reps(seg, number):
                self.identifier(rep)
        if name == "MRG":
            return
        for rep in self.reps(seg, 19):
            rec.add(H_NIR, _comp(rep, 0))
        for rep in self.reps(seg, 5):
            kind = _comp(rep, 6).upper()
            rec.add(H_NOM_NAISSANCE if kind in _BIRTH_NAME_TYPES else H_NOM, _comp(rep, 0))
            rec.add(H_PRENOM, _comp(rep, 1), _comp(rep, 2))
        for rep in self.reps(seg, 6):
            rec.add(H_NOM_MERE, _comp(rep, 0))
        for rep in self.reps(seg, 7):
            rec.add(H_DDN, _date(_comp(rep, 0)))
        for rep in self.reps(seg, 8):
            rec.add(H_SEXE, _comp(rep, 0))
        for rep in self.reps(seg, 11):
            self.address(rep)
        for number in (13, 14):
            for rep in self.reps(seg, number):
                self.telecom(rep)

    def identifier(self, rep: list[list[str]]) -> None:
        value = _comp(rep, 0)
        authority = rep[3] if len(rep) > 3 else []
        namespace = (authority[0] if authority else "").upper()
        oid = authority[1].strip() if len(authority) > 1 else ""
        kind = _comp(rep, 4).upper()
        ins_c = oid == INS_C_OID or namespace.startswith("ASIP-SANTE-INS-C") or kind == "INS-C"
        ins = oid in INS_OIDS or namespace.startswith("ASIP-SANTE-INS") or kind in _INS_TYPES
        self.record.add(H_NIR if ins and not ins_c else H_IPP, value)

    def address(self, rep: list[list[str]]) -> None:
        rec = self.record
        if _comp(rep, 6).upper() == "BDL":
            rec.add(H_LIEU_NAISSANCE, _comp(rep, 2))  # the town; a country alone says little
            rec.add(H_CODE_LIEU, _comp(rep, 8))
            return
        rec.add(H_ADRESSE, _comp(rep, 0))
        rec.add(H_ADRESSE2, _comp(rep, 1))
        rec.add(H_CP, _comp(rep, 4))
        rec.add(H_VILLE, _comp(rep, 2))

    def telecom(self, rep: list[list[str]]) -> None:
        first, mail = _comp(rep, 0), _comp(rep, 3)
        for value in (first, mail):
            if "@" in value:
                self.record.add(H_EMAIL, value)
        number = first if "@" not in first else ""
        number = number or _comp(rep, 11)
        if not number and _comp(rep, 6):
            country = _comp(rep, 4).lstrip("+")
            number = ("+" + country if country else "") + _comp(rep, 5) + _comp(rep, 6)
        self.record.add(H_TEL, number)

    def kin(self, seg: Any) -> None:
        for rep in self.reps(seg, 2):
            self.record.add(H_PROCHE, " ".join(filter(None, (_comp(rep, 1), _comp(rep, 0)))))
        for rep in self.reps(seg, 4):
            self.address(rep)
        for number in (5, 6):
            for rep in self.reps(seg, number):
                self.telecom(rep)

    def doctor(self, rep: list[list[str]]) -> None:
        ident = _comp(rep, 0)
        authority = rep[8] if len(rep) > 8 else []
        if ident:
            kind, value = route(
                ident,
                authority=authority[0] if authority else "",
                oid=authority[1] if len(authority) > 1 else "",
                type_code=_comp(rep, 12),
            )
            column = {RPPS: H_RPPS, ADELI: H_ADELI}.get(kind, H_CODE_MED)
            self.record.add(column, value)
        self.record.add(H_NOM_MED, " ".join(filter(None, (_comp(rep, 2), _comp(rep, 1)))))

    def clinical(self) -> None:
        """Results, comments, diagnoses: free text, in message order."""
        add = self.record.add
        for seg in self.message:
            name = str(seg[0]) if len(seg) else ""
            if name == "OBX":
                self.observation(seg)
            elif name == "NTE":
                for rep in self.reps(seg, 3):
                    add(H_COMMENT, _joined(rep))
            elif name == "OBR":
                for rep in self.reps(seg, 13):
                    add(H_COMMENT, _joined(rep))
            elif name == "DG1":
                add(H_COMMENT, *(_label(rep) for n in (3, 4) for rep in self.reps(seg, n)))
            elif name == "AL1":
                add(H_COMMENT, *(_label(rep) for rep in self.reps(seg, 3)))
            elif name == "PV2":
                add(H_COMMENT, *(_label(rep) for rep in self.reps(seg, 3)))

    def observation(self, seg: Any) -> None:
        self._obx += 1
        kind = _comp(self.reps(seg, 2)[0], 0).upper() if self.reps(seg, 2) else ""
        label = " ".join(_label(rep) for rep in self.reps(seg, 3))
        values = self.reps(seg, 5)
        if kind == "ED":
            for rep in values:
                self.document(rep, _comp(self.reps(seg, 1)[0], 0) if self.reps(seg, 1) else "")
            self.record.add(H_COMMENT, f"{label}: [document]" if label else "")
            return
        if kind == "RP":
            return
        shown = [_label(rep) if kind in ("CE", "CWE", "CNE") else _joined(rep) for rep in values]
        if _is_blood_typing(self.reps(seg, 3)):
            self.record.add(H_GROUPE, *shown)
            return
        unit = " ".join(_label(rep) for rep in self.reps(seg, 6))
        flag = " ".join(_joined(rep) for rep in self.reps(seg, 8))
        value = " ".join(v for v in shown if v)
        if value:
            line = " ".join(filter(None, (value, unit, flag)))
            self.record.add(H_COMMENT, f"{label}: {line}" if label else line)

    def document(self, rep: list[list[str]], set_id: str) -> None:
        encoding = _comp(rep, 3).upper()
        data = _comp(rep, 4)
        if encoding not in ("BASE64", "B64") or not data:
            return
        ext = _EXT.get(_comp(rep, 2).upper() or _comp(rep, 1).upper(), "bin")
        name = f"{self.path}!message-{self.index}/OBX-{set_id or self._obx}.{ext}"
        if len(data) * 3 // 4 > self.options.max_member_bytes:
            self.items.append(Skip(name, f"over {self.options.max_member_bytes} bytes, not read"))
            return
        try:
            payload = base64.b64decode(re.sub(r"\s+", "", data) + "==", validate=False)
        except (binascii.Error, ValueError):
            self.warnings.append(f"message {self.index}: OBX-5 document is not valid base64")
            return
        self.items.append(Source.from_bytes(name, payload))


def unescape(value: str, separators: str, esc: str) -> str:
    """Decode HL7 escape sequences (HL7 v2.5 section 2.7): ``\\F\\ \\S\\ \\T\\ \\R\\
    \\E\\`` are the separators and the escape character, ``\\Xhh..\\`` hex bytes,
    ``\\.br\\`` / ``\\.sp\\`` line breaks; highlighting, character-set and local
    sequences are dropped. ``separators`` is the library's ``"\\r|~^&"`` string (segment,
    field, repetition, component, sub-component).

    Written here rather than with ``hl7.Message.unescape``: that method logs the whole
    field value on a malformed sequence, and field values are personal data.
    """
    seps = (separators + "\r|~^&"[len(separators):])[:5]
    known = {"F": seps[1], "R": seps[2], "S": seps[3], "T": seps[4], "E": esc}

    def decode(match: re.Match[str]) -> str:
        seq = match.group(1)
        if seq in known:
            return known[seq]
        if seq[:1] == "X":
            try:
                return bytes.fromhex(seq[1:]).decode("latin-1")
            except ValueError:
                return ""
        if seq[:3] in (".br", ".sp"):
            return "\n"
        return ""

    e = re.escape(esc)
    return re.sub(f"{e}([^{e}]*){e}", decode, value)


def _comp(rep: list[list[str]], index: int) -> str:
    """Component ``index`` (0-based) of a repetition, first sub-component, stripped."""
    if index < len(rep) and rep[index]:
        return rep[index][0].strip()
    return ""


def _joined(rep: list[list[str]]) -> str:
    return " ".join(s.strip() for comp in rep for s in comp if s.strip())


def _is_blood_typing(reps: list[list[list[str]]]) -> bool:
    return any(is_blood_typing(_comp(rep, 0), _comp(rep, 1)) for rep in reps)


def _label(rep: list[list[str]]) -> str:
    """A coded value as its text (component 2), else its code (component 1)."""
    return _comp(rep, 1) or _comp(rep, 0)


def _date(value: str) -> str:
    """The date part of an HL7 ``DTM`` (``YYYYMMDD[HHMM[SS]]``): what the date check reads."""
    return value[:8] if len(value) > 8 and value[:8].isdigit() else value


__all__ = ["COLUMNS", "EXTENSIONS", "FORMAT", "INS_OIDS", "read", "sniff", "unescape"]
