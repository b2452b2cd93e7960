"""Spreadsheet reader: Excel (xlsx, xlsm, xlsb, legacy xls) and OpenDocument (ods).

Every sheet of the workbook is read, hidden ones included, as one part (``Table.part`` is
the sheet name, reported as ``book.xlsx!Sheet1``), with python-calamine (Rust ``calamine``:
https://github.com/tafia/calamine, which reads all these formats). Cells become text:
integral numbers without ``.0`` (a NIR or a phone stored as a number keeps its digits,
though a number has already lost a phone's leading zero), dates and times in ISO 8601.
Rows keep their sheet position: ``first_line`` is the 1-based sheet row of the chunk's
first row and empty rows inside the data stay as rows of nulls. The first non-empty row is
the header when its cells are all text and look like column names rather than like the
rows below (the delimited reader's rule, :func:`sentinelle.readers._dialect.guess_header`);
``ReadOptions.has_header`` forces it.

Sniffing is by content:

- OOXML (ECMA-376 Part 2, Open Packaging Conventions) is a zip whose members include
  ``xl/workbook.xml`` (``xl/workbook.bin`` for xlsb); the member names are read from the
  zip local headers (PKWARE APPNOTE 4.3.7) in the first bytes, so an ordinary zip archive
  or a docx is not claimed.
- ODS (OASIS OpenDocument 1.2, Part 3, 3.3): a zip whose first member is an uncompressed
  ``mimetype`` holding ``application/vnd.oasis.opendocument.spreadsheet``.
- Legacy xls: an OLE2 compound file (signature ``D0 CF 11 E0 A1 B1 1A E1``, MS-CFB 2.2)
  with a ``Workbook`` (BIFF8) or ``Book`` (BIFF5) stream; an OLE2 file holding an
  ``EncryptedPackage`` stream is a password-protected OOXML file, reported as such.

The workbook is read whole in memory (a sheet is at most 1,048,576 rows). Before calamine
inflates a zip-based workbook, the zip directory is checked against ``max_member_bytes``
and ``max_ratio`` (a crafted workbook can be a zip bomb). A corrupt workbook raises
:class:`~sentinelle.errors.InputError`; a sheet that fails is skipped, the other sheets are
read, and an ``InputError`` counting the failed sheets is raised at the end.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence

import python_calamine

from sentinelle.errors import InputError, LimitExceeded, UnsupportedFormat
from sentinelle.readers._dialect import guess_header
from sentinelle.readers._tables import PartRows, cell_text, is_foreign_failure
from sentinelle.readers.base import ReadOptions, Source, Table

FORMAT = "xlsx"
DEFAULT_OPTIONS = ReadOptions()
EXTENSIONS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")

_ZIP = b"PK\x03\x04"
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
_ODS_MIME = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
_WORKBOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book\x00".encode("utf-16-le"))
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_HEADER_ROWS = 50


def _zip_names(head: bytes) -> list[bytes]:
    """Member names from the zip local file headers (and central records) in ``head``."""
    names: list[bytes] = []
    for signature, offset, length_at in ((b"PK\x03\x04", 30, 26), (b"PK\x01\x02", 46, 28)):
        at = head.find(signature)
        while at >= 0 and len(names) < 200:
            size = int.from_bytes(head[at + length_at : at + length_at + 2], "little")
            names.append(head[at + offset : at + offset + size])
            at = head.find(signature, at + 4)
    return names


def kind(head: bytes) -> str | None:
    """``xlsx`` ``xlsm`` ``xlsb`` ``ods`` ``xls`` ``encrypted`` ``ole2`` or ``None``."""
    if head.startswith(_ZIP):
        if head[30:].startswith(_ODS_MIME):
            return "ods"
        names = _zip_names(head)
        if b"xl/workbook.bin" in names:
            return "xlsb"
        if b"xl/workbook.xml" in names or (
            b"[Content_Types].xml" in names and any(n.startswith(b"xl/") for n in names)
        ):
            return "xlsm" if b"xl/vbaProject.bin" in names else "xlsx"
        return None
    if head.startswith(_OLE2):
        if _ENCRYPTED in head:
            return "encrypted"
        if any(stream in head for stream in _WORKBOOK_STREAMS):
            return "xls"
        return "ole2"
    return None


def sniff(head: bytes, name: str) -> float:
    """0.97 for a workbook signature; 0.6 for an OLE2 file named ``.xls``."""
    found = kind(head)
    if found is None:
        return 0.0
    if found == "ole2":
        return 0.6 if name.lower().endswith(".xls") else 0.3
    return 0.97


def _check_zip(data: bytes, path: str, options: ReadOptions) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise InputError(path, "corrupt workbook (damaged zip container)") from None
    names = {info.filename for info in infos}
    if not ({"xl/workbook.xml", "xl/workbook.bin"} & names or "content.xml" in names):
        raise UnsupportedFormat(path, "zip archive without a workbook")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > options.max_member_bytes or total > options.max_member_bytes:
            raise LimitExceeded(path, f"workbook expands over {options.max_member_bytes} bytes")
        if info.file_size > 1024 * 1024 and ratio > options.max_ratio:
            raise LimitExceeded(
                path, f"workbook member compressed over {options.max_ratio:g}:1 (zip bomb?)"
            )


_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_SHEET_XML = re.compile(r"^xl/worksheets/[^/]+\.xml$")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _check_sparse_sheets(data: bytes, path: str, options: ReadOptions) -> None:
    """Refuse an xlsx sheet whose used range spans more than ``max_sheet_cells``.

    calamine lays a sheet out as a dense grid from its first to its last cell: two cells,
    at ``A1`` and ``XFD1048576``, would take 17 billion cells of memory. The sheet XML is
    streamed (a regex over inflated chunks) to find the last row and column before that.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not _SHEET_XML.match(info.filename):
                continue
            rows = cols = cells = 0
            tail = b""
            with archive.open(info) as member:
                while chunk := member.read(1 << 20):
                    block = tail + chunk
                    cut = block.rfind(b"<")
                    tail, block = (block[cut:], block[:cut]) if cut > 0 else (b"", block)
                    for m in _CELL_REF.finditer(block):
                        cells += 1
                        cols = max(cols, _column_number(m.group(1)))
                        rows = max(rows, int(m.group(2)))
            if rows * cols > options.max_sheet_cells:
                raise LimitExceeded(
                    path,
                    f"sheet {info.filename.rsplit('/', 1)[-1]} spans {rows:,} rows x {cols:,} "
                    f"columns for {cells:,} cells, over the {options.max_sheet_cells:,}-cell "
                    "limit (sparse sheet)",
                )


