"""Triage of a leaked dump (``sentinelle assess``): how many persons, which data, how bad.

    from sentinelle.assess import assess, write_outputs
    result = assess(["dump.csv", "lot2/"])
    result.persons, result.to_dict()["severity"]
    write_outputs(result, "out/")  # assessment.json, report.html, art33.md, art33.pdf

Modules: ``roles`` (which column is the patient's name, sex, sampling date...),
``records`` (one normalised record per row), ``linkage`` (records -> persons),
``assessment`` (the figures, ``assessment.json`` schema ``sentinelle.assess/1``),
``report_html`` and ``charts`` (the self-contained HTML report with inline SVG),
``art33`` (the GDPR Art. 33 notification draft), ``pdfdoc`` (Markdown subset -> PDF),
``labels`` (French wording) and ``outputs`` (writes the files).
"""

from __future__ import annotations

from sentinelle.assess.assessment import (
                                          SCHEMA,
                                          AssessConfig,
                                          Assessment,
                                          Collected,
                                          assess,
                                          assess_collected,
                                          collect,
)
from sentinelle.assess.linkage import Linkage, link
from sentinelle.assess.outputs import AssessOutputs, write_outputs

__all__ = ["SCHEMA", "AssessConfig", "AssessOutputs", "Assessment", "Collected", "Linkage",
           "assess", "assess_collected", "collect", "link", "write_outputs"]
