"""Office documents: DOCX (Word) and ODT (OpenDocument text), as text.

Both are zip packages of XML parts, read here with :mod:`zipfile` and a streaming XML
parser (:func:`xml.etree.ElementTree.iterparse`, expat: external entities are never
fetched and expat >= 2.4 caps entity expansion), so a large document is never held as a
tree and nothing is written to disk.

- DOCX (ECMA-376 / ISO/IEC 29500-1, WordprocessingML): ``word/document.xml``, then the
  headers, footers, footnotes, endnotes and comments parts. Text is in ``w:t`` (and
  ``w:delText``: tracked deletions are still in the file, so they are read); ``w:tab``,
  ``w:br``, ``w:cr`` are a tab and line breaks; ``mc:Fallback`` copies of text boxes are
  skipped (their ``mc:Choice`` twin is read). Embedded objects (``word/embeddings/*``: a
  spreadsheet pasted into a letter) are yielded as nested sources.
- ODT (ISO/IEC 26300, OpenDocument 1.2 part 1): ``content.xml`` then ``styles.xml``
  (page headers and footers). Text is the mixed content of ``text:p`` / ``text:h``, with
  ``text:s`` (``text:c`` spaces), ``text:tab`` and ``text:line-break``. An encrypted
  package (``encryption-data`` in ``META-INF/manifest.xml``) is refused clearly.

Paragraphs are lines, in :class:`~sentinelle.readers.base.Text` chunks (format ``"docx"``
or ``"odt"``) of about ``ReadOptions.chunk_bytes``, cut between paragraphs,
``extra["part"]`` naming the XML part. A table of at least two rows and two columns (a
patient list pasted in a letter) is yielded as a :class:`~sentinelle.readers.base.Table`
named ``table-<n>`` (``Table.part``; reported as ``<path>!table-<n>``), so its columns
are classified from their header words like a CSV; its first row is the header when every
cell is filled, distinct and holds no long number. Smaller tables are layout: their rows
are text lines with cells separated by `` | ``, as are tables nested in a cell.

Limits: a part larger than ``ReadOptions.max_member_bytes`` uncompressed, or compressed
more than ``ReadOptions.max_ratio`` times (a zip bomb), raises
:class:`~sentinelle.errors.LimitExceeded`; an embedded object over the limits is a
:class:`~sentinelle.readers.base.Skip`. A package that is not a readable zip, misses its
main part, or whose XML is broken raises :class:`~sentinelle.errors.UnsupportedFormat`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element, ParseError, iterparse

import polars as pl

from sentinelle.errors import InputError, LimitExceeded, UnsupportedFormat
from sentinelle.readers.base import Item, ReadOptions, Skip, Source, Table, Text

FORMAT = "docx"
FORMAT_ODT = "odt"
EXTENSIONS = (".docx", ".docm", ".dotx", ".odt", ".ott")

_ZIP = b"PK\x03\x04"
_ODT_MIME = b"application/vnd.oasis.opendocument.text"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DOCX_EXTRA = re.compile(r"^word/(?:header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_CELL_SEP = " | "


def sniff(head: bytes, name: str) -> float:
    """0.97 for an ODT (``mimetype`` first), 0.96 for a zip naming ``word/`` parts in its
    head, 0.9 for another zip named ``.docx``/``.odt``; 0 otherwise."""
    if not head.startswith(_ZIP):
        return 0.0
    if b"mimetype" + _ODT_MIME in head[:200]:
        return 0.97
    if b"word/document.xml" in head or (b"[Content_Types].xml" in head and b"word/" in head):
        return 0.96
    if name.lower().endswith(EXTENSIONS):
        return 0.9
    return 0.0


class _Limited(io.RawIOBase):
    """A zip member stream that refuses to expand past ``limit`` bytes."""

    def __init__(self, inner: IO[bytes], limit: int, path: str, part: str) -> None:
        self.inner, self.limit, self.path, self.part = inner, limit, path, part
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise LimitExceeded(self.path, f"{self.part} expands to more than {self.limit} bytes")
        buffer[: len(data)] = data
        return len(data)


def _check(info: zipfile.ZipInfo, options: ReadOptions) -> str | None:
    """Why a member must not be expanded (limits, encryption), or ``None``."""
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.file_size > options.max_member_bytes:
        return f"expands to more than {options.max_member_bytes} bytes"
    ratio = info.file_size / max(1, info.compress_size)
    if info.file_size > 1024 * 1024 and ratio > options.max_ratio:
        return f"compression ratio over {options.max_ratio:g} (zip bomb?)"
    return None


class _Package:
    """An open zip package with limit-checked member access."""

    def __init__(self, source: Source, stream: IO[bytes], options: ReadOptions) -> None:
        self.source, self.options = source, options
        try:
            self.zip = zipfile.ZipFile(stream)
            self.names = self.zip.namelist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                KeyError, IndexError, NotImplementedError):
            raise UnsupportedFormat(source.path, "not a readable document (corrupt zip)") from None

    def open(self, name: str) -> IO[bytes]:
        info = self.zip.getinfo(name)
        reason = _check(info, self.options)
        if reason == "encrypted":
            raise UnsupportedFormat(self.source.path, f"{name} is encrypted, not read")
        if reason:
            raise LimitExceeded(self.source.path, f"{name} {reason}")
        try:
            inner = self.zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError):
            raise UnsupportedFormat(self.source.path, f"{name} cannot be expanded") from None
        limited = _Limited(inner, self.options.max_member_bytes, self.source.path, name)
        return io.BufferedReader(limited)

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Stream the text of a DOCX or ODT document as :class:`Text` chunks (and embeddings)."""
    with source.open() as raw:
        head = raw.read(200)
    if not head:
        raise InputError(source.path, "empty file")
    if not head.startswith(_ZIP):
        raise UnsupportedFormat(source.path, "not a DOCX/ODT document (not a zip package)")
    with source.open() as raw:
        stream = raw if _seekable(raw) else _in_memory(source, raw, options)
        package = _Package(source, stream, options)
        if "word/document.xml" in package.names:
            yield from _docx(package)
        elif "content.xml" in package.names:
            yield from _odt(package)
        else:
            raise UnsupportedFormat(
                source.path, "not a DOCX/ODT document (no word/document.xml or content.xml)"
            )


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _in_memory(source: Source, stream: IO[bytes], options: ReadOptions) -> IO[bytes]:
    data = stream.read(options.max_member_bytes + 1)
    if len(data) > options.max_member_bytes:
        raise LimitExceeded(source.path, f"document larger than {options.max_member_bytes} bytes")
    return io.BytesIO(data)


