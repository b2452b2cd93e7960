"""SARIF 2.1.0 output: one rule per entity, one result per (file, column, entity) or text hit.

Schema: https://docs.oasis-open.org/sarif/sarif/v2.1.0/ (OASIS Standard, 2020). Messages
state what was found and how many; they never contain a value.
"""

from __future__ import annotations

from typing import Any

from sentinelle.entities import Entity, RiskLevel
from sentinelle.report.model import ScanReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

_DESCRIPTIONS = {
    Entity.NIR: "French social security number (NIR/NIA/INS matricule)",
    Entity.NIR_NO_KEY: "NIR body without its key (13 characters)",
    Entity.NNP: "Provisional national number (NNP)",
    Entity.RPPS: "Health professional RPPS number",
    Entity.ADELI: "Health professional ADELI number",
    Entity.FINESS: "Health establishment FINESS number",
    Entity.AM_NUMBER: "Health professional Assurance Maladie number",
    Entity.SIREN: "Company SIREN number",
    Entity.SIRET: "Establishment SIRET number",
    Entity.IBAN: "French bank account (IBAN)",
    Entity.PHONE: "Phone number",
    Entity.EMAIL: "E-mail address",
    Entity.DATE_OF_BIRTH: "Date of birth",
    Entity.BLOOD_GROUP: "Blood group (health data)",
    Entity.PERSON_NAME: "Person name",
    Entity.ADDRESS: "Postal address",
    Entity.POSTAL_CODE: "Postal code",
    Entity.CREDENTIAL: "Login or password",
    Entity.HEALTH: "Health information (GDPR Art. 9)",
}
_LEVEL = {
    RiskLevel.CRITICAL: "error", RiskLevel.HIGH: "error", RiskLevel.MEDIUM: "warning",
    RiskLevel.LOW: "note", RiskLevel.NONE: "none",
}


def to_sarif(report: ScanReport) -> dict[str, Any]:
    rules = [
        {
            "id": str(entity),
            "name": str(entity).title().replace("_", ""),
            "shortDescription": {"text": _DESCRIPTIONS[entity]},
            "helpUri": "https://www.cnil.fr/fr/les-donnees-de-sante",
        }
        for entity in Entity
    ]
    index = {str(e): i for i, e in enumerate(Entity)}
    results: list[dict[str, Any]] = []
    for file in report.files:
        for loc in file.locations:
            where = f"column {loc.column}, " if loc.column else ""
            region: dict[str, int] = {"startLine": max(1, loc.line)}
            results.append(
                {
                    "ruleId": loc.entity,
                    "ruleIndex": index.get(loc.entity, 0),
                    "level": _LEVEL[file.risk],
                    "message": {
                        "text": f"{loc.entity}: {loc.count} occurrence(s) ({where}first at "
                        f"line {loc.line}); file risk {file.risk}"
                    },
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": file.path},
                                "region": region,
                            }
                        }
                    ],
                    "properties": {"count": loc.count, "risk": str(file.risk),
                                   "column": loc.column},
                }
            )
    notifications = [
        {"level": "warning", "message": {"text": f"{i['path']}: {i['reason']}"}}
        for i in report.incomplete
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "sentinelle", "version": report.version,
                                    "rules": rules}},
                "results": results,
                "invocations": [{"executionSuccessful": True,
                                 "toolExecutionNotifications": notifications}],
            }
        ],
    }


__all__ = ["to_sarif"]
