"""Self-contained HTML report: one file, inline CSS, no script, no external asset.

Everything interpolated is escaped; values appear only when the scan ran with
``--show-values``.
"""

from __future__ import annotations

from html import escape

from sentinelle.report.model import FileReport, ScanReport

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2330}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.muted{color:#667}.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #dde;border-radius:8px;padding:.7rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f7fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.risk{display:inline-block;border-radius:4px;padding:0 .45rem;font-weight:600;color:#fff}
.critical{background:#8b0000}.high{background:#d0342c}.medium{background:#e08a00}
.low{background:#4f7cac}.none{background:#8a9}
details{margin:.4rem 0 1rem}summary{cursor:pointer;font-weight:600}
code{background:#f3f3f6;padding:0 .25rem;border-radius:3px}
"""


def _risk(level: str) -> str:
    return f'<span class="risk {escape(level)}">{escape(level)}</span>'


def _file_section(f: FileReport) -> str:
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td class=n>{v.count:,}</td><td class=n>{v.distinct:,}</td>"
        f"<td class=n>{v.invalid:,}</td></tr>"
        for k, v in sorted(f.entities.items())
    )
    health = "".join(
        f"<tr><td>{escape(k)}</td><td class=n>{v:,}</td></tr>" for k, v in sorted(f.health.items())
    )
    cols = "".join(
        f"<tr><td class=n>{c.index}</td><td>{escape(c.name or '')}</td>"
        f"<td>{escape(c.entity or '')}</td><td class=n>{c.confidence:.2f}</td>"
        f"<td class=n>{c.valid_ratio:.1%}</td><td><code>{escape(c.preview or '')}</code></td></tr>"
        for c in f.columns
        if c.entity
    )
    errors = "".join(f"<li>{escape(e)}</li>" for e in f.errors)
    parts = [
        f"<details{' open' if f.risk in ('critical', 'high') else ''}><summary>"
        f"{escape(f.path)} {_risk(str(f.risk))} <span class=muted>{escape(f.format or '?')}, "
        f"{f.records:,} records, score {f.score:.2f}</span></summary>"
    ]
    if rows:
        parts.append("<table><tr><th>Entity</th><th>Count</th><th>Distinct</th><th>Invalid</th>"
                     f"</tr>{rows}</table>")
    if health:
        parts.append(f"<table><tr><th>Health category</th><th>Mentions</th></tr>{health}</table>")
    if cols:
        parts.append("<table><tr><th>#</th><th>Column</th><th>Entity</th><th>Confidence</th>"
                     f"<th>Valid</th><th>Preview</th></tr>{cols}</table>")
    if errors:
        parts.append(f"<p>Errors:</p><ul>{errors}</ul>")
    if f.values:
        shown = "".join(
            f"<li>{escape(k)}: {escape(', '.join(v[:20]))}</li>" for k, v in f.values.items()
        )
        parts.append(f"<p>Values (--show-values):</p><ul>{shown}</ul>")
    parts.append("</details>")
    return "".join(parts)


def to_html(report: ScanReport) -> str:
    d = report.to_dict()["summary"]
    totals: dict[str, int] = {}
    for f in report.files:
        for k, v in f.entities.items():
            totals[k] = totals.get(k, 0) + v.count
    total_rows = "".join(
        f"<tr><td>{escape(k)}</td><td class=n>{v:,}</td></tr>" for k, v in sorted(totals.items())
    )
    incomplete = "".join(
        f"<li><code>{escape(i['path'])}</code>: {escape(i['reason'])}</li>"
        for i in report.incomplete
    )
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3, "none": 4}
    files = sorted(report.files, key=lambda f: (order[str(f.risk)], f.path))
    return (
        "<!doctype html><html lang=fr><head><meta charset=utf-8>"
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        f"<title>Sentinelle scan report</title><style>{_CSS}</style></head><body>"
        f"<h1>Sentinelle scan report {_risk(d['risk'])}</h1>"
        f"<p class=muted>sentinelle {escape(report.version)} · {report.elapsed:.2f} s</p>"
        "<div class=cards>"
        f"<div class=card><b>{d['files']:,}</b>files scanned</div>"
        f"<div class=card><b>{d['files_with_findings']:,}</b>with patient data</div>"
        f"<div class=card><b>{d['bytes'] / 1e6:,.1f} MB</b>read</div>"
        f"<div class=card><b>{len(report.incomplete):,}</b>incomplete</div></div>"
        + (f"<h2>Entities found</h2><table><tr><th>Entity</th><th>Count</th></tr>{total_rows}"
           "</table>" if total_rows else "")
        + (f"<h2>Incomplete coverage</h2><ul>{incomplete}</ul>" if incomplete else "")
        + "<h2>Files</h2>"
        + "".join(_file_section(f) for f in files)
        + "</body></html>"
    )


__all__ = ["to_html"]
