"""Message and text formats (FHIR, HL7 v2, HPRIM Santé, HPRIM Net, PDF, text) read back
with independent minimal parsers (``formats_recount``) and recounted with python-stdnum and
phonenumbers: every entity's count, distinct and invalid figures, the health categories and
the records equal the truth exactly."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from formats_recount import RECOUNT
from pypdf import PdfReader
from stdnum.fr import nir as stdnum_nir

# -- the tests --------------------------------------------------------------------------------

DIRTY = {"nir_typo_rate": 0.05, "nnp_rate": 0.03, "nir_mixed_rate": 0.4,
         "health_note_rate": 0.3, "comment_phone_rate": 0.3, "missing_rate": 0.1}
CASES: list[tuple[str, dict[str, Any]]] = [
    ("hl7", {"seed": 41}),
    ("hl7", {"seed": 42, "hl7_mllp": True, "encoding": "utf-8", "nir_layout": "split", **DIRTY}),
    ("hprim", {"seed": 43}),
    ("hprim", {"seed": 44, "crlf": False, "nir_layout": "split", **DIRTY}),
    ("hprim-net", {"seed": 45}),
    ("hprim-net", {"seed": 46, "encoding": "latin-1", **DIRTY}),
    ("fhir", {"seed": 47}),
    ("fhir", {"seed": 48, "nir_layout": "split", **DIRTY}),
    ("pdf", {"seed": 49, **DIRTY}),
    ("txt", {"seed": 50}),
    ("txt", {"seed": 51, "crlf": False, "encoding": "utf-8-sig", **DIRTY}),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]['seed']}")
def test_recount_matches_truth_exactly(synth_export: Any, case: tuple[str, dict[str, Any]]
                                       ) -> None:
    fmt, extra = case
    path, truth = synth_export(format=fmt, patients=1200, chunk_size=500, **extra)
    assert "columns" not in truth and truth["fields"]
    if truth["encoding"] == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    tally = RECOUNT[fmt](path, truth)
    tally.check(truth)
    assert truth["entities"]["NIR"]["count"] > 0
    if extra.get("nir_typo_rate"):
        assert truth["entities"]["NIR"]["invalid"] > 0
        assert truth["entities"]["NNP"]["count"] > 0


def test_hprim_long_records_continue_on_a_lines(synth_export: Any) -> None:
    path, truth = synth_export(format="hprim", patients=1200, chunk_size=500, seed=43)
    text = path.read_bytes().decode(truth["encoding"])
    assert "\r\nA|" in text


def test_hl7_messages_follow_the_ins_convention(synth_export: Any) -> None:
    path, truth = synth_export(format="hl7", patients=1200, chunk_size=500, seed=41)
    raw = path.read_bytes().decode(truth["encoding"])
    kinds = Counter(re.findall(r"^MSH(?:\|[^|\r]*){7}\|([A-Z]{3}\^[A-Z0-9]{3})", raw, re.MULTILINE))
    assert set(kinds) == {"ORU^R01", "ADT^A04"} and kinds["ORU^R01"] > 4 * kinds["ADT^A04"]
    ins = re.findall(r"(\d{15})\^\^\^ASIP-SANTE-INS-NIR&1\.2\.250\.1\.213\.1\.4\.8&ISO\^INS", raw)
    assert ins and all(stdnum_nir.is_valid(v) for v in ins)
    assert re.search(r"\^\^\^\^\^\^ASIP-SANTE-PS&1\.2\.250\.1\.71\.4\.2\.1&ISO\^D\^\^\^RPPS", raw)
    assert "BDL" in raw and "\rNTE|1|L|" in raw


def test_pdf_opens_and_has_several_reports_per_page(synth_export: Any) -> None:
    path, truth = synth_export(format="pdf", patients=1200, chunk_size=500, seed=49, **DIRTY)
    reader = PdfReader(path)
    assert 2 * len(reader.pages) < truth["records"] < 6 * len(reader.pages)
    text = reader.pages[0].extract_text()
    assert re.search(r"N° SS : \d \d\d \d\d [\dAB]{2} \d{3} \d{3} \d\d", text)
