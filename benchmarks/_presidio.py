"""Presidio as a peer: the fairest French setup we could build, and its entity mapping.

Presidio (``presidio-analyzer``) has no French recogniser of its own for the NIR, and its
predefined pattern recognisers are registered for English only. The engine built here:

- spaCy ``fr_core_news_sm`` as the NLP engine (``PER``/``LOC``/``ORG`` named entities,
  reported as ``PERSON``/``LOCATION``/``ORGANIZATION``);
- the predefined e-mail, phone (region FR), IBAN and date recognisers, re-registered for
  ``fr``;
- ``FR_NIR``: a ``PatternRecognizer`` with the NIR regex (compact, spaced, dotted or
  hyphenated; Corsica ``2A``/``2B``) whose ``validate_result`` checks the key
  (97 - N mod 97, ``2A``->19, ``2B``->18), and French context words.

:data:`ENTITY_MAP` maps Presidio's entity types onto Sentinelle's entity ids.
``analyze_texts`` runs the batch analyser (spaCy ``nlp.pipe``) and returns, per text, the
mapped ``(entity, start, end)`` spans. Only the benchmarks import this module (Presidio is
in the ``bench`` and ``test`` extras, not a dependency of Sentinelle).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Presidio entity type -> Sentinelle entity id (types not listed are ignored)
ENTITY_MAP: dict[str, str] = {
    "FR_NIR": "NIR",
    "PERSON": "PERSON_NAME",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "IBAN_CODE": "IBAN",
    "DATE_TIME": "DATE_OF_BIRTH",
    "LOCATION": "ADDRESS",
}
NIR_REGEX = (r"\b[1-478][ .-]?\d{2}[ .-]?\d{2}[ .-]?(?:\d{2}|2[ABab])[ .-]?\d{3}"
             r"[ .-]?\d{3}[ .-]?\d{2}\b")
NIR_CONTEXT = ["sécu", "secu", "nir", "nss", "ss", "sécurité", "sociale", "insee", "matricule"]
_SEPARATORS = re.compile(r"[ .-]")


def nir_key_ok(text: str) -> bool:
    """True when ``text`` (a NIR as written) has the right key: 97 - (N mod 97)."""
    compact = _SEPARATORS.sub("", text).upper()
    if len(compact) != 15 or not compact[13:].isdigit():
        return False
    body = compact[:13].replace("2A", "19", 1).replace("2B", "18", 1)
    if not body.isdigit():
        return False
    return 97 - int(body) % 97 == int(compact[13:])


def nir_recognizer() -> Any:
    """The custom ``FR_NIR`` recogniser (a Presidio ``PatternRecognizer``)."""
    from presidio_analyzer import Pattern, PatternRecognizer

    class FrNirRecognizer(PatternRecognizer):  # type: ignore[misc]
        def validate_result(self, pattern_text: str) -> bool:
            return nir_key_ok(pattern_text)

    return FrNirRecognizer(supported_entity="FR_NIR", supported_language="fr",
                           patterns=[Pattern("nir", NIR_REGEX, 0.5)], context=NIR_CONTEXT)


def build_engine(*, spacy_model: str = "fr_core_news_sm") -> Any:
    """A Presidio ``AnalyzerEngine`` for French (see the module docstring)."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        DateRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
    )

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "fr", "model_name": spacy_model}],
    })
    registry = RecognizerRegistry(supported_languages=["fr"])
    registry.add_recognizer(SpacyRecognizer(supported_language="fr"))
    registry.add_recognizer(EmailRecognizer(supported_language="fr"))
    registry.add_recognizer(PhoneRecognizer(supported_language="fr", supported_regions=("FR",),
                                            context=["tél", "tel", "portable", "téléphone"]))
    registry.add_recognizer(IbanRecognizer(supported_language="fr"))
    registry.add_recognizer(DateRecognizer(supported_language="fr"))
    registry.add_recognizer(nir_recognizer())
    return AnalyzerEngine(registry=registry, nlp_engine=provider.create_engine(),
                          supported_languages=["fr"])


@dataclass(frozen=True, slots=True)
class Span:
    entity: str  # Sentinelle entity id
    start: int
    end: int
    score: float


def analyze_texts(engine: Any, texts: Sequence[str], *, batch_size: int = 64,
                  threshold: float = 0.4) -> list[list[Span]]:
    """Mapped spans found in each text (Presidio's batch analyser, spaCy ``nlp.pipe``)."""
    from presidio_analyzer import BatchAnalyzerEngine

    batch = BatchAnalyzerEngine(analyzer_engine=engine)
    out: list[list[Span]] = []
    results: Iterable[Any] = batch.analyze_iterator(list(texts), language="fr",
                                                    batch_size=batch_size,
                                                    score_threshold=threshold)
    for found in results:
        spans = [Span(ENTITY_MAP[r.entity_type], r.start, r.end, r.score)
                 for r in found if r.entity_type in ENTITY_MAP]
        out.append(spans)
    return out




# -- what Presidio is given, per format ----------------------------------------------------

MAX_TEXT = 2000  # characters per text given to Presidio (long SQL lines are cut)


def _cut(line: str) -> list[str]:
    return [line[i:i + MAX_TEXT] for i in range(0, len(line), MAX_TEXT)] if line else []


def units_of(path: str, encoding: str | None = None, delimiter: str | None = None
             ) -> list[list[str]]:
    """The texts Presidio analyses for one file, grouped in units (a row's cells for tables,
    a line or a piece of a long line of at most ``MAX_TEXT`` characters for text, a page's
    lines for PDF). Tables go cell by cell, as Presidio's own
    structured-data analyser (``BatchAnalyzerEngine.analyze_dict``) does."""
    import polars as pl

    suffix = path.rsplit(".", 1)[-1].lower()
    if suffix in ("csv", "tsv"):
        frame = pl.read_csv(path, infer_schema=False, separator=delimiter or ";",
                            encoding="utf8-lossy")
        return [[c for c in row if c] for row in frame.iter_rows()]
    if suffix == "json":
        frame = pl.read_json(path, infer_schema_length=None)
        return [[str(c) for c in row if c not in (None, "")] for row in frame.iter_rows()]
    if suffix == "xlsx":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(path)
        units = []
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            units += [[str(c) for c in row if c not in (None, "")] for row in rows[1:]]
        return units
    if suffix == "pdf":
        import pypdf

        pages = [p.extract_text() or "" for p in pypdf.PdfReader(path).pages]
        return [[t for line in page.splitlines() for t in _cut(line)] for page in pages]
    with open(path, "rb") as f:
        text = f.read().decode(encoding or "utf-8", errors="replace")
    # one unit per piece: a SQL dump's multi-row INSERT is one line of hundreds of KB
    return [[piece] for line in text.splitlines() if line.strip() for piece in _cut(line)]


__all__ = ["ENTITY_MAP", "MAX_TEXT", "NIR_REGEX", "Span", "analyze_texts", "build_engine",
           "nir_key_ok", "nir_recognizer", "units_of"]
