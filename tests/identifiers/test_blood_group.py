from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.errors import InvalidFormat
from sentinelle.identifiers import blood_group

from .helpers import JUNK, assert_series_agrees

VALID = [
    # ABO + RhD
    ("A+", "A+"),
    ("O-", "O-"),
    ("0+", "O+"),
    ("0 -", "O-"),
    ("AB+", "AB+"),
    ("ab pos", "AB+"),
    ("B neg", "B-"),
    ("A Rh+", "A+"),
    ("A RH -", "A-"),
    ("O positif", "O+"),
    ("O négatif", "O-"),
    ("B NEGATIF", "B-"),
    ("A positive", "A+"),
    ("AB RH-1", "AB-"),
    ("AB RH:1", "AB+"),
    ("A RH:-1", "A-"),
    ("A RH1", "A+"),
    ("B D+", "B+"),
    ("B D-", "B-"),
    ("A Rhésus +", "A+"),
    ("A\u2212", "A-"),  # typographic minus
    ("Groupe A+", "A+"),
    ("Groupe sanguin : O Rh-", "O-"),
    ("GR. B+", "B+"),
    # RhD alone
    ("Rh+", "Rh+"),
    ("rh -", "Rh-"),
    ("RH:-1", "Rh-"),
    ("D-", "Rh-"),
    # phenotypes
    ("CcDEe", "CcDEe"),
    ("ccdee", "ccdee"),
    ("CCDee", "CCDee"),
    ("ccDEE", "ccDEE"),
    ("cCDeE", "CcDEe"),
    ("ccddee", "ccdee"),
    ("R1r", "CcDee"),
    ("R1R1", "CCDee"),
    ("R1R2", "CcDEe"),
    ("R2r", "ccDEe"),
    ("R0r", "ccDee"),
    ("rr", "ccdee"),
    ("r'r", "Ccdee"),
    ("r''r", "ccdEe"),
    ("r\"r", "ccdEe"),
    ("Rzr", "CcDEe"),
    ("RH:1,2,-3,4,5", "CcDee"),
    ("RH: 1, -2, 3, 4, -5", "ccDEE"),
    ("RH:-1,-2,-3,4,5", "ccdee"),
    ("D+ C+ E- c+ e+", "CcDee"),  # the phenotype states D: no separate "Rh+"
    ("C+ E- c+ e+", "C+c+E-e+"),
    ("C+, E-, c+, e+", "C+c+E-e+"),
    # Kell
    ("K-", "K-"),
    ("K+", "K+"),
    ("KEL1-", "K-"),
    ("KEL1+", "K+"),
    ("KEL:-1", "K-"),
    ("KEL:1", "K+"),
    ("Kell négatif", "K-"),
    ("Kell +", "K+"),
    # combined
    ("A+ CcDEe K-", "A+ CcDEe K-"),
    ("O- ccdee KEL:-1", "O- ccdee K-"),
    ("A Rh+ (R1r) KEL1-", "A+ CcDee K-"),
    ("A+ RH:1,2,-3,4,5 KEL:-1", "A+ CcDee K-"),
    ("A+ / C+ E- c+ e+ / K-", "A+ CcDee K-"),
    ("B+; CcDee; K+", "B+ CcDee K+"),
    ("AB ccdee", "AB ccdee"),  # bare ABO is fine next to a phenotype
]
INVALID = [
    "A",  # bare ABO: needs bare_abo=True
    "AB",
    "0",
    "+",
    "-",
    "positif",
    "négatif",
    "RAI négative",  # antibody screen, not a group
    "RAI positive",
    "Rh",
    "RH12",
    "C",
    "cc",
    "Rr",
    "k+",  # Cellano, not Kell
    "O+ K",
    "A++",
    "E+",
    "groupe",
    "AB+ AB+",
    "CcDEe CcDEe",
]


@pytest.mark.parametrize(("written", "canonical"), VALID)
def test_valid(written: str, canonical: str) -> None:
    assert blood_group.validate(written) == canonical
    assert blood_group.compact(written) == canonical


@pytest.mark.parametrize("value", INVALID)
def test_invalid(value: str) -> None:
    assert not blood_group.is_valid(value)
    with pytest.raises(InvalidFormat) as info:
        blood_group.validate(value)
    if len(value) > 3:  # short values are ordinary words of any message
        assert value not in str(info.value)


@pytest.mark.parametrize(
    ("written", "canonical"), [("A", "A"), ("ab", "AB"), ("0", "O"), ("O", "O")]
)
def test_bare_abo(written: str, canonical: str) -> None:
    assert not blood_group.is_valid(written)
    assert blood_group.validate(written, bare_abo=True) == canonical


