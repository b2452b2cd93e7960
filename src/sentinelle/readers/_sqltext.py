"""SQL text pieces for the dump reader: literals, identifiers, value tuples, unescaping.

Two dialects of string literal (the only place where dumps differ in a way that breaks a
tokenizer):

- MySQL / MariaDB (mysqldump, phpMyAdmin): ``'...'`` and ``"..."`` strings where a
  backslash escapes the next character (``\\'`` ``\\\\`` ``\\n`` ``\\0`` ``\\Z`` ...,
  MySQL Reference Manual 11.1.1 "String Literals") and a doubled quote is a quote;
  ``_binary '...'`` / ``_utf8mb4'...'`` introducers, ``X'..'`` and ``0x..`` hex.
- Standard SQL (PostgreSQL with ``standard_conforming_strings = on``, the pg_dump default
  since 9.1; SQLite ``.dump``): ``'...'`` where only a doubled quote escapes, ``E'...'``
  with C-style backslash escapes (PostgreSQL manual 4.1.2.2), ``::type`` casts after a
  literal, ``$tag$...$tag$`` dollar quoting (4.1.2.4), ``"..."`` identifiers.

Patterns use the "unrolled loop" form (``'[^'\\\\]*(?:\\\\.[^'\\\\]*)*'``) so that long
strings do not cost a regex alternation per character, and atomic groups / possessive
quantifiers (Python 3.11+) so that a malformed tuple fails in linear time instead of
backtracking exponentially (found by fuzzing: one mutated byte took 40 s).

``COPY ... FROM stdin`` data uses PostgreSQL's text format: tab-separated, ``\\N`` null,
backslash escapes (``COPY`` reference page, "Text Format").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sentinelle.readers._tables import cell_text

_MYSQL_STR = r"(?>'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+')"
_MYSQL_DSTR = r'(?>"[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+")'
_STD_STR = r"(?>[Ee]'[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+'|'[^']*+(?:''[^']*+)*+')"
_STD_DSTR = r'(?>"[^"]*+(?:""[^"]*+)*+")'
_CAST = r"(?:\s*::\s*[A-Za-z_][\w ]*?(?:\(\d+(?:\s*,\s*\d+)?\))?(?:\[\])?(?=\s*(?:[,)]|$)))?"
_BARE = r"""[^,()'"\s]++"""
IDENT = r'(?:`(?:[^`]|``)+`|"(?:[^"]|"")+"|\[[^\]]+\]|[^\W\d][\w$]*)'
NAME = rf"{IDENT}(?:\s*\.\s*{IDENT}){{0,2}}"
_IDENT_RE = re.compile(IDENT)

INSERT = re.compile(
    r"(?:INSERT|REPLACE)(?:\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE))*\s+(?:INTO\s+)?"
    rf"(?P<name>{NAME})\s*(?:\((?P<cols>[^()]*)\)\s*)?VALUES?\s*",
    re.IGNORECASE,
)
COPY = re.compile(
    rf"COPY\s+(?P<name>{NAME})\s*(?:\((?P<cols>[^()]*)\)\s*)?FROM\s+stdin\b(?P<opts>[^;\n]*);"
    r"[^\n]*\n",
    re.IGNORECASE,
)
CREATE = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?"
    rf"TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{NAME})\s*\(",
    re.IGNORECASE,
)
#: Whitespace, comments and empty statements between statements.
BLANK = re.compile(r"(?:\s++|--[^\n]*+\n|/\*.*?\*/|;)*+", re.DOTALL)
SEPARATOR = re.compile(r"\s*([,;])")
_CONSTRAINTS = frozenset(
    [
        "PRIMARY",
        "KEY",
        "UNIQUE",
        "CONSTRAINT",
        "INDEX",
        "FOREIGN",
        "CHECK",
        "FULLTEXT",
        "SPATIAL",
        "EXCLUDE",
        "LIKE",
        "PERIOD",
    ]
)
_DEFAULT_SCHEMAS = frozenset({"public", "dbo"})


