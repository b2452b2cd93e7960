"""Property tests required by the issue: generated NIRs in French text are found; a
15-digit string with a wrong key is never counted as a valid NIR."""

from __future__ import annotations

from detect_corpus import NIR_CONTEXT, WRITINGS, neutral_phrases, nir_bodies, valid_nirs, write_nir
from hypothesis import given, settings
from hypothesis import strategies as st

from sentinelle.detect.text import TextDetector
from sentinelle.identifiers import nir

DETECTOR = TextDetector(engine="re")


@settings(max_examples=300, deadline=None)
@given(
    number=valid_nirs(),
    writing=st.sampled_from(WRITINGS),
    context=st.sampled_from(NIR_CONTEXT),
    before=neutral_phrases(),
    after=neutral_phrases(),
    glue=st.sampled_from([" ", " : ", "\u00a0", " = ", "\n"]),
)
def test_generated_valid_nir_in_text_is_found(
    number: str, writing: str, context: str, before: str, after: str, glue: str
) -> None:
    written = write_nir(number, writing)
    text = f"{before} {context}{glue}{written} {after}".strip()
    findings = DETECTOR.scan(text)
    nirs = [m for m in findings.matches if m.entity == "NIR"]
    assert len(nirs) == 1, (writing, context)
    match = nirs[0]
    assert match.valid
    assert match.normalised == number
    assert match.confidence >= 0.9
    assert text[match.start : match.end] == written
    assert findings.stats()["NIR"] == (1, 1, 0)


@settings(max_examples=300, deadline=None)
@given(
    body=st.one_of(nir_bodies(), st.text("0123456789", min_size=13, max_size=13)),
    key_shift=st.integers(1, 96),
    writing=st.sampled_from(WRITINGS),
    context=st.sampled_from(("", *NIR_CONTEXT)),
    after=neutral_phrases(),
)
def test_wrong_key_is_never_a_valid_nir(
    body: str, key_shift: int, writing: str, context: str, after: str
) -> None:
    good = int(nir.calc_key(body))
    wrong = (good - 1 + key_shift) % 97 + 1  # 1..97, never the right key
    assert wrong != good
    number = f"{body}{wrong:02d}"
    text = f"{context} {write_nir(number, writing)} {after}"
    for engine in ("re", "polars"):
        findings = TextDetector(engine=engine).scan(text)
        assert not any(m.entity == "NIR" and m.valid for m in findings.matches)
        assert findings.stats().get("NIR", (0, 0, 0))[0] == 0
