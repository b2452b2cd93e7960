"""Generic XML reader: repeated elements become rows, their children and attributes columns.

XML 1.0 (W3C, Fifth Edition) parsed with the stdlib expat binding
(:mod:`xml.parsers.expat`), in two streaming passes over the source so memory stays
bounded by one record:

1. Structure: every element path (``export/patients/patient``) is counted per parent. A
   path that occurs at least twice under one parent is *repeated*; the outermost repeated
   paths (no repeated ancestor) are the record paths, one table each. ``part`` is the
   record element's name (its path from the root when two record paths share a name),
   or ``None`` when the document is one table and nothing else.
2. Rows: each record element is turned into a tree (attributes ``@name``, child elements
   by name, repeated children as lists, own text ``#text``; an element whose only content
   is a ``value`` attribute, as FHIR XML writes ``<family value="DUPONT"/>``, is that
   value) and flattened by :mod:`sentinelle.readers._records` (``adresse.ville``,
   ``adresse@type``, FHIR INS identifiers labelled ``INS-NIR identifier.value``).
   Text and attributes outside any record form one more row (``part`` ``None``).
   FHIR XML (root in the ``http://hl7.org/fhir`` namespace): a resource is one row of the
   part named by its type; a ``Bundle``'s ``entry/resource/*`` are rows of the parts named
   by their types, the rest of the Bundle a row of part ``Bundle`` (as JSON FHIR).

Namespace prefixes are dropped from names (``hl7:patient`` -> ``patient``); ``xmlns``
declarations are not data. ``first_line`` is the line of the chunk's first record element.

Hostile input (the defusedxml defaults, https://github.com/tiran/defusedxml, and stricter):
a document type with an internal subset (where entities are declared: "billion laughs",
quadratic blowup) is refused before it is read, entity declarations and external entity
references are refused, external DTDs and parameter entities are never fetched
(``XML_PARAM_ENTITY_PARSING_NEVER``). A bare ``<!DOCTYPE root SYSTEM "x.dtd">`` is allowed
(nothing is loaded). Refusals and syntax errors raise :class:`~sentinelle.errors.InputError`
with the line and column, after the rows read before the error. Encodings: those expat
knows from the declaration or BOM; a file without an encoding declaration whose bytes are
not UTF-8 is read as cp1252 (:mod:`sentinelle.readers.encoding`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.parsers import expat

from sentinelle.errors import InputError, LimitExceeded, SentinelleError
from sentinelle.readers._records import OVERFLOW_WARNING, flatten
from sentinelle.readers._tables import PartRows
from sentinelle.readers.base import ReadOptions, Source, Table
from sentinelle.readers.encoding import decode_head, sniff_encoding

FORMAT = "xml"
DEFAULT_OPTIONS = ReadOptions()
EXTENSIONS = (".xml", ".xsd", ".cda", ".fhir")

_PIECE = 1024 * 1024
FHIR_NAMESPACE = "http://hl7.org/fhir"
MAX_PATHS = 100_000
_HTML = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_ELEMENT_START = re.compile(r"<(?:[A-Za-z_:]|!--|!DOCTYPE\s)")
_DECLARED_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*\bencoding\s*=", re.IGNORECASE)


_MISSING = object()


class _Refused(Exception):
    """A construct refused for safety (raised from an expat handler)."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _parser(encoding: str | None) -> expat.XMLParserType:
    parser = expat.ParserCreate(encoding)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True

    def refuse(reason: str) -> Callable[..., None]:
        def handler(*_args: object) -> None:
            raise _Refused(reason, parser.CurrentLineNumber)

        return handler

    def doctype(_name: str, _sys: str | None, _pub: str | None, internal: int) -> None:
        if internal:
            raise _Refused(
                "document type with an internal DTD subset refused", parser.CurrentLineNumber
            )

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = refuse("entity declaration refused")
    parser.UnparsedEntityDeclHandler = refuse("entity declaration refused")

    def external(_context: str, _base: str | None, _sys: str | None, _pub: str | None) -> int:
        raise _Refused("external entity reference refused", parser.CurrentLineNumber)

    parser.ExternalEntityRefHandler = external
    return parser