@dataclass(frozen=True, slots=True)
class Dialect:
    """Compiled patterns of one string-literal dialect."""

    name: str
    tuple: re.Pattern[str]  # a whole ( v, v, ... ) tuple: body, then the next , or ;
    value: re.Pattern[str]  # one value and its comma: (plain string, other) for findall
    loose: re.Pattern[str]  # a tuple with one level of nested parentheses
    loose_value: re.Pattern[str]
    skip: re.Pattern[str]  # statement text up to (not including) ';'
    tokens: re.Pattern[str]  # tokens of a CREATE TABLE body
    backslash: bool


def _dialect(name: str, string: str, dstring: str, backslash: bool, dollar: bool) -> Dialect:
    literal = rf"(?:_\w+\s*|[NnXxBb])?(?:{string}|{dstring}){_CAST}"
    value = rf"(?>{literal}|\w+\s*\((?:{string}|{dstring}|[^()'\"])*+\)|{_BARE})"
    quoted = rf"{string}|{dstring}|`[^`]*`"
    dollar_quote = r"|\$(?P<tag>(?:[A-Za-z_]\w*)?)\$.*?\$(?P=tag)\$" if dollar else ""
    dollar_plain = r"|\$(?!(?:[A-Za-z_]\w*)?\$)" if dollar else r"|\$"
    return Dialect(
        name=name,
        tuple=re.compile(rf"\(\s*+({value}(?:\s*+,\s*+{value})*+)?\s*+\)(?:\s*+([,;]))?"),
        value=re.compile(rf"(?:'([^'\\]*+)'|({value}))\s*+(?:,\s*+|$)"),
        loose=re.compile(rf"\(((?:{quoted}|[^'\"`()]++|\((?:{quoted}|[^'\"`()]++)*+\))*+)\)"),
        loose_value=re.compile(rf"(?:{quoted}|\((?:{quoted}|[^'\"`()]++)*+\)|[^,'\"`()]++)++"),
        skip=re.compile(
            rf"(?:{quoted}|--[^\n]*+\n|/\*.*?\*/{dollar_quote}|[^;'\"`$/\-]++"
            rf"{dollar_plain}|/(?!\*)|-(?!-))*+",
            re.DOTALL,
        ),
        tokens=re.compile(rf"{quoted}|\[[^\]]*\]|[\w$]+|[(),]|[^\s\w(),'\"`\[]+", re.DOTALL),
        backslash=backslash,
    )


_DIALECTS = {
    "MYSQL": ("mysql", _MYSQL_STR, _MYSQL_DSTR, True, False),
    "STANDARD": ("standard", _STD_STR, _STD_DSTR, False, True),
}


@cache
def _built(name: str) -> Dialect:
    label, string, dstring, backslash, dollar = _DIALECTS[name]
    return _dialect(label, string, dstring, backslash, dollar)


def __getattr__(name: str) -> Dialect:
    """``MYSQL`` and ``STANDARD``, compiled when a dump is first read (not when a file is
    only sniffed: their patterns take longer to compile than a small file takes to scan)."""
    if name in _DIALECTS:
        return _built(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

_MYSQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
_C_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_MYSQL_ESCAPE = re.compile(r"\\(.)|''|\"\"", re.DOTALL)
_C_ESCAPE = re.compile(
    r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))|''",
    re.DOTALL,
)


def _mysql_sub(match: re.Match[str]) -> str:
    char = match.group(1)
    if char is None:
        return match.group(0)[0]
    return _MYSQL_ESCAPES.get(char, char)


def _c_sub(match: re.Match[str]) -> str:
    octal, hex2, u4, u8, other = match.groups()
    if match.group(0) == "''":
        return "'"
    if other is not None:
        return _C_ESCAPES.get(other, other)
    code = int(octal, 8) if octal else int(hex2 or u4 or u8, 16)
    return chr(code) if code <= 0x10FFFF else "\ufffd"


def _hex_text(digits: str) -> str | None:
    try:
        return cell_text(bytes.fromhex(digits))
    except ValueError:
        return digits


