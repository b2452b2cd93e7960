"""Candidate regexes for identifiers in free text: one (or two) per entity.

A candidate is only *shaped* like an identifier; :mod:`sentinelle.detect.scoring`
validates it with the identifier module (check digits, structure) and scores it with
the context words around it. The regexes are deliberately lenient on structure (month,
place of birth...) so that validation, not the regex, decides.

Each pattern is written once, as a ``body`` plus exact-only look-around guards, and
rendered in three dialects:

- :attr:`EntityPattern.exact` (Python ``re``, flag ``re.ASCII``): the guards included;
  it extracts the matches, so results never depend on the engine;
- :attr:`EntityPattern.folded`: the body alone, ASCII only, for Hyperscan / RE2 running
  case-insensitively on :func:`sentinelle.lexicon.folding.fold_bytes` (one byte per
  character, lower-cased, accents removed, no-break spaces as spaces);
- :attr:`EntityPattern.raw`: the body alone for polars (Rust ``regex``) on raw cells.

The prefilter dialects only drop look-arounds and widen classes, so on any line where
``exact`` matches, ``folded`` (on the folded bytes) and ``raw`` match too. Placeholders in
bodies keep that true: ``§`` is a separator (space, dot, hyphen, no-break spaces; plain in
the folded bytes), ``¦`` a space or comma after a word, ``¤`` any character but a
newline or ASCII digit (widened to "not a newline" for the folded bytes, where ``²``
reads ``2``). A non-ASCII letter may appear only inside a class next to
its ASCII base letter (``[eé]``); the folded dialect drops it. Case-insensitive parts are
scoped ``(?i:...)``. No pattern can match a newline: matches never span lines.

Writings covered (reference facts in ``DESIGN.md``): NIR compact, spaced
``1 85 03 75 123 456 41``, dotted, hyphenated, with ``2A``/``2B``, and as body + key
``1234567890123 75``; the 13-character body alone (NIR_NO_KEY) and NNP; French phones
(``06 12 34 56 78``, ``+33 (0)6...``, ``0033...``, overseas ``+262/590/594/596``);
e-mail; French IBAN (grouped or compact); RPPS (11 digits), ADELI / FINESS / SIREN
(9 characters), SIRET (14 digits, grouped or not); dates ``dd/mm/yyyy``, ``dd.mm.yy``,
``yyyy-mm-dd``, ``yyyymmdd``; blood groups with an RhD marker or a "groupe" prefix;
postal codes only after an address-like context (a street word, or ``CP``/``code
postal``) and before a capitalised city name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sentinelle.entities import Entity

_RENDER = {
    # placeholder: (exact and raw, folded)
    "§": ("[ .\\-\u00a0\u202f]", "[ .\\-]"),
    "¤": ("[^\\n0-9]", "[^\\n]"),
    "¦": ("[ ,\u00a0\u202f]", "[ ,]"),
}
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@dataclass(frozen=True, slots=True)
class EntityPattern:
    """One candidate regex. ``group`` names the capture group holding the value, if any
    (the match span reported is then the group's)."""

    name: str
    entity: str
    body: str
    left: str = ""
    right: str = ""
    group: str | None = None

    def _render(self, dialect: int, text: str | None = None) -> str:
        out = self.body if text is None else text
        for placeholder, forms in _RENDER.items():
            out = out.replace(placeholder, forms[dialect])
        return out

    @property
    def exact(self) -> str:
        return self._render(0, self.left + self.body + self.right)

    @property
    def raw(self) -> str:
        return _NAMED_GROUP.sub("(?:", self._render(0))

    @property
    def folded(self) -> str:
        out = _NAMED_GROUP.sub("(?:", self._render(1)).replace("(?i:", "(?:")
        return "".join(ch for ch in out if ch.isascii())

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.exact, re.ASCII)


_D = r"(?<![0-9])"
_ND = r"(?![0-9])"
_ALNUM_L = r"(?<![0-9A-Za-z])"
_ALNUM_R = r"(?![0-9A-Za-z])"

_NIR_BODY13 = r"[1-478]§?[0-9]{2}§?[0-9]{2}§?(?:[0-9]{2}|2[ABab])§?[0-9]{3}§?[0-9]{3}"
_POS = r"(?i:pos(?:iti(?:f|ve))?|n[eé]g(?:ati(?:f|ve))?)"
_RHD = rf"(?:(?i:rh(?:[eé]sus)?)§{{0,2}}:?§{{0,2}}(?:-?1|[+\-]|{_POS})|[+\-]|{_POS})"
_ABO = r"(?:AB|A|B|O|0)"
_GROUPE = r"(?i:gr(?:oupe|p|\.)(?:§{1,2}sanguin)?)(?:§{1,3}|§{0,2}:§{0,2})"
_STREET = (
    r"(?i:rue|avenue|av|boulevard|bd|blvd|chemin|all[eé]e|impasse|place|route|quai|cours"
    r"|r[eé]sidence|lotissement|hameau|lieu§?dit|square|cit[eé]|passage|sentier|voie"
    r"|faubourg|mont[eé]e|esplanade|parvis|rond§?point|zi|za|zac|bp|cs)"
)

