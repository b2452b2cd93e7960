"""Write the files of ``sentinelle assess --out DIR`` (each one atomically).

``assessment.json`` (the contract), ``report.html`` (``assess.report_html``), ``art33.md``
and its PDF rendering ``art33.pdf`` (``assess.art33``, ``assess.pdfdoc``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sentinelle.assess.art33 import render_art33
from sentinelle.assess.assessment import Assessment
from sentinelle.assess.pdfdoc import markdown_pdf
from sentinelle.assess.report_html import render_report
from sentinelle.atomic import write_bytes, write_text
from sentinelle.errors import OutputError


@dataclass(frozen=True, slots=True)
class AssessOutputs:
    """Paths of the files written."""

    assessment: Path
    report: Path
    art33_md: Path
    art33_pdf: Path


def write_outputs(result: Assessment | dict[str, Any], out: str | Path, *,
                  controller: str | None = None, dpo: str | None = None) -> AssessOutputs:
    """Write the four files into ``out`` (created if needed); ``OutputError`` on failure."""
    data = result.to_dict() if isinstance(result, Assessment) else result
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output directory ({exc.strerror})") from None
    paths = AssessOutputs(out / "assessment.json", out / "report.html", out / "art33.md",
                          out / "art33.pdf")
    markdown = render_art33(data, controller=controller, dpo=dpo)
    try:
        write_text(paths.assessment, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        write_text(paths.report, render_report(data))
        write_text(paths.art33_md, markdown)
        write_bytes(paths.art33_pdf, markdown_pdf(
            markdown, title="Notification de violation de données (RGPD art. 33)"))
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the assessment files ({exc})") from None
    return paths


__all__ = ["AssessOutputs", "write_outputs"]
