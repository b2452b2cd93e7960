"""Property: check_series (polars) and is_valid (Python) agree on near misses of valid values.

Each identifier is implemented twice, once per value and once vectorised; this is where
the two could drift apart (regex dialects, separators, case, edge lengths).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentinelle.identifiers import get

from .helpers import assert_series_agrees, mutations

SEEDS: dict[str, list[str]] = {
    "nir": ["2 55 08 14 168 025 38", "255082A16802597", "185037510002397", "295109912611193"],
    "ins": ["185037510002397^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS",
            "253072B07300470"],  # fmt: skip
    "nir_no_key": ["2550814168025", "255082A168025", "1 85 03 75 100 023"],
    "nnp": ["7112312345678", "8 2 456 00000001"],
    "rpps": ["10123456781", "10 000 000 017"],
    "adeli": ["759101231", "2A9101237", "971123450"],
    "finess": ["750001232", "2A0000016", "980000012"],
    "am_number": ["751123456", "972123459"],
    "siren": ["123456782", "732 829 320"],
    "siret": ["73282932000074", "35600000011112", "35600000000048"],
    "iban": ["FR7630006000011234567890189", "FR76 3000 6000 0112 3456 7890 189",
             "FR8510278060010002034140A18"],  # fmt: skip
    "phone": ["06 12 34 56 78", "+33 6 12 34 56 78", "0262 26 12 34", "+590690123456",
              "0033 1 23 45 67 89"],  # fmt: skip
    "email": ["jean.dupont@example.fr", "a_b@x-y.example.org"],
    "dates": ["12/05/1980", "1980-05-12T14:30:00Z", "19800512", "12.05.80"],
    "blood_group": ["A+", "O RH:-1", "A+ CcDEe K-", "RH:1,2,-3,4,5", "R1r KEL1-"],
    "postal_code": ["75001", "20200", "97400"],
}


def test_every_module_has_seeds() -> None:
    from sentinelle.identifiers import modules

    names = {m.__name__.rsplit(".", 1)[1] for found in modules().values() for m in found}
    assert names == set(SEEDS)


@pytest.mark.parametrize("name", sorted(SEEDS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_near_misses_agree(name: str, data: st.DataObject) -> None:
    module = get(name)
    seeds = SEEDS[name]
    values = data.draw(
        st.lists(st.sampled_from(seeds).flatmap(mutations), min_size=1, max_size=30),
        label="values",
    )
    assert_series_agrees(module, values + seeds)
