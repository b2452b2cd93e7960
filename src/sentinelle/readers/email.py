"""E-mail reader: single messages (``.eml``, RFC 5322 / MIME) and mailboxes (mbox).

Lab exports leave by e-mail as often as by FTP. Each message becomes one
:class:`~sentinelle.readers.base.Text` chunk (format ``"email"`` or ``"mbox"``) holding the
address and subject headers (``From``, ``Sender``, ``Reply-To``, ``To``, ``Cc``, ``Bcc``,
``Subject``, decoded per RFC 2047) and the text bodies: ``text/plain`` as is,
``text/html`` with tags removed (:class:`html.parser.HTMLParser`; ``script``/``style``
dropped, block elements become line breaks).

Attachments (parts with a file name or an ``attachment`` disposition, and non-text parts)
are yielded as nested :class:`~sentinelle.readers.base.Source` objects, decoded in memory
(no temporary file), named ``<path>!<file name>`` for a single message and
``<path>!<n>/<file name>`` for message ``n`` of a mailbox; the scan reads them like
files (a CSV attached to a message is scanned as CSV). An attached message
(``message/rfc822``) is an attachment too. File names are display names only: ``!``
and path separators are replaced, duplicates get `` (2)``, `` (3)``.

Parsing uses the standard library (:mod:`email` with ``policy.default``, which never
raises on malformed input but records defects). A mailbox is split here on its
``From `` separator lines (RFC 4155, "The application/mbox Media Type"), streamed, so
memory is bounded by the largest message; ``>From `` quoting (mboxrd) is undone. A
message or attachment over ``ReadOptions.max_member_bytes`` is a
:class:`~sentinelle.readers.base.Skip`; a single ``.eml`` over it raises
:class:`~sentinelle.errors.LimitExceeded`.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser

from sentinelle.errors import InputError, LimitExceeded
from sentinelle.readers.base import Item, ReadOptions, Skip, Source, Text
from sentinelle.readers.encoding import decode_western

FORMAT = "email"
FORMAT_MBOX = "mbox"
EXTENSIONS = (".eml", ".msg.eml", ".mbox", ".mbx")

_HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject")
_KNOWN = frozenset({
    "received", "from", "to", "subject", "date", "message-id", "mime-version", "return-path",
    "delivered-to", "content-type", "reply-to", "cc", "sender", "x-mailer", "user-agent",
    "dkim-signature", "arc-seal", "authentication-results",
})
_STRONG = frozenset({"received", "mime-version", "message-id", "return-path", "delivered-to"})
_HEADER_LINE = re.compile(rb"^([A-Za-z][A-Za-z0-9-]{0,76}):")
#: An mbox separator line: ``From <sender> <asctime date>`` (RFC 4155 section 2).
_MBOX_FROM = re.compile(rb"^From \S+ +[^\r\n]*\d{1,2}:\d{2}[^\r\n]*\d{4}")
_BLOCK_TAGS = frozenset({"p", "br", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                         "table", "ul", "ol", "blockquote", "pre", "hr", "title"})
_CELL_TAGS = frozenset({"td", "th"})


def _header_names(head: bytes) -> list[str] | None:
    """Header field names of the first header block, ``None`` when it is not one."""
    names: list[str] = []
    for raw in head.split(b"\n")[:60]:
        line = raw.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if not names:
                return None
            continue  # folded header line
        match = _HEADER_LINE.match(line)
        if match is None:
            return None
        names.append(match.group(1).decode("ascii").lower())
    return names


def sniff(head: bytes, name: str) -> float:
    """0.95 for a mailbox (``From `` line then headers) or a message with transport headers
    (``Received:``, ``MIME-Version:``...), 0.92 for two known headers; 0 otherwise."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if _MBOX_FROM.match(head):
        rest = head.split(b"\n", 1)[1] if b"\n" in head else b""
        names = _header_names(rest)
        return 0.95 if names and len({n for n in names if n in _KNOWN}) >= 2 else 0.0
    names = _header_names(head)
    if not names or names[0] not in _KNOWN and not names[0].startswith("x-"):
        return 0.0
    known = {n for n in names if n in _KNOWN}
    if known & _STRONG and len(known) >= 2:
        return 0.95
    return 0.92 if len(known) >= 2 else 0.0


class _HTMLText(HTMLParser):
    """Collects the text of an HTML document (no script/style), blocks as lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML body, one line per block."""
    parser = _HTMLText()
    try:
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # noqa: BLE001 - malformed markup: drop the tags crudely instead
        text = re.sub(r"<[^>]*>", " ", html)
    return re.sub(r"\n[ \t]*\n+", "\n", text).strip()


def _part_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except Exception:  # noqa: BLE001 - unknown charset, broken transfer encoding
        pass
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_western(data)


def _header_value(msg: Message, name: str) -> list[str]:
    values: list[str] = []
    try:
        found = msg.get_all(name) or []
    except Exception:  # noqa: BLE001 - a header the policy cannot parse
        found = []
    for value in found:
        try:
            values.append(str(value))
        except Exception:  # noqa: BLE001
            continue
    return values


def _safe_name(name: str | None, part: Message, k: int) -> str:
    if name:
        base = re.split(r"[\\/]", name)[-1]
        base = re.sub(r"[\x00-\x1f!]", "_", base).strip(" .") or ""
        if base:
            return base[:200]
    ctype = part.get_content_type()
    ext = ".eml" if ctype == "message/rfc822" else mimetypes.guess_extension(ctype) or ".bin"
    return f"attachment-{k}{ext}"