class _Chunker:
    """Collects lines and cuts :class:`Text` chunks of about ``chunk_bytes``."""

    def __init__(self, fmt: str, part: str, chunk_bytes: int) -> None:
        self.fmt, self.part, self.chunk_bytes = fmt, part, chunk_bytes
        self.lines: list[str] = []
        self.size = 0
        self.first_line = 1
        self.next_line = 1

    def add(self, line: str) -> Text | None:
        self.lines.append(line)
        self.size += len(line) + 1
        self.next_line += line.count("\n") + 1
        return self.flush() if self.size >= self.chunk_bytes else None

    def flush(self) -> Text | None:
        if not self.lines:
            return None
        text = Text(text="\n".join(self.lines), format=self.fmt, first_line=self.first_line,
                    extra={"part": self.part})
        self.lines, self.size, self.first_line = [], 0, self.next_line
        return text


def _parse_error(package: _Package, part: str) -> UnsupportedFormat:
    return UnsupportedFormat(package.source.path, f"{part} is not well-formed XML")


Rows = list[list[str]]


def _walk(package: _Package, fmt: str, part: str, lines: Iterator[str | Rows],
          counter: list[int]) -> Iterator[Item]:
    """Text chunks of the paragraphs of ``part``; its tables as :class:`Table` items."""
    chunker = _Chunker(fmt, part, package.options.chunk_bytes)
    try:
        for line in lines:
            if isinstance(line, str):
                chunk = chunker.add(line)
                if chunk:
                    yield chunk
                continue
            if len(line) >= 2 and max(len(r) for r in line) >= 2:
                before = chunker.flush()  # keep document order: the text before the table
                if before:
                    yield before
                counter[0] += 1
                yield _table(line, fmt, f"table-{counter[0]}")
            else:  # a one-row or one-column table is layout, not data: read as text
                for row in line:
                    chunk = chunker.add(_CELL_SEP.join(row).strip(" |"))
                    if chunk:
                        yield chunk
    except ParseError:
        raise _parse_error(package, part) from None
    last = chunker.flush()
    if last:
        yield last