def test_normalise_fields() -> None:
    group = blood_group.normalise("A Rh+ (R1r) KEL1-")
    assert group == blood_group.BloodGroup(abo="A", rhd="+", phenotype="CcDee", kell="-")
    assert group.canonical == "A+ CcDee K-"
    assert blood_group.normalise("K-") == blood_group.BloodGroup(kell="-")


def test_compact_of_junk_is_trimmed_value() -> None:
    assert blood_group.compact("  nope ") == "nope"


def test_mask_hides_everything() -> None:
    assert blood_group.mask("AB+") == "**+"


@pytest.mark.parametrize("bare_abo", [False, True])
def test_series_agrees(bare_abo: bool) -> None:
    values = [w for w, _ in VALID] + INVALID + JUNK
    assert_series_agrees(blood_group, values, bare_abo=bare_abo)


_PIECES = st.sampled_from(
    ["A", "B", "AB", "O", "0", "ab", "+", "-", "\u2212", " ", "  ", "Rh", "RH", ":", "1", "-1",
     "pos", "neg", "positif", "négatif", "D", "C", "c", "E", "e", "d", "R1", "R2", "R0", "Rz",
     "r", "'", "''", '"', "RH:1,2,-3,4,5", ",", ";", "/", "(", ")", "K", "KEL", "Kell", "k",
     "Groupe", "sanguin", "é", "É", "ı", "K"]  # fmt: skip
)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(_PIECES, min_size=1, max_size=8).map("".join), min_size=1, max_size=40))
def test_series_agrees_on_generated_notations(values: list[str]) -> None:
    assert_series_agrees(blood_group, values)
    assert_series_agrees(blood_group, values, bare_abo=True)
    assert_series_agrees(blood_group, [v.upper() for v in values])


def test_series_on_column() -> None:
    check = blood_group.check_series(pl.Series(["A+", "O-", "AB+", None, "?"]))
    assert check.count == 3
    assert check.distinct == 3
    assert check.invalid == 0


# --- the phenotype lookup tables of the vectorised check ----------------------------------

_GROUP_VALUES = [
    (blood_group._FISHER, "fc", blood_group._FC_VALUES, "Cc"),
    (blood_group._FISHER, "fd", blood_group._FD_VALUES, "Dd"),
    (blood_group._FISHER, "fe", blood_group._FE_VALUES, "Ee"),
    (blood_group._HAP, None, blood_group._HAP_VALUES, "Rr012ZzYy'\"’"),
    (blood_group._MINUS + "?", None, blood_group._MINUS_VALUES, "-−+"),
    (blood_group._SIGN, None, blood_group._SIGN_VALUES, "-−+"),
]


@pytest.mark.parametrize(("regex", "group", "values", "alphabet"), _GROUP_VALUES)
def test_group_values_are_all_the_regex_matches(
    regex: str, group: str | None, values: tuple[str, ...], alphabet: str
) -> None:
    """The lookup tables enumerate every value a capture group can take, and no other."""
    import itertools
    import re

    pattern = re.compile(regex)
    found = set()
    for n in range(4):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            if group is None:
                if pattern.fullmatch(text):
                    found.add(text)
            else:  # the other two Fisher-Race groups fixed to a valid value
                parts = {"fc": "Cc", "fd": "D", "fe": "Ee"} | {group: text}
                m = pattern.fullmatch(parts["fc"] + parts["fd"] + parts["fe"])
                if m and m[group] == text:
                    found.add(text)
    assert found == set(values)
    assert len(values) == len(set(values))


def _phenotype_cells() -> list[str]:
    import itertools

    g = blood_group
    cells = ["".join(p) for p in itertools.product(g._FC_VALUES, g._FD_VALUES, g._FE_VALUES)]
    cells += ["".join(p) for p in itertools.product(g._HAP_VALUES, repeat=2)]
    cells += [
        "RH:{}1,{}2,{}3,{}4,{}5".format(*signs)
        for signs in itertools.product(g._MINUS_VALUES, repeat=5)
    ]
    for d in (None, *g._SIGN_VALUES):
        for c, e, c2, e2 in itertools.product(g._SIGN_VALUES, repeat=4):
            flags = ("" if d is None else f"D{d} ") + f"C{c} E{e} c{c2} e{e2}"
            cells += [flags, f"A+ {flags}", f"O- {flags}", f"Rh- {flags}"]
    return cells


def test_every_phenotype_combination_agrees() -> None:
    cells = _phenotype_cells()
    assert len(cells) > 96 + 169 + 243 + 4 * 81 * 4 - 1
    assert_series_agrees(blood_group, cells)
    assert blood_group.check_series(pl.Series(cells)).count == len(cells)