def _open(data: bytes, path: str) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise InputError(path, "encrypted workbook (password protected), not read") from None
    except BaseException as exc:
        if not is_foreign_failure(exc):
            raise
        raise InputError(path, f"corrupt workbook ({type(exc).__name__})") from None


def _is_header(rows: Sequence[Sequence[object]], options: ReadOptions) -> bool:
    if options.has_header is not None:
        return options.has_header
    first = rows[0]
    if not all(isinstance(c, str) for c in first):
        return False
    texts = [[cell_text(c) or "" for c in row] for row in rows[:_HEADER_ROWS]]
    return guess_header(texts)


def _sheet_tables(
    rows: Sequence[Sequence[object]], part: str, fmt: str, options: ReadOptions
) -> Iterator[Table]:
    start = next((i for i, row in enumerate(rows) if any(c != "" for c in row)), None)
    if start is None:
        return
    width = max(
        (max((j for j, c in enumerate(row) if c != ""), default=-1) + 1 for row in rows[start:]),
        default=0,
    )
    body = [row[:width] for row in rows[start:]]
    has_header = _is_header(body, options)
    builder = PartRows(part=part, fmt=fmt, chunk_rows=options.chunk_rows, has_header=has_header)
    first_row = start + 1
    if has_header:
        builder.header([cell_text(c) or "" for c in body[0]])
        body, first_row = body[1:], first_row + 1
    for k, row in enumerate(body):
        builder.add([cell_text(c) for c in row], first_row + k)
        if builder.full:
            table = builder.flush()
            if table is not None:
                yield table
    table = builder.flush(empty=True)
    if table is not None:
        yield table


def read(source: Source, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Table]:
    """Every sheet of the workbook as :class:`Table` chunks, ``part`` = sheet name."""
    with source.open() as stream:
        data = stream.read()
    if not data:
        raise InputError(source.path, "empty file")
    found = kind(data[: options.head_bytes])
    if found is None or found == "ole2":
        raise UnsupportedFormat(source.path, "not a workbook (no spreadsheet signature)")
    if found == "encrypted":
        raise InputError(source.path, "encrypted workbook (password protected), not read")
    if data.startswith(_ZIP):
        _check_zip(data, source.path, options)
        if found in ("xlsx", "xlsm"):
            _check_sparse_sheets(data, source.path, options)
    book = _open(data, source.path)
    failed: list[str] = []
    try:
        sheets = list(book.sheets_metadata)
    except BaseException as exc:
        if not is_foreign_failure(exc):
            raise
        raise InputError(source.path, f"corrupt workbook ({type(exc).__name__})") from None
    for number, meta in enumerate(sheets, start=1):
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue  # chart, dialog and macro sheets hold no cells
        try:
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except BaseException as exc:
            if not is_foreign_failure(exc):
                raise
            failed.append(f"sheet {number} ({type(exc).__name__})")
            continue
        yield from _sheet_tables(rows, meta.name, found, options)
    if failed:
        raise InputError(
            source.path, f"{len(failed)} of {len(sheets)} sheets unreadable: {', '.join(failed)}"
        )