def sniff(head: bytes, name: str) -> float:
    """0.97 after ``<?xml``; 0.92 for other content that parses as XML (not HTML)."""
    guess = sniff_encoding(head, at_eof=False)
    if guess is None:
        return 0.0
    text = decode_head(head[:4096], guess).lstrip(" \t\r\n")
    if _HTML.search(text[:2048]):
        return 0.0
    if text.startswith("<?xml"):
        return 0.97
    if not _ELEMENT_START.match(text):
        return 0.0
    parser = _parser(_encoding_override(head))
    try:
        parser.Parse(head, False)
    except _Refused:
        return 0.92
    except (expat.ExpatError, ValueError):
        return 0.0
    return 0.92


def _feed(parser: expat.XMLParserType, stream: BinaryIO) -> None:
    while True:
        piece = stream.read(_PIECE)
        parser.Parse(piece, not piece)
        if not piece:
            return


def _error(path: str, exc: BaseException) -> InputError:
    if isinstance(exc, _Refused):
        return InputError(path, f"{exc.reason} (line {exc.line})")
    if isinstance(exc, expat.ExpatError):
        return InputError(
            path,
            f"invalid XML at line {exc.lineno} column {exc.offset + 1}: "
            f"{expat.ErrorString(exc.code)}",
        )
    return InputError(path, f"cannot read XML ({type(exc).__name__})")


@dataclass(slots=True)
class _Structure:
    """Pass 1: element paths, which repeat under one parent, which hold data."""

    ids: dict[tuple[int, str], int] = field(default_factory=dict)
    parent: list[int] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    repeated: set[int] = field(default_factory=set)
    has_data: set[int] = field(default_factory=set)
    count: list[int] = field(default_factory=list)
    children: dict[int, set[int]] = field(default_factory=dict)
    fhir: bool = False

    def path_id(self, parent: int, tag: str, path: str) -> int:
        key = (parent, tag)
        found = self.ids.get(key)
        if found is None:
            if len(self.ids) >= MAX_PATHS:
                raise LimitExceeded(path, f"more than {MAX_PATHS} distinct element paths")
            found = self.ids[key] = len(self.parent)
            self.parent.append(parent)
            self.tag.append(tag)
            self.count.append(0)
            self.children.setdefault(parent, set()).add(found)
        self.count[found] += 1
        return found

    def ancestors(self, node: int) -> Iterator[int]:
        node = self.parent[node]
        while node >= 0:
            yield node
            node = self.parent[node]

    def records(self) -> set[int]:
        """Record paths: repeated paths at least as frequent as their parent's other
        (non-repeated) children, outermost first; FHIR: Bundle resources, else none."""
        if self.fhir:
            if self.tag[0] != "Bundle":
                return set()
            entry = self.ids.get((0, "entry"), -2)
            resource = self.ids.get((entry, "resource"), -2)
            return set(self.children.get(resource, ()))
        found = set()
        for p in self.repeated:
            others = self.children.get(self.parent[p], set()) - self.repeated
            if self.count[p] >= sum(self.count[o] for o in others):
                found.add(p)
        return {p for p in found if not any(a in found for a in self.ancestors(p))}

    @property
    def root_part(self) -> str | None:
        """The part of the rest row: a FHIR resource's type (``Bundle`` too), else ``None``."""
        return self.tag[0] if self.fhir and self.tag else None

    def names(self, records: set[int]) -> dict[int, str]:
        tags = [self.tag[r] for r in records]
        names: dict[int, str] = {}
        for r in records:
            if tags.count(self.tag[r]) == 1:
                names[r] = self.tag[r]
            else:
                chain = [self.tag[r], *(self.tag[a] for a in self.ancestors(r))]
                names[r] = "/".join(reversed(chain[:-1])) if len(chain) > 1 else chain[0]
        return names

    def leftovers(self, records: set[int]) -> bool:
        """Whether some text or attribute lies outside every record element."""
        return any(
            d not in records and not any(a in records for a in self.ancestors(d))
            for d in self.has_data
        )


