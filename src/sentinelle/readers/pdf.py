"""PDF reader: the text layer of each page, with pypdf.

Lab reports, letters and exported lists travel as PDF. The text layer (what a PDF viewer
lets you select) is read with pypdf (``PdfReader``, ``PageObject.extract_text``), page by
page, as one :class:`~sentinelle.readers.base.Text` chunk per page (format ``"pdf"``,
``extra["page"]`` = the 1-based page number, ``first_line`` counting lines across pages).
Files embedded in the PDF (``/EmbeddedFiles``: a CSV attached to a report) are yielded
as nested :class:`~sentinelle.readers.base.Source` objects named ``<path>!<file name>``.

What cannot be read is said, never guessed:

- a file that claims to be a PDF but is not one (corrupt, truncated, another format
  renamed) raises :class:`~sentinelle.errors.UnsupportedFormat` ``"not a readable PDF"``;
- an encrypted PDF is opened with the empty user password (owner-password-only PDFs,
  the common "protected" kind, are readable that way); otherwise it raises
  :class:`~sentinelle.errors.UnsupportedFormat` ``"encrypted PDF (password required)"``;
- a page whose text cannot be extracted gets an empty chunk with a warning, and a PDF
  with no text at all (a scan) gets one warning saying that no text layer was found:
  images are not read (no OCR).

PDF format: ISO 32000-1:2008 (section 7.5.2: the ``%PDF-n.m`` header; readers accept it
within the first 1024 bytes). The input is read from a seekable stream; a non-seekable
one is read into memory, up to ``ReadOptions.max_member_bytes``. pypdf reports
recoverable oddities of a file on the ``pypdf`` logger (never content); the application
decides whether to show them.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from sentinelle.errors import InputError, LimitExceeded, UnsupportedFormat
from sentinelle.readers.base import Item, ReadOptions, Skip, Source, Text

if TYPE_CHECKING:  # pypdf is imported when a PDF is read, not when formats are sniffed
    from pypdf import PdfReader

# pypdf logs excerpts of malformed files' bytes (which may be patient data) to its logger;
# nothing it logs is ours to show, so its logger is muted once, here, on import.
logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)

FORMAT = "pdf"
EXTENSIONS = (".pdf",)
_SIGNATURE = b"%PDF-"
_LOCKED = "encrypted PDF (password required), text not read"

def sniff(head: bytes, name: str) -> float:
    """0.98 for ``%PDF-`` at the start, 0.95 within the first 1024 bytes, else 0."""
    at = head.find(_SIGNATURE, 0, 1024)
    if at < 0:
        return 0.0
    return 0.98 if at == 0 else 0.95


def _seekable(source: Source, stream: IO[bytes], options: ReadOptions) -> IO[bytes]:
    try:
        if stream.seekable():
            return stream
    except (AttributeError, OSError, ValueError):
        pass
    data = stream.read(options.max_member_bytes + 1)
    if len(data) > options.max_member_bytes:
        raise LimitExceeded(source.path, f"PDF larger than {options.max_member_bytes} bytes")
    return io.BytesIO(data)


def _open(source: Source, stream: IO[bytes]) -> tuple[PdfReader, list[Any]]:
    """The reader and its pages, or the reason the file cannot be read."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(stream, strict=False)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OverflowError, AssertionError, ZeroDivisionError):
        raise UnsupportedFormat(source.path, "not a readable PDF (corrupt or truncated)") from None
    if reader.is_encrypted:
        try:
            decrypted = reader.decrypt("")
        except (PyPdfError, NotImplementedError, ValueError, KeyError, TypeError):
            raise UnsupportedFormat(
                source.path, "encrypted PDF (unsupported encryption), text not read"
            ) from None
        if decrypted == PasswordType.NOT_DECRYPTED:
            raise UnsupportedFormat(source.path, _LOCKED)
    try:
        pages = list(reader.pages)
    except FileNotDecryptedError:
        raise UnsupportedFormat(source.path, _LOCKED) from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OverflowError, AssertionError, ZeroDivisionError):
        raise UnsupportedFormat(source.path, "not a readable PDF (page tree is corrupt)") from None
    return reader, pages


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """Stream the text of each page of ``source`` as :class:`Text` chunks, then attachments."""
    with source.open() as raw:
        head = raw.read(1024)
        if not head:
            raise InputError(source.path, "empty file")
        if _SIGNATURE not in head:
            raise UnsupportedFormat(source.path, "not a PDF (no %PDF- header)")
    with source.open() as raw:
        stream = _seekable(source, raw, options)
        reader, pages = _open(source, stream)
        line = 1
        found_text = False
        for number, page in enumerate(pages, start=1):
            warnings: list[str] = []
            try:
                text = page.extract_text() or ""
            except Exception as exc:  # noqa: BLE001 - one bad page must not hide the others
                text = ""
                warnings.append(f"page {number}: text not extracted ({type(exc).__name__})")
            found_text = found_text or bool(text.strip())
            if number == len(pages) and not found_text:
                warnings.append("no text layer found (scanned images are not read)")
            if text or warnings:
                yield Text(text=text, format=FORMAT, first_line=line,
                           extra={"page": str(number)}, warnings=warnings)
            line += text.count("\n") + 1
        if not pages:
            yield Text(text="", format=FORMAT, warnings=["PDF has no pages"])
        yield from _attachments(source, reader, options)


def _attachments(source: Source, reader: PdfReader, options: ReadOptions) -> Iterator[Item]:
    try:
        files = dict(reader.attachments)
    except Exception:  # noqa: BLE001 - a broken name tree: report, do not fail the text
        yield Text(text="", format=FORMAT, warnings=["embedded files could not be listed"])
        return
    for name, contents in files.items():
        safe = str(name).replace("!", "_").replace("\x00", "") or "attachment"
        for k, data in enumerate(contents, start=1):
            path = f"{source.path}!{safe}" if len(contents) == 1 else f"{source.path}!{safe}~{k}"
            if len(data) > options.max_member_bytes:
                yield Skip(path, f"over {options.max_member_bytes} bytes, not read")
            else:
                yield Source.from_bytes(path, bytes(data))


__all__ = ["EXTENSIONS", "FORMAT", "read", "sniff"]
