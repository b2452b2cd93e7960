"""End to end: scan generated exports and compare with the generator's ground truth."""

from __future__ import annotations

import pytest

import sentinelle

IDENTIFYING = {
    "NIR", "NIR_NO_KEY", "RPPS", "ADELI", "FINESS", "PHONE", "EMAIL", "DATE_OF_BIRTH",
    "BLOOD_GROUP", "PERSON_NAME", "ADDRESS", "POSTAL_CODE", "CREDENTIAL", "HEALTH",
}
VARIANTS = [
    {"patients": 3000, "seed": 1},
    {"patients": 3000, "seed": 2, "header": False},
    {"patients": 3000, "seed": 3, "nir_split_rate": 1.0},
    {"patients": 3000, "seed": 4, "header": False, "nir_split_rate": 1.0},
    {"patients": 3000, "seed": 5, "encoding": "cp1252", "delimiter": "\t"},
    {"patients": 3000, "seed": 6, "encoding": "utf-8", "delimiter": "|", "crlf": False},
]


def _scan(path):
    report = sentinelle.scan([path])
    assert len(report.files) == 1
    return report.files[0]


def _nir_entity(truth: dict) -> str:
    return "NIR_NO_KEY" if "NIR_NO_KEY" in truth["entities"] else "NIR"


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: "-".join(f"{k}={v[k]}" for k in v))
def test_nir_recall_and_precision(export_factory, variant) -> None:
    path, truth = export_factory(**variant)
    got = _scan(path)
    entity = _nir_entity(truth)
    want = truth["entities"][entity]
    have = got.entities[entity]
    # Counting the same cells with exact checks: recall and precision >= 99.9%.
    assert have.count >= 0.999 * want["count"]
    assert have.count <= want["count"] / 0.999
    assert have.invalid == want["invalid"]
    assert have.distinct == want["distinct"]
    nnp = got.entities.get("NNP")
    want_nnp = truth["entities"].get("NNP", {"count": 0, "invalid": 0})
    assert (nnp.count if nnp else 0) == want_nnp["count"]
    assert (nnp.invalid if nnp else 0) == want_nnp["invalid"]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: "-".join(f"{k}={v[k]}" for k in v))
def test_every_identifying_column_classified(export_factory, variant) -> None:
    path, truth = export_factory(**variant)
    got = {c.index: c.entity for c in _scan(path).columns}
    wrong = []
    for col in truth["columns"]:
        want = col["entity"]
        have = got.get(col["index"])
        if want in IDENTIFYING or have in IDENTIFYING:
            if want != have:
                wrong.append((col["index"], col["name"], want, have))
    assert not wrong, wrong


def test_health_recall(export_factory) -> None:
    path, truth = export_factory(patients=5000, seed=7, health_note_rate=0.4)
    got = _scan(path)
    for category, want in truth["health"].items():
        if want:
            assert got.health.get(category, 0) >= 0.98 * want, category
            assert got.health.get(category, 0) <= want * 1.02 + 2, category


def test_risk_is_critical_and_records_counted(export_factory) -> None:
    path, truth = export_factory(patients=3000, seed=1)
    got = _scan(path)
    assert got.records == truth["records"]
    assert str(got.risk) == "critical"


@pytest.mark.parametrize("variant", VARIANTS[:4], ids=lambda v: "-".join(f"{k}={v[k]}" for k in v))
def test_every_entity_counted_exactly(export_factory, variant) -> None:
    """count, distinct and invalid of every entity equal the truth (HEALTH is counted per
    category in `health`; the truth's HEALTH entity counts non-empty comment cells)."""
    path, truth = export_factory(**variant)
    got = _scan(path)
    diff = {}
    for entity, want in truth["entities"].items():
        if entity == "HEALTH":
            continue
        have = got.entities.get(entity)
        have_t = (have.count, have.distinct, have.invalid) if have else (0, 0, 0)
        if have_t != (want["count"], want["distinct"], want["invalid"]):
            diff[entity] = (have_t, want)
    extra = set(got.entities) - set(truth["entities"]) - {"HEALTH"}
    assert not diff, diff
    assert not extra, extra
