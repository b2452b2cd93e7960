"""scan_cells: polars selects candidate cells; figures equal scan() run on each cell."""

from __future__ import annotations

from collections import Counter

import polars as pl
from detect_corpus import HEALTH_WORDS, IDENTIFIER_SNIPPETS, NEUTRAL_WORDS, corpus_texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sentinelle.detect.text import HEALTH, CellFindings, EntityTally, TextDetector

DETECTOR = TextDetector(engine="re")
# Free-text cells get identifiers and health terms; names and addresses in a table are its
# columns, so the reference is scan() without the prose pass.
REFERENCE = TextDetector(engine="re", prose=False)


def per_cell(cells: list[str | None], detector: TextDetector = REFERENCE) -> CellFindings:
    """The reference: scan() on each cell, added up the way scan_cells reports."""
    out = CellFindings(cells=len(cells))
    for row, cell in enumerate(cells):
        if not cell:
            continue
        found = detector.scan(cell)
        hit = set()
        for m in found.matches:
            tally = out.entities.setdefault(m.entity, EntityTally())
            if m.valid:
                tally.count += 1
                tally.values.append(m.normalised)
            else:
                tally.invalid += 1
            hit.add(m.entity)
        for cat in found.health:
            out.health[cat] = out.health.get(cat, 0) + 1
        if found.health:
            hit.add(HEALTH)
        if hit:
            out.rows.append(row)
            for entity in hit:
                out.entity_rows.setdefault(entity, []).append(row)
    return out


def comparable(f: CellFindings) -> tuple[object, ...]:
    return (
        f.cells,
        {e: (t.count, t.invalid, Counter(t.values)) for e, t in f.entities.items()},
        f.health,
        f.rows,
        {e: sorted(r) for e, r in f.entity_rows.items()},
    )


def test_scan_cells_on_a_comment_column() -> None:
    cells = [
        "RAS",
        None,
        "",
        "Patiente enceinte de 28 SA, VIH négatif",
        "n° SS 1 85 03 75 100 023 97",
        "Commande n° 185037510002397",
        "tél 06 12 34 56 78 ; tél 06 12 34 56 78",
        "sans particularité",
        "sourde, appareillée",
        "prélèvement au pli du coude",
        "Sous Préviscan, INR cible 2-3",
    ]
    found = DETECTOR.scan_cells(pl.Series(cells))
    assert found.cells == 11
    assert found.stats() == {"NIR": (1, 1, 0), "PHONE": (2, 1, 0)}
    assert found.health == {"PREGNANCY": 1, "HIV": 1, "DEAFNESS": 1, "TREATMENT": 1}
    assert found.rows == [3, 4, 6, 8, 10]
    assert found.entity_rows["NIR"] == [4]
    assert found.entity_rows[HEALTH] == [3, 8, 10]
    assert comparable(found) == comparable(per_cell(cells))


def test_scan_cells_accepts_any_dtype_and_empty() -> None:
    assert DETECTOR.scan_cells(pl.Series([], dtype=pl.String)).cells == 0
    found = DETECTOR.scan_cells(pl.Series([185037510002397, None, 12]))
    assert found.cells == 3 and found.stats() == {"NIR": (1, 1, 0)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.one_of(st.none(), corpus_texts()), max_size=25))
def test_scan_cells_equals_scan_per_cell(cells: list[str | None]) -> None:
    cleaned = [c.encode("utf-8", "replace").decode("utf-8") if c else c for c in cells]
    found = DETECTOR.scan_cells(pl.Series(cleaned, dtype=pl.String))
    assert comparable(found) == comparable(per_cell(cleaned))


def test_scan_cells_on_many_cells_selects_few() -> None:
    base = [" ".join(NEUTRAL_WORDS[i % 40 : i % 40 + 6]) for i in range(2000)]
    cells = list(base)
    for i in range(0, 2000, 100):
        cells[i] = cells[i] + " " + HEALTH_WORDS[i // 100 % len(HEALTH_WORDS)]
    for i in range(50, 2000, 200):
        cells[i] = cells[i] + " " + IDENTIFIER_SNIPPETS[i // 200 % len(IDENTIFIER_SNIPPETS)]
    found = DETECTOR.scan_cells(pl.Series(cells))
    assert comparable(found) == comparable(per_cell(cells))
    assert sum(found.health.values()) >= 20


def test_cells_get_no_prose_pass_whole_texts_do() -> None:
    cell = "Appel de MARTIN Sophie au 06 12 34 56 78"
    assert "PERSON_NAME" not in DETECTOR.scan_cells(pl.Series([cell])).entities
    assert "PERSON_NAME" in {m.entity for m in DETECTOR.scan(cell).matches}
