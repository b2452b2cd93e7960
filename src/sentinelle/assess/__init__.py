"""Triage of a leaked dump (``sentinelle assess``): how many persons, which data, how bad.

    from sentinelle.assess import assess
    result = assess(["dump.csv", "lot2/"])
    result.persons, result.to_dict()["severity"]

Modules: ``roles`` (which column is the patient's name, sex, sampling date...),
``records`` (one normalised record per row), ``linkage`` (records -> persons) and
``assessment`` (the figures, ``assessment.json`` schema ``sentinelle.assess/1``).
"""

from __future__ import annotations

from sentinelle.assess.assessment import SCHEMA, AssessConfig, Assessment, assess
from sentinelle.assess.linkage import Linkage, link

__all__ = ["SCHEMA", "AssessConfig", "Assessment", "Linkage", "assess", "link"]