class _Walk:
    """Texts and attachments of one message."""

    def __init__(self, prefix: str, options: ReadOptions) -> None:
        self.prefix, self.options = prefix, options
        self.texts: list[str] = []
        self.items: list[Item] = []
        self.names: set[str] = set()
        self.count = 0

    def attach(self, part: Message, data: bytes) -> None:
        self.count += 1
        name = _safe_name(part.get_filename(), part, self.count)
        unique, n = name, 1
        while unique in self.names:
            n += 1
            stem, dot, ext = name.rpartition(".")
            unique = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
        self.names.add(unique)
        path = f"{self.prefix}{unique}"
        if self.count > self.options.max_members:
            self.items.append(Skip(path, f"more than {self.options.max_members} attachments"))
        elif len(data) > self.options.max_member_bytes:
            self.items.append(Skip(path, f"over {self.options.max_member_bytes} bytes, not read"))
        else:
            self.items.append(Source.from_bytes(path, data))

    def walk(self, part: Message, depth: int = 0) -> None:
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message):
                try:
                    data = inner.as_bytes()
                except Exception:  # noqa: BLE001 - unserialisable defects: keep what we can
                    data = bytes(str(inner), "utf-8", errors="replace")
                self.attach(part, data)
            return
        if part.is_multipart():
            if depth > 50:
                return
            payload = part.get_payload()
            for sub in payload if isinstance(payload, list) else []:
                if isinstance(sub, Message):
                    self.walk(sub, depth + 1)
            return
        disposition = part.get_content_disposition()
        text = part.get_content_maintype() == "text"
        if disposition == "attachment" or part.get_filename() or not text:
            payload = part.get_payload(decode=True)
            self.attach(part, payload if isinstance(payload, bytes) else b"")
        elif part.get_content_subtype() == "html":
            self.texts.append(html_to_text(_part_text(part)))
        else:
            self.texts.append(_part_text(part))


def _message_items(
    msg: Message, prefix: str, options: ReadOptions, fmt: str, line: int, index: int | None
) -> Iterator[Item]:
    walk = _Walk(prefix, options)  # prefix: "<path>!" or "<path>!<n>/"
    headers = [f"{name}: {value}" for name in _HEADERS for value in _header_value(msg, name)]
    walk.walk(msg)
    defects = len(getattr(msg, "defects", []) or [])
    warnings = [f"message {index}: {defects} MIME defects" if index else f"{defects} MIME defects"]
    body = "\n\n".join(t.strip("\n") for t in walk.texts if t.strip())
    text = "\n".join(headers) + ("\n\n" + body if body else "")
    extra = {"message": str(index)} if index else {}
    yield Text(text=text, format=fmt, first_line=line, extra=extra,
               warnings=warnings if defects else [])
    yield from walk.items


def _parse(data: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(data)  # type: ignore[return-value]


def read(source: Source, options: ReadOptions = ReadOptions()) -> Iterator[Item]:
    """One :class:`Text` per message, and its attachments as nested sources."""
    with source.open() as stream:
        head = stream.read(options.head_bytes)
    if not head:
        raise InputError(source.path, "empty file")
    if _MBOX_FROM.match(head.removeprefix(b"\xef\xbb\xbf")):
        yield from _mbox(source, options)
        return
    with source.open() as stream:
        data = stream.read(options.max_member_bytes + 1)
    if len(data) > options.max_member_bytes:
        raise LimitExceeded(source.path, f"message larger than {options.max_member_bytes} bytes")
    yield from _message_items(_parse(data), f"{source.path}!", options, FORMAT, 1, None)


def _mbox(source: Source, options: ReadOptions) -> Iterator[Item]:
    index = 0
    start = 1
    number = 0
    lines: list[bytes] = []
    size = 0
    over = False
    blank_before = True

    def finish() -> Iterator[Item]:
        prefix = f"{source.path}!{index}/"
        if over:
            limit = options.max_member_bytes
            yield Skip(prefix.rstrip("/"), f"message {index} over {limit} bytes, not read")
        elif lines:
            message = _parse(b"".join(lines))
            yield from _message_items(message, prefix, options, FORMAT_MBOX, start, index)

    with source.open() as stream:
        while True:
            raw = stream.readline(options.max_line_bytes + 1)
            if not raw:
                break
            number += 1
            if len(raw) > options.max_line_bytes and not raw.endswith(b"\n"):
                raise LimitExceeded(
                    source.path, f"line {number} longer than {options.max_line_bytes} bytes"
                )
            if blank_before and _MBOX_FROM.match(raw):
                if index:
                    yield from finish()
                index, start, lines, size, over = index + 1, number + 1, [], 0, False
                blank_before = False
                continue
            blank_before = raw in (b"\n", b"\r\n")
            if re.match(rb"^>+From ", raw):
                raw = raw[1:]
            size += len(raw)
            if size > options.max_member_bytes:
                over, lines = True, []
            elif not over:
                lines.append(raw)
    if index:
        yield from finish()


__all__ = ["EXTENSIONS", "FORMAT", "FORMAT_MBOX", "html_to_text", "read", "sniff"]