def _structure(source: Source, encoding: str | None) -> tuple[_Structure, BaseException | None]:
    found = _Structure()
    stack: list[tuple[int, dict[str, int]]] = []
    parser = _parser(encoding)

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        parent = stack[-1] if stack else None
        node = found.path_id(parent[0] if parent else -1, tag, source.path)
        if parent is not None:
            seen = parent[1][tag] = parent[1].get(tag, 0) + 1
            if seen == 2:
                found.repeated.add(node)
        elif attrs.get("xmlns") == FHIR_NAMESPACE:
            found.fhir = True
        if any(not _is_xmlns(k) for k in attrs):
            found.has_data.add(node)
        stack.append((node, {}))

    def end(_name: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack and not data.isspace():
            found.has_data.add(stack[-1][0])

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with source.open() as stream:
            _feed(parser, stream)
    except SentinelleError:
        raise
    except (_Refused, expat.ExpatError, ValueError, RecursionError, MemoryError) as exc:
        return found, exc
    return found, None


def _is_xmlns(name: str) -> bool:
    return name == "xmlns" or name.startswith("xmlns:")


@dataclass(slots=True)
class _Element:
    tag: str
    node: int
    attrs: dict[str, str]
    line: int
    children: list[tuple[str, object]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def value(self) -> object:
        text = "".join(self.text).strip() or None
        attrs = {_local(k): v for k, v in self.attrs.items() if not _is_xmlns(k)}
        if not self.children and not attrs:
            return text
        if not self.children and text is None and list(attrs) == ["value"]:
            return attrs["value"]
        tree: dict[str, object] = {f"@{k}": v for k, v in attrs.items()}
        for tag, child in self.children:
            before = tree.get(tag, _MISSING)
            if before is _MISSING:
                tree[tag] = child
            elif isinstance(before, list):
                before.append(child)
            else:
                tree[tag] = [before, child]
        if text is not None:
            tree["#text"] = text
        return tree


class _Rows:
    """Pass 2 state: open elements, finished records, pending chunks."""

    def __init__(self, structure: _Structure, options: ReadOptions, path: str) -> None:
        self.structure = structure
        self.records = structure.records()
        names = structure.names(self.records)
        single = len(self.records) == 1 and not structure.leftovers(self.records)
        self.parts = {
            r: PartRows(
                part=None if single else names[r], fmt=FORMAT, chunk_rows=options.chunk_rows
            )
            for r in sorted(self.records)
        }
        self.rest = PartRows(part=structure.root_part, fmt=FORMAT, chunk_rows=options.chunk_rows)
        self.stack: list[_Element] = []
        self.ready: list[Table] = []
        self.path = path

    def start(self, name: str, attrs: dict[str, str], line: int) -> None:
        tag = _local(name)
        parent = self.stack[-1].node if self.stack else -1
        node = self.structure.ids.get((parent, tag), -2)
        self.stack.append(_Element(tag, node, attrs, line))

    def end(self) -> None:
        element = self.stack.pop()
        value = element.value()
        rows = self.parts.get(element.node)
        if rows is None and self.stack:
            if value is not None:
                self.stack[-1].children.append((element.tag, value))
            return
        rows = rows or self.rest
        if value is None:
            return
        record = flatten(value, root=element.tag)
        if record.overflow:
            rows.warn(OVERFLOW_WARNING)
        if record.values:
            rows.add_record(record.values, record.labels, element.line)
        if rows.full:
            table = rows.flush()
            if table is not None:
                self.ready.append(table)

    def text(self, data: str) -> None:
        if self.stack:
            self.stack[-1].text.append(data)

    def flush(self) -> Iterator[Table]:
        for rows in [*self.parts.values(), self.rest]:
            table = rows.flush(empty=True)
            if table is not None:
                yield table


def _encoding_override(head: bytes) -> str | None:
    """cp1252 for undeclared non-UTF-8 bytes (expat would stop at the first one)."""
    if _DECLARED_ENCODING.match(head):
        return None
    guess = sniff_encoding(head, at_eof=False)
    if guess is not None and guess.codec in ("cp1252", "latin-1"):
        return "windows-1252" if guess.codec == "cp1252" else "iso-8859-1"
    return None


def read(source: Source, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Table]:
    """The tables of an XML document (see the module docstring)."""
    with source.open() as stream:
        head = stream.read(options.head_bytes)
    if not head.strip():
        raise InputError(source.path, "empty file")
    encoding = _encoding_override(head)
    structure, failure = _structure(source, encoding)
    rows = _Rows(structure, options, source.path)
    parser = _parser(encoding)
    parser.StartElementHandler = lambda name, attrs: rows.start(
        name, attrs, parser.CurrentLineNumber
    )
    parser.EndElementHandler = lambda _name: rows.end()
    parser.CharacterDataHandler = rows.text
    with source.open() as stream:
        while True:
            piece = stream.read(_PIECE)
            try:
                parser.Parse(piece, not piece)
            except SentinelleError:
                raise
            except (_Refused, expat.ExpatError, ValueError, RecursionError, MemoryError) as exc:
                failure = failure or exc
                break
            yield from rows.ready
            rows.ready.clear()
            if not piece:
                break
    yield from rows.ready
    yield from rows.flush()
    if failure is not None:
        raise _error(source.path, failure)