def _is_header(row: list[str]) -> bool:
    """Header-like: every cell filled, distinct, and no long number (an identifier)."""
    cells = [c.strip() for c in row]
    return all(cells) and len(set(cells)) == len(cells) and not any(
        re.search(r"\d{4}", c) for c in cells
    )


def _table(rows: Rows, fmt: str, name: str) -> Table:
    width = max(len(r) for r in rows)
    padded = [[*r, *([""] * (width - len(r)))] for r in rows]
    header = padded[0] if _is_header(padded[0]) else None
    body = padded[1:] if header is not None else padded
    columns = [f"column_{i + 1}" for i in range(width)]
    if header is not None:
        seen: set[str] = set()
        for i, cell in enumerate(header):
            base = cell.strip() or columns[i]
            unique, n = base, 1
            while unique in seen:
                n += 1
                unique = f"{base}_{n}"
            seen.add(unique)
            columns[i] = unique
    data = {col: [row[i] or None for row in body] for i, col in enumerate(columns)}
    frame = pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String))
    return Table(frame=frame, header=header, format=fmt, first_line=1, part=name)


def _docx(package: _Package) -> Iterator[Item]:
    parts = ["word/document.xml"] + sorted(n for n in package.names if _DOCX_EXTRA.match(n))
    counter = [0]
    for part in parts:
        with package.open(part) as stream:
            yield from _walk(package, FORMAT, part, _docx_lines(stream), counter)
    yield from _embeddings(package, "word/embeddings/")


