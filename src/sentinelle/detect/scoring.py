"""Validate a candidate with its identifier module and give it a confidence.

The confidence of a candidate depends on three things (Presidio's recipe, with French
rules): how strong its own check is, how it is written, and the context words around it
(:mod:`sentinelle.detect.context`). The table :data:`POLICIES` holds, per entity, the
confidence of a valid and of an invalid candidate without context, with a positive
context word nearby, and with a negative one winning. A detector keeps matches whose
confidence reaches its ``min_confidence`` (0.5 by default). In short:

- NIR: key + strict structure counts on its own (0.8 compact, 0.9 written with
  separators); key with only the lenient structure counts when written with separators
  (0.6); a strict-structure NIR with a wrong key is reported *invalid* (0.6). "n° SS",
  "NIR", "sécu"... make it 0.99; "Commande n°", "facture", "colis"... make it 0.2, so
  ``Commande n° 185037510002397`` is not a NIR even though its key is right.
- RPPS, ADELI, FINESS, SIREN, SIRET: the Luhn key passes one random number in ten, so
  they count only with a positive word nearby ("RPPS", "Dr", "FINESS", "SIRET"...).
- NIR body without key, NNP and dates of birth have no key at all: context only.
- IBAN (mod 97 key), e-mail and phone (assigned number ranges) count on their own.

Identifier modules are looked up by entity (``sentinelle.identifiers``); a module that is
missing disables its entity instead of failing the scan. Reasons attached to a verdict
name the checks and context words, never the value.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from sentinelle.detect.context import context_of, rule
from sentinelle.detect.patterns import EntityPattern
from sentinelle.entities import Entity
from sentinelle.errors import IdentifierError, InvalidChecksum
from sentinelle.lexicon.folding import fold


@dataclass(frozen=True, slots=True)
class Policy:
    """Confidences: (no context, positive context, negative context) for valid / invalid.

    An invalid confidence of 0 means "never reported as invalid" in that situation.
    """

    valid: tuple[float, float, float]
    invalid: tuple[float, float, float] = (0.0, 0.0, 0.0)


POLICIES: dict[str, Policy] = {
    Entity.NIR: Policy((0.9, 0.99, 0.2), (0.6, 0.9, 0.1)),  # upper bounds; see _nir()
    Entity.NIR_NO_KEY: Policy((0.2, 0.9, 0.05)),
    Entity.NNP: Policy((0.2, 0.9, 0.05)),
    Entity.RPPS: Policy((0.3, 0.95, 0.05), (0.0, 0.8, 0.0)),
    Entity.ADELI: Policy((0.3, 0.95, 0.05), (0.0, 0.8, 0.0)),
    Entity.FINESS: Policy((0.3, 0.95, 0.05), (0.0, 0.8, 0.0)),
    Entity.SIREN: Policy((0.3, 0.95, 0.05), (0.0, 0.8, 0.0)),
    Entity.SIRET: Policy((0.3, 0.95, 0.05), (0.0, 0.8, 0.0)),
    Entity.IBAN: Policy((0.95, 0.99, 0.6), (0.6, 0.9, 0.3)),
    Entity.PHONE: Policy((0.75, 0.95, 0.2)),  # 0.6 when written as 10 bare digits
    Entity.EMAIL: Policy((0.95, 0.99, 0.95)),
    Entity.DATE_OF_BIRTH: Policy((0.1, 0.9, 0.05), (0.0, 0.7, 0.0)),
    Entity.BLOOD_GROUP: Policy((0.4, 0.95, 0.4)),  # 0.8 with an Rh marker or "groupe"
    Entity.POSTAL_CODE: Policy((0.8, 0.95, 0.5)),
}

_MODULES: dict[str, str] = {
    Entity.NIR: "nir",
    Entity.NIR_NO_KEY: "nir_no_key",
    Entity.NNP: "nnp",
    Entity.RPPS: "rpps",
    Entity.ADELI: "adeli",
    Entity.FINESS: "finess",
    Entity.SIREN: "siren",
    Entity.SIRET: "siret",
    Entity.IBAN: "iban",
    Entity.PHONE: "phone",
    Entity.EMAIL: "email",
    Entity.DATE_OF_BIRTH: "dates",
    Entity.BLOOD_GROUP: "blood_group",
    Entity.POSTAL_CODE: "postal_code",
}
_SEPARATED = re.compile(r"[^0-9A-Za-z]")
_BLOOD_MARKED = re.compile(r"(?i:rh|gr)")
_BLOOD_PREFIX = re.compile(r"(?i:gr)")


@cache
def validator(entity: str) -> ModuleType | None:
    """The identifier module validating ``entity``, or None when it is not installed."""
    name = _MODULES.get(entity)
    if name is None:
        return None
    try:
        return importlib.import_module(f"sentinelle.identifiers.{name}")
    except ImportError:
        return None


def missing_validators() -> list[str]:
    """Entities searched in text whose identifier module is missing (they are skipped)."""
    return sorted(e for e in _MODULES if validator(e) is None)


@dataclass(frozen=True, slots=True)
class Verdict:
    valid: bool
    normalised: str
    confidence: float
    reasons: tuple[str, ...]


def _check(module: ModuleType, raw: str, **kwargs: bool) -> tuple[str, str | None]:
    """("valid", canonical) / ("invalid", compact) / ("shapeless", None)."""
    try:
        return "valid", module.validate(raw, **kwargs)
    except InvalidChecksum:
        return "invalid", module.compact(raw)
    except (IdentifierError, ValueError):
        return "shapeless", None


def _pick(triple: tuple[float, float, float], verdict: int) -> float:
    return triple[1] if verdict > 0 else triple[2] if verdict < 0 else triple[0]


def score(
    pattern: EntityPattern,
    text: str,
    start: int,
    end: int,
    *,
    window: int,
    min_confidence: float,
    known: Mapping[str, tuple[str, str | None]] | None = None,
) -> Verdict | None:
    """Validate and score ``text[start:end]`` as ``pattern.entity``; None if dropped.

    ``known`` holds verdicts computed beforehand in one vectorised batch (raw candidate ->
    ``_check``-style status and normalised form), used instead of a per-candidate check.
    """
    entity = pattern.entity
    module = validator(entity)
    policy = POLICIES.get(entity)
    if module is None or policy is None:
        return None
    best_possible = max(policy.valid[1], policy.invalid[1], policy.valid[0], policy.invalid[0])
    if best_possible < min_confidence:
        return None
    raw = text[start:end]
    no_context_best = max(policy.valid[0], policy.invalid[0])
    if entity == Entity.BLOOD_GROUP and _BLOOD_MARKED.search(raw):
        no_context_best = 0.8
    if no_context_best < min_confidence:
        # Only a positive context word can make it count: look for one before anything else.
        r = rule(entity)
        if r.positive is None:
            return None
        before = fold(text[max(0, start - window) : start])
        after = fold(text[end : end + window].split("\n", 1)[0])
        if r.positive.search(before) is None and r.positive.search(after) is None:
            return None
    ctx = context_of(entity, text, start, end, window)
    verdict = ctx.verdict
    reasons: list[str] = []
    if verdict > 0:
        reasons.append(f"context+:{ctx.positive_word}")
    elif verdict < 0:
        reasons.append(f"context-:{ctx.negative_word}")
    separated = bool(_SEPARATED.search(raw))

    if entity == Entity.NIR:
        return _nir(module, raw, verdict, separated, reasons, min_confidence)

    kwargs: dict[str, bool] = {}
    if entity == Entity.BLOOD_GROUP and _BLOOD_PREFIX.search(raw):
        kwargs["bare_abo"] = True
    if known is not None and not kwargs and raw in known:
        status, normalised = known[raw]
    else:
        status, normalised = _check(module, raw, **kwargs)
    if status == "shapeless" and entity == Entity.DATE_OF_BIRTH and verdict > 0:
        status, normalised = "invalid", raw.strip()  # an impossible date next to "né le"
    if status == "shapeless" or normalised is None:
        return None
    if status == "valid":
        confidence = _pick(policy.valid, verdict)
        reasons.append("check")
        if entity == Entity.PHONE and verdict == 0 and not separated and raw.startswith("0"):
            confidence = 0.6
        if entity == Entity.BLOOD_GROUP and verdict == 0 and _BLOOD_MARKED.search(raw):
            confidence = 0.8
            reasons.append("rh-or-groupe")
    else:
        confidence = _pick(policy.invalid, verdict)
        reasons.append("check-failed")
    if confidence < min_confidence:
        return None
    return Verdict(status == "valid", normalised, confidence, tuple(reasons))


def _nir(
    module: ModuleType,
    raw: str,
    verdict: int,
    separated: bool,
    reasons: list[str],
    min_confidence: float,
) -> Verdict | None:
    status, normalised = _check(module, raw, strict=True)
    form = "separated" if separated else "compact"
    if status == "valid":
        triple = (0.9 if separated else 0.8, 0.99, 0.2)
        valid, why = True, ("key", "structure", form)
    elif status == "invalid":
        triple = (0.6, 0.9, 0.1)
        valid, why = False, ("key-failed", "structure", form)
    else:
        status, normalised = _check(module, raw, strict=False)
        if status == "valid":
            triple = (0.6 if separated else 0.35, 0.9, 0.1)
            valid, why = True, ("key", "lenient-structure", form)
        elif status == "invalid":
            triple = (0.1, 0.8, 0.0)
            valid, why = False, ("key-failed", "lenient-structure", form)
        else:
            return None
    confidence = _pick(triple, verdict)
    if normalised is None or confidence < min_confidence:
        return None
    return Verdict(valid, normalised, confidence, (*reasons, *why))


__all__ = ["POLICIES", "Policy", "Verdict", "missing_validators", "score", "validator"]
