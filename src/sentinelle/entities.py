"""Stable entity ids and health categories (the contract in DESIGN.md).

The string values are what reports, SARIF rules and users rely on: never rename them.
"""

from __future__ import annotations

from enum import StrEnum


class Entity(StrEnum):
    NIR = "NIR"
    NIR_NO_KEY = "NIR_NO_KEY"
    NNP = "NNP"
    RPPS = "RPPS"
    ADELI = "ADELI"
    FINESS = "FINESS"
    AM_NUMBER = "AM_NUMBER"
    SIREN = "SIREN"
    SIRET = "SIRET"
    IBAN = "IBAN"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    BLOOD_GROUP = "BLOOD_GROUP"
    PERSON_NAME = "PERSON_NAME"
    ADDRESS = "ADDRESS"
    POSTAL_CODE = "POSTAL_CODE"
    CREDENTIAL = "CREDENTIAL"
    HEALTH = "HEALTH"


class HealthCategory(StrEnum):
    HIV = "HIV"
    PREGNANCY = "PREGNANCY"
    DEAFNESS = "DEAFNESS"
    HEPATITIS = "HEPATITIS"
    CANCER = "CANCER"
    DIABETES = "DIABETES"
    MENTAL_HEALTH = "MENTAL_HEALTH"
    TREATMENT = "TREATMENT"
    OTHER_HEALTH = "OTHER_HEALTH"


class RiskLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RISK_ORDER.index(self)


_RISK_ORDER = [RiskLevel.NONE, RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL]

__all__ = ["Entity", "HealthCategory", "RiskLevel"]