def _docx_lines(stream: IO[bytes]) -> Iterator[str | Rows]:
    """Paragraphs and top-level tables of a WordprocessingML part, in document order."""
    buf: list[str] = []
    cells: list[list[str]] = []  # one entry per open table cell (nested tables stack)
    rows: list[list[str]] = []  # cell texts of each open table row
    table: Rows = []  # rows of the open top-level table
    open_: list[Element] = []  # open elements, to free what was read
    skip = 0  # depth inside mc:Fallback
    for event, elem in iterparse(stream, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            open_.append(elem)
            if tag == _MC_FALLBACK:
                skip += 1
            elif tag == _W + "tr":
                rows.append([])
            elif tag == _W + "tc":
                cells.append([])
            continue
        open_.pop()
        if tag == _MC_FALLBACK:
            skip -= 1
        elif tag in (_W + "t", _W + "delText"):
            buf.append("" if skip else elem.text or "")
        elif tag == _W + "tab" and not (open_ and open_[-1].tag == _W + "tabs"):
            buf.append("" if skip else "\t")
        elif tag in (_W + "br", _W + "cr"):
            buf.append("" if skip else "\n")
        elif tag == _W + "p":
            text = "".join(buf).strip()
            buf = []
            if cells:
                if text:
                    cells[-1].append(text)
            elif text:
                yield text
            if open_:
                open_[-1].clear()  # every earlier child was read already
        elif tag == _W + "tc" and cells:
            cell = " ".join(cells.pop())
            if rows:
                rows[-1].append(cell)
        elif tag == _W + "tr" and rows:
            row = rows.pop()
            if cells:  # a table nested in a cell: one line of that cell
                cells[-1].append(_CELL_SEP.join(row).strip(" |"))
            elif any(c.strip() for c in row):
                table.append(row)
            if open_:
                open_[-1].clear()
        elif tag == _W + "tbl" and not cells and table:
            yield table
            table = []


def _odt(package: _Package) -> Iterator[Item]:
    manifest = "META-INF/manifest.xml"
    if manifest in package.names and b"encryption-data" in package.read(manifest):
        raise UnsupportedFormat(package.source.path, "encrypted document (password required)")
    counter = [0]
    for part in ("content.xml", "styles.xml"):
        if part in package.names:
            with package.open(part) as stream:
                yield from _walk(package, FORMAT_ODT, part, _odt_lines(stream), counter)


def _odt_text(elem: Element) -> str:
    """The text of a paragraph element: mixed content with spaces, tabs and breaks."""
    out: list[str] = []
    stack: list[tuple[Element, bool]] = [(elem, False)]
    while stack:
        node, done = stack.pop()
        if done:
            out.append(node.tail or "")
            continue
        tag = node.tag
        if node is not elem:
            stack.append((node, True))  # its tail comes after its content
        if tag == _T + "s":
            count = node.get(_T + "c") or "1"
            out.append(" " * min(int(count) if count.isdigit() else 1, 1000))
            continue
        if tag == _T + "tab":
            out.append("\t")
            continue
        if tag == _T + "line-break":
            out.append("\n")
            continue
        out.append(node.text or "")
        for child in reversed(list(node)):
            stack.append((child, False))
    return "".join(out)


def _odt_lines(stream: IO[bytes]) -> Iterator[str | Rows]:
    """Paragraphs, headings and top-level tables of an OpenDocument part, in order."""
    depth = 0  # open text:p / text:h (notes nest paragraphs inside paragraphs)
    cells: list[list[str]] = []
    rows: list[list[str]] = []
    table: Rows = []
    open_: list[Element] = []
    paragraph = (_T + "p", _T + "h")
    cell_tags = (_TABLE + "table-cell", _TABLE + "covered-table-cell")
    for event, elem in iterparse(stream, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            open_.append(elem)
            if tag in paragraph:
                depth += 1
            elif depth == 0 and tag == _TABLE + "table-row":
                rows.append([])
            elif depth == 0 and tag in cell_tags:
                cells.append([])
            continue
        open_.pop()
        if tag in paragraph:
            depth -= 1
            if depth:
                continue  # rendered with its enclosing paragraph
            text = _odt_text(elem).strip()
            if cells:
                if text:
                    cells[-1].append(text)
            elif text:
                yield text
            if open_:
                open_[-1].clear()  # every earlier child was read already
        elif depth:
            continue
        elif tag in cell_tags and cells:
            cell = " ".join(cells.pop())
            if rows and tag == _TABLE + "table-cell":
                rows[-1].append(cell)
        elif tag == _TABLE + "table-row" and rows:
            row = rows.pop()
            if cells:
                cells[-1].append(_CELL_SEP.join(row).strip(" |"))
            elif any(c.strip() for c in row):
                table.append(row)
            if open_:
                open_[-1].clear()
        elif tag == _TABLE + "table" and not cells and table:
            yield table
            table = []


def _embeddings(package: _Package, prefix: str) -> Iterator[Item]:
    options = package.options
    members = [n for n in package.names if n.startswith(prefix) and not n.endswith("/")]
    for k, name in enumerate(members):
        path = f"{package.source.path}!{name}"
        if k >= options.max_members:
            yield Skip(path, f"more than {options.max_members} embedded objects, not read")
            return
        reason = _check(package.zip.getinfo(name), options)
        if reason:
            yield Skip(path, f"{reason}, not read")
            continue
        try:
            data = package.read(name)
        except (LimitExceeded, UnsupportedFormat) as exc:
            yield Skip(path, exc.reason)
            continue
        yield Source.from_bytes(path, data)


__all__ = ["EXTENSIONS", "FORMAT", "FORMAT_ODT", "read", "sniff"]
