"""Private helpers shared by the identifier modules (not an identifier itself: no ``ENTITY``).

- :func:`call_stdnum` runs a python-stdnum ``validate`` and maps its errors onto the
  Sentinelle error tree, without the value and without chaining stdnum's exception;
- :func:`mask_chars` is the generic preview: every letter or digit becomes ``*``;
- :func:`validate_dept_luhn` / :func:`check_dept_luhn_lazy` implement the common
  "9 characters, département prefix, Luhn key" layout shared by ADELI, FINESS and the
  Assurance Maladie number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import polars as pl
from stdnum import exceptions as stdnum_errors
from stdnum import luhn

from sentinelle.errors import InvalidChecksum, InvalidFormat, InvalidLength
from sentinelle.identifiers._series import (
    char_class,
    compact_expr,
    lazy_check,
    luhn_expr,
    spelled,
)

#: Separators stripped from numeric identifiers: whitespace, dots, hyphens, slashes, underscores.
SEPARATORS = char_class(r"\.\-/_")
#: The characters of a shaped value that are not separators (see ``spelled``): digits,
#: or digits and the ``A``/``B`` of Corsica (either case; nothing else upper-cases to them).
DIGIT = "[0-9]"
DIGIT_OR_AB = "[0-9ABab]"


def digits_only(expr: pl.Expr, length: int) -> pl.Expr:
    """The normalised form of a ``length``-digit number: the values spelled with
    ``length`` digits and separators (see ``spelled``), without their separators."""
    return compact_expr(
        spelled(expr, DIGIT, length, SEPARATORS), separators=SEPARATORS, upper=False
    )


_SEPARATORS_RE = re.compile(SEPARATORS)
_ALNUM = re.compile(r"[0-9A-Za-z]")
_MASK_MAX = 64


def compact_number(value: object) -> str:
    """Strip :data:`SEPARATORS` and upper-case (the Python twin of ``compact_expr``)."""
    return _SEPARATORS_RE.sub("", str(value)).upper()


def call_stdnum(func: Callable[[str], str], number: str, label: str) -> str:
    """Run a python-stdnum ``validate`` and re-raise its errors as Sentinelle errors.

    ``label`` names the identifier in the message (never the value). The stdnum exception
    is dropped (``from None``) so that nothing of the value can travel in a traceback chain.
    """
    try:
        return func(number)
    except stdnum_errors.InvalidLength:
        raise InvalidLength(f"{label}: wrong length") from None
    except stdnum_errors.InvalidChecksum:
        raise InvalidChecksum(f"{label}: check digits do not match") from None
    except stdnum_errors.ValidationError:
        raise InvalidFormat(f"{label}: wrong format") from None


def mask_chars(value: object) -> str:
    """Generic preview: letters and digits become ``*``, the rest stays; at most 64 chars."""
    text = str(value)[:_MASK_MAX]
    return _ALNUM.sub("*", text)


# --- "9 characters: département + 6 digits + Luhn key" (ADELI, FINESS, AM number) ---------

#: Département prefixes: 01-95 (incl. 20, Corsica before 1976), 2A/2B, 97 (overseas).
DEPT_WITH_CORSICA = r"(?:0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97)"
#: The same, digits only (``2A``/``2B`` not allowed).
DEPT_DIGITS = r"(?:0[1-9]|[1-8][0-9]|9[0-5]|97)"

_SHAPE9_ALNUM = r"^(?:[0-9]{2}|2[AB])[0-9]{7}$"
_SHAPE9_DIGITS = r"^[0-9]{9}$"


def _luhn_digits(number: str) -> str:
    """Corsican prefixes count as ``20`` for the Luhn key (see the module docstrings)."""
    return number.replace("2A", "20", 1).replace("2B", "20", 1)


def validate_dept_luhn(value: object, *, dept: str, label: str, letters: bool) -> str:
    """Validate a 9-character "département + 6 digits + Luhn key" number.

    ``dept`` is the département regex; ``letters`` allows ``2A``/``2B`` in first position.
    """
    number = compact_number(value)
    if len(number) != 9:
        raise InvalidLength(f"{label}: 9 characters expected")
    if not re.fullmatch(_SHAPE9_ALNUM if letters else _SHAPE9_DIGITS, number):
        raise InvalidFormat(f"{label}: wrong characters")
    if not re.fullmatch(dept, number[:2]):
        raise InvalidFormat(f"{label}: the first two characters are not a département")
    call_stdnum(luhn.validate, _luhn_digits(number), label)
    return number


@cache
def _dept_luhn_expressions(
    dept: str, letters: bool
) -> tuple[pl.Expr, pl.Expr, pl.Expr, tuple[pl.Expr, ...]]:
    """(normalised, shaped, valid, steps) expressions, built once (they are immutable)."""
    n = pl.col("n")
    # the Luhn digits ("2A"/"2B" count as "20"), computed once into column "d"
    digits = n.str.replace("^2[AB]", "20").alias("d")
    valid = n.str.slice(0, 2).str.contains(f"^{dept}$") & luhn_expr(pl.col("d"), 9)
    return (
        compact_expr(
            spelled(pl.col("v"), DIGIT_OR_AB if letters else DIGIT, 9, SEPARATORS),
            separators=SEPARATORS,
            upper=letters,
        ),
        n.str.contains(_SHAPE9_ALNUM if letters else _SHAPE9_DIGITS),
        valid,
        (digits,),
    )


def check_dept_luhn_lazy(series: pl.Series, *, dept: str, letters: bool) -> pl.LazyFrame:
    """Vectorised twin of :func:`validate_dept_luhn`, as a lazy check query (not collected)."""
    normalised, shaped, valid, steps = _dept_luhn_expressions(dept, letters)
    return lazy_check(series, normalised, shaped, valid, steps=steps)


def mask_dept9(value: object) -> str:
    """Preview of a 9-character professional or facility number: ``** *** *** *``."""
    number = compact_number(value)
    if len(number) != 9:
        return mask_chars(number)
    return "** *** *** *"