PATTERNS: tuple[EntityPattern, ...] = (
    EntityPattern("NIR", Entity.NIR, _NIR_BODY13 + r"§{0,3}[0-9]{2}", _D, _ND),
    # NNP before NIR_NO_KEY: 13 digits "[78][12]..." in a NIR field is a provisional number
    # (lab data of 2015-2020) rather than a waiting number (NIA) written without its key.
    EntityPattern("NNP", Entity.NNP, r"[78][12][0-9]{11}", _D, _ND),
    EntityPattern("NIR_NO_KEY", Entity.NIR_NO_KEY, _NIR_BODY13, _D, _ND),
    EntityPattern(
        "PHONE",
        Entity.PHONE,
        r"(?:(?:\+|00)§?(?:33|262|590|594|596)§?(?:\(0\)§?)?[1-9](?:§?[0-9]){8}"
        r"|0[1-9](?:§?[0-9]{2}){4})",
        r"(?<![0-9A-Za-z+])",
        r"(?![0-9]|[:h][0-9])",  # not "05-01-2016 08:02" (a date and a time)
    ),
    EntityPattern(
        "EMAIL",
        Entity.EMAIL,
        r"[A-Za-z0-9._%+\-]{1,64}@(?:[A-Za-z0-9\-]{1,63}\.){1,8}[A-Za-z]{2,24}",
        r"(?<![A-Za-z0-9._%+\-])",
        r"(?![A-Za-z0-9\-])",
    ),
    EntityPattern(
        "IBAN",
        Entity.IBAN,
        r"[Ff][Rr][0-9]{2}(?:§?[0-9A-Za-z]{4}){5}§?[0-9A-Za-z]{3}",
        _ALNUM_L,
        _ALNUM_R,
    ),
    EntityPattern("RPPS", Entity.RPPS, r"[0-9]{11}", _D, _ND),
    EntityPattern("ADELI", Entity.ADELI, r"(?:[0-9]{2}|2[ABab])[0-9]{7}", _ALNUM_L, _ND),
    EntityPattern("FINESS", Entity.FINESS, r"(?:[0-9]{2}|2[ABab])[0-9]{7}", _ALNUM_L, _ND),
    EntityPattern("SIREN", Entity.SIREN, r"[0-9]{3}§?[0-9]{3}§?[0-9]{3}", _D, _ND),
    EntityPattern("SIRET", Entity.SIRET, r"[0-9]{3}§?[0-9]{3}§?[0-9]{3}§?[0-9]{5}", _D, _ND),
    EntityPattern(
        "DATE",
        Entity.DATE_OF_BIRTH,
        r"(?:[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-](?:[0-9]{4}|[0-9]{2})"
        r"|[0-9]{4}[/\-][0-9]{1,2}[/\-][0-9]{1,2}|[0-9]{8})",
        r"(?<![0-9/.])",
        r"(?![0-9]|[/.\-][0-9])",
    ),
    EntityPattern(
        "BLOOD_GROUP",
        Entity.BLOOD_GROUP,
        rf"(?:(?:{_GROUPE})?{_ABO}§{{0,2}}{_RHD}|{_GROUPE}{_ABO})",
        _ALNUM_L,
        r"(?![0-9A-Za-z+\-])",
    ),
    EntityPattern(
        "POSTAL_ADDRESS",
        Entity.POSTAL_CODE,
        rf"(?:[0-9]{{1,4}}(?:§?(?i:bis|ter))?,?§{{1,2}})?{_STREET}\.?¦¤{{0,60}}?"
        r"(?P<v>[0-9]{5})",
        _ALNUM_L,
        r"(?![0-9])(?=§{1,2}(?:[A-Z]|[ÉÈÊÎÔ]))",
        group="v",
    ),
    EntityPattern(
        "POSTAL_LABEL",
        Entity.POSTAL_CODE,
        r"(?i:c\.?p\.?|code§?postal)§{0,2}:?§{0,2}(?P<v>[0-9]{5})",
        _ALNUM_L,
        _ND,
        group="v",
    ),
)
"""Every candidate pattern, in a fixed order (the order breaks ties between entities)."""

PATTERN_INDEX = {p.name: i for i, p in enumerate(PATTERNS)}

__all__ = ["PATTERNS", "PATTERN_INDEX", "EntityPattern"]