def value_text(token: str, dialect: Dialect) -> str | None:
    """A value token of an ``INSERT`` tuple as text (``None`` for NULL and ``''``)."""
    first = token[0]
    if first not in "'\"":
        quote = token.find("'")
        if quote < 0 or not (first in "_NnXxBbEe"):
            upper = token.upper()
            if upper == "NULL":
                return None
            if upper.startswith("0X") and len(token) > 2:
                return _hex_text(token[2:])
            return token
        prefix, token = token[:quote].strip().upper(), token[quote:]
        if prefix == "X":
            return _hex_text(token[1 : token.rfind("'")])
        if prefix == "E":
            inner = token[1 : token.rfind("'")]
            return _C_ESCAPE.sub(_c_sub, inner) or None
        first = "'"
    end = token.rfind(first)
    inner = token[1:end] if end > 0 else token[1:]
    if dialect.backslash:
        if "\\" in inner or first + first in inner:
            inner = _MYSQL_ESCAPE.sub(_mysql_sub, inner)
    elif first + first in inner:
        inner = inner.replace(first + first, first)
    return inner or None


def tuple_values(body: str | None, dialect: Dialect) -> list[str | None]:
    """The values of a tuple body matched by ``dialect.tuple``."""
    if not body:
        return []
    return [
        plain or (value_text(other, dialect) if other else None)
        for plain, other in dialect.value.findall(body)
    ]


def loose_values(body: str, dialect: Dialect) -> list[str | None]:
    """The values of a tuple body matched by ``dialect.loose`` (nested calls kept whole)."""
    return [value_text(v.strip(), dialect) for v in dialect.loose_value.findall(body) if v.strip()]


_COPY_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))", re.DOTALL)


def _copy_sub(match: re.Match[str]) -> str:
    octal, hex2, other = match.groups()
    if other is not None:
        return _C_ESCAPES.get(other, other)
    return chr(int(octal, 8) if octal else int(hex2, 16))


def copy_values(line: str) -> list[str | None]:
    """One line of ``COPY ... FROM stdin`` text format."""
    return [
        None
        if cell == "\\N" or not cell
        else (_COPY_ESCAPE.sub(_copy_sub, cell) if "\\" in cell else cell)
        for cell in line.split("\t")
    ]


def unquote_ident(ident: str) -> str:
    ident = ident.strip()
    if len(ident) >= 2 and ident[0] in '`"[':
        closing = "]" if ident[0] == "[" else ident[0]
        inner = ident[1:-1]
        return inner if closing == "]" else inner.replace(closing * 2, closing)
    return ident


def table_name(raw: str) -> str:
    """``public."Patients"`` -> ``Patients``; ``db.t`` stays ``db.t``."""
    parts = [unquote_ident(p) for p in _IDENT_RE.findall(raw)]
    if len(parts) > 1 and parts[0].lower() in _DEFAULT_SCHEMAS:
        parts = parts[1:]
    return ".".join(parts)


def column_list(raw: str) -> list[str]:
    return [unquote_ident(p) for p in _IDENT_RE.findall(raw)]


def create_columns(body: str, dialect: Dialect) -> list[str]:
    """Column names from the text after ``CREATE TABLE name (``."""
    columns: list[str] = []
    depth, first = 1, None

    def finish() -> None:
        if first is not None and (first[0] in '`"[' or first.upper() not in _CONSTRAINTS):
            columns.append(unquote_ident(first))

    for token in dialect.tokens.findall(body):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
            if depth == 0:
                finish()
                break
        elif token == "," and depth == 1:
            finish()
            first = None
        elif depth == 1 and first is None:
            first = token
    return columns


__all__ = [
    "BLANK",
    "COPY",
    "CREATE",
    "INSERT",
    "SEPARATOR",
    "Dialect",
    "column_list",
    "copy_values",
    "create_columns",
    "loose_values",
    "table_name",
    "tuple_values",
    "unquote_ident",
    "value_text",
]
