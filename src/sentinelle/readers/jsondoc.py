"""JSON and NDJSON reader: records flattened into columns named by their key paths.

Formats: JSON (RFC 8259) and newline-delimited JSON (NDJSON / JSON Lines, one value per
line, https://github.com/ndjson/ndjson-spec). Which tables a document holds:

- a top-level array: its elements are the rows of one table (``part`` ``None``);
- an object: every array (or map keyed by numbers/dates) found by walking its nested
  objects is a table whose ``part`` is the key path (``export.json!data.patients``); the
  scalars outside those arrays form one more row (``part`` ``None``);
- FHIR (HL7 FHIR R4, https://hl7.org/fhir/R4/): a resource (``resourceType``) is a row of
  the table named by its type, and a ``Bundle``'s ``entry[].resource`` are grouped by type
  (``bundle.json!Patient``, ``bundle.json!Observation``; the Bundle's own fields and the
  entries' ``fullUrl`` / ``request`` ... are a row of ``bundle.json!Bundle``). NDJSON
  lines are rows of one table, or grouped by ``resourceType`` (FHIR Bulk Data export).

Each row is flattened by :mod:`sentinelle.readers._records`: nested keys joined by ``.``
without list indexes (``patient.identifier.value``), repeated paths in several columns,
and FHIR identifiers with an INS OID in ``system`` labelled ``INS-NIR identifier.value``.

Memory: a JSON document is read whole (bounded by the container limits); the elements of
a top-level array are decoded one at a time (``json.JSONDecoder.raw_decode``) so that only
one record is expanded at once and the rows before a syntax error are still produced.
NDJSON is streamed line by line (``max_line_bytes``), ``chunk_rows`` rows at a time; a
line that is not JSON is skipped and counted, and an
:class:`~sentinelle.errors.InputError` naming the first such line is raised at the end.
``first_line`` is the line of the chunk's first record (NDJSON, top-level arrays) or its
1-based record number (arrays found inside an object). Encodings as in
:mod:`sentinelle.readers.encoding` (RFC 8259 says UTF-8; cp1252 exports exist).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from sentinelle.errors import DecodeError, InputError, LimitExceeded, SentinelleError
from sentinelle.readers._blocks import text_head
from sentinelle.readers._records import OVERFLOW_WARNING, flatten, is_map
from sentinelle.readers._tables import PartRows
from sentinelle.readers.base import ReadOptions, Source, Table
from sentinelle.readers.encoding import (
    ASCII_SAFE,
    EncodingGuess,
    decode_head,
    decode_western,
    sniff_encoding,
)

FORMAT = "json"
DEFAULT_OPTIONS = ReadOptions()
EXTENSIONS = (".json", ".ndjson", ".jsonl", ".geojson")

_WS = re.compile(r"[ \t\r\n]*")
_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
_START = re.compile(
    r"[ \t\r\n]*(?:\{[ \t\r\n]*(?:\"|\}|$)"
    rf"|\[[ \t\r\n]*(?:[{{\[\]\"]|$|{_NUMBER}[ \t\r\n]*(?:[,\]]|$)|(?:true|false|null)\b))"
)
_BINARY_REASON = "binary content, not JSON"


def sniff(head: bytes, name: str) -> float:
    """0.95 when the content starts like a JSON object or array (``{"`` ``[{`` ``[1,``)."""
    guess = sniff_encoding(head, at_eof=False)
    if guess is None:
        return 0.0
    text = decode_head(head[:4096], guess)
    if not _START.match(text):
        return 0.0
    return 0.97 if name.lower().endswith(EXTENSIONS) else 0.95


class _Parts:
    """The :class:`PartRows` of one source, by part name."""

    def __init__(self, fmt: str, options: ReadOptions, encoding: str) -> None:
        self.fmt = fmt
        self.options = options
        self.encoding = encoding
        self.parts: dict[str | None, PartRows] = {}
        self.warnings: list[str] = []

    def add(self, part: str | None, value: object, line: int) -> Table | None:
        rows = self.parts.get(part)
        if rows is None:
            rows = self.parts[part] = PartRows(
                part=part,
                fmt=self.fmt,
                chunk_rows=self.options.chunk_rows,
                encoding=self.encoding,
            )
            for warning in self.warnings:
                rows.warn(warning)
        record = flatten(value)
        if record.overflow:
            rows.warn(OVERFLOW_WARNING)
        rows.add_record(record.values, record.labels, line)
        return rows.flush() if rows.full else None

    def flush(self) -> Iterator[Table]:
        for rows in self.parts.values():
            table = rows.flush(empty=True)
            if table is not None:
                yield table


def _resource_type(value: object) -> str | None:
    if isinstance(value, dict):
        kind = value.get("resourceType")
        if isinstance(kind, str) and kind:
            return kind
    return None


def _row_part(value: object, default: str | None) -> str | None:
    return _resource_type(value) or default


def _object_tables(doc: dict[object, object]) -> list[tuple[str | None, list[object]]]:
    """Tables found in a top-level object, leftovers (scalars) last as part ``None``."""
    kind = _resource_type(doc)
    bundle_entries = doc.get("entry")
    if kind == "Bundle" and isinstance(bundle_entries, list):
        entries: list[object] = []
        around: list[object] = []  # fullUrl, search, request... of each entry
        for entry in bundle_entries:
            if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                entries.append(entry["resource"])
                around.append({k: v for k, v in entry.items() if k != "resource"})
            else:
                entries.append(entry)
        bundle: dict[object, object] = {k: v for k, v in doc.items() if k != "entry"}
        bundle["entry"] = around
        return [("entry", entries), (None, [bundle])]
    if kind is not None:
        return [(kind, [doc])]
    tables: list[tuple[str | None, list[object]]] = []
    rest: dict[object, object] = {}
    stack: list[tuple[str, dict[object, object], dict[object, object]]] = [("", doc, rest)]
    while stack:
        path, node, out = stack.pop()
        for key, value in node.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
                tables.append((name, value))
            elif isinstance(value, dict) and is_map(value):
                tables.append((name, [{"key": k, "value": v} for k, v in value.items()]))
            elif isinstance(value, dict):
                child: dict[object, object] = {}
                out[key] = child
                stack.append((name, value, child))
            else:
                out[key] = value
    if _has_scalar(rest) or not tables:
        tables.append((None, [rest]))
    return tables


def _has_scalar(node: object) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            return True
    return False


def _decode(data: bytes, guess: EncodingGuess, path: str) -> tuple[str, list[str]]:
    body = data[guess.bom :]
    try:
        return body.decode(guess.codec), []
    except UnicodeDecodeError:
        if guess.forced or guess.codec not in ASCII_SAFE:
            raise DecodeError(path, f"content is not valid {guess.name}") from None
    return decode_western(body), ["bytes not valid UTF-8 decoded as cp1252"]


def _syntax_error(path: str, exc: json.JSONDecodeError) -> InputError:
    return InputError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")


def _loads(text: str, path: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _syntax_error(path, exc) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply") from None
    except ValueError:
        raise InputError(path, "JSON number too long") from None


def _read_array(text: str, start: int, parts: _Parts, path: str) -> Iterator[Table]:
    """Elements of a top-level array, decoded one at a time."""
    decoder = json.JSONDecoder()
    pos = _WS.match(text, start + 1).end()  # type: ignore[union-attr]
    line, counted = 1 + text.count("\n", 0, pos), pos
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield from parts.flush()
            raise _syntax_error(path, exc) from None
        except RecursionError:
            yield from parts.flush()
            raise InputError(path, f"JSON nested too deeply (line {line})") from None
        except ValueError:
            yield from parts.flush()
            raise InputError(path, f"JSON number too long (line {line})") from None
        table = parts.add(_row_part(value, None), value, line)
        if table is not None:
            yield table
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if pos < len(text) and text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        if pos < len(text) and text[pos] == "]" and not text[pos + 1 :].strip(" \t\r\n"):
            return
        yield from parts.flush()
        where = 1 + text.count("\n", 0, pos)
        raise InputError(path, f"invalid JSON at line {where}: expected ',' or ']'")


def _read_document(text: str, parts: _Parts, path: str) -> Iterator[Table]:
    start = _WS.match(text).end()  # type: ignore[union-attr]
    if start < len(text) and text[start] == "[":
        yield from _read_array(text, start, parts, path)
        return
    doc = _loads(text, path)
    tables = _object_tables(doc) if isinstance(doc, dict) else [(None, [doc])]
    for part, rows in tables:
        for number, value in enumerate(rows, start=1):
            table = parts.add(_row_part(value, part), value, number)
            if table is not None:
                yield table


def _is_ndjson(text: str) -> bool:
    """The first line is a whole JSON value and more values follow on later lines."""
    body = text.lstrip(" \t\r\n")
    first, newline, rest = body.partition("\n")
    if not newline or not rest.strip():
        return False
    try:
        json.loads(first)
    except (ValueError, RecursionError):
        return False
    return True


def _lines(stream: BinaryIO, guess: EncodingGuess, limit: int, path: str) -> Iterator[str]:
    """Decoded lines, each at most ``limit`` bytes (else :class:`LimitExceeded`)."""
    if guess.codec not in ASCII_SAFE:
        reader = io.TextIOWrapper(stream, encoding=guess.codec, errors="strict", newline="")
        number = 0
        while True:
            try:
                line = reader.readline(limit + 1)
            except UnicodeDecodeError:
                raise DecodeError(
                    path, f"bytes not valid {guess.name} after line {number}"
                ) from None
            if not line:
                return
            number += 1
            if len(line) > limit and not line.endswith("\n"):
                raise LimitExceeded(path, f"line {number} longer than {limit} bytes")
            yield line.lstrip("\ufeff") if number == 1 else line
        return
    stream.read(guess.bom)
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            raise LimitExceeded(path, f"line {number} longer than {limit} bytes")
        try:
            yield raw.decode(guess.codec)
        except UnicodeDecodeError:
            if guess.forced:
                raise DecodeError(path, f"line {number} is not valid {guess.name}") from None
            yield decode_western(raw)


def _read_ndjson(source: Source, guess: EncodingGuess, options: ReadOptions) -> Iterator[Table]:
    parts = _Parts("ndjson", options, guess.name)
    bad, first_bad = 0, 0
    try:
        with source.open() as stream:
            for number, line in enumerate(
                _lines(stream, guess, options.max_line_bytes, source.path), start=1
            ):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except (ValueError, RecursionError):
                    bad += 1
                    first_bad = first_bad or number
                    continue
                table = parts.add(_row_part(value, None), value, number)
                if table is not None:
                    yield table
    except SentinelleError:
        yield from parts.flush()
        raise
    yield from parts.flush()
    if bad:
        raise InputError(source.path, f"{bad} lines are not valid JSON (first at line {first_bad})")


def read(source: Source, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Table]:
    """The tables of a JSON or NDJSON source (see the module docstring)."""
    head, _, guess = text_head(
        source, options, binary_reason=_BINARY_REASON, blank_is_empty=True
    )
    if _is_ndjson(decode_head(head, guess)):
        yield from _read_ndjson(source, guess, options)
        return
    with source.open() as stream:
        data = stream.read()
    text, notes = _decode(data, guess, source.path)
    del data
    parts = _Parts(FORMAT, options, guess.name)
    parts.warnings = notes
    try:
        yield from _read_document(text, parts, source.path)
    except InputError as exc:
        if "Extra data" not in exc.reason:
            raise
        # one value per line, the first longer than the sniffing sample
        yield from _read_ndjson(source, guess, options)
        return
    yield from parts.flush()
