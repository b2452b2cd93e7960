import pytest

from sentinelle.entities import RiskLevel
from sentinelle.report.risk import assess_risk


@pytest.mark.parametrize(
    ("counts", "health", "level"),
    [
        ({}, {}, RiskLevel.NONE),
        ({"NIR": 0}, {}, RiskLevel.NONE),
        ({"RPPS": 3}, {}, RiskLevel.LOW),
        ({"PHONE": 10}, {}, RiskLevel.LOW),
        ({"PERSON_NAME": 10, "PHONE": 10}, {}, RiskLevel.MEDIUM),
        ({}, {"HIV": 1}, RiskLevel.MEDIUM),
        ({"NIR": 5}, {}, RiskLevel.HIGH),
        ({"CREDENTIAL": 5}, {}, RiskLevel.HIGH),
        ({"PERSON_NAME": 5}, {"PREGNANCY": 2}, RiskLevel.HIGH),
        ({"NIR": 5, "PERSON_NAME": 5}, {"HIV": 1}, RiskLevel.CRITICAL),
        ({"NIR": 5, "CREDENTIAL": 5}, {}, RiskLevel.CRITICAL),
        ({"NIR_NO_KEY": 5, "BLOOD_GROUP": 5}, {}, RiskLevel.CRITICAL),
        ({"PERSON_NAME": 5, "PHONE": 5}, {"DEAFNESS": 1}, RiskLevel.CRITICAL),
    ],
)
def test_levels(counts: dict[str, int], health: dict[str, int], level: RiskLevel) -> None:
    got, score = assess_risk(counts, health, records=100)
    assert got is level
    assert 0.0 <= score <= 1.0


def test_scores_are_ordered_by_level_and_grow_with_volume() -> None:
    low = assess_risk({"PHONE": 3}, {}, 3)[1]
    high = assess_risk({"NIR": 3}, {}, 3)[1]
    critical_small = assess_risk({"NIR": 3}, {"HIV": 3}, 3)[1]
    critical_big = assess_risk({"NIR": 300000, "PERSON_NAME": 1}, {"HIV": 3}, 300000)[1]
    assert low < high < critical_small < critical_big
