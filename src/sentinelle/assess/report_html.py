"""``report.html``: the assessment as one self-contained page for a crisis meeting.

Built only from the ``assessment.json`` dictionary (so it can be re-rendered from the
file), it holds counts, shares, establishment FINESS numbers and names, département
codes and file names: never a patient value. No external asset, no script: the charts are
inline SVG (``assess.charts``) and the style sheet is embedded. Every headline figure
carries ``data-metric`` and ``data-value`` attributes (the raw JSON value) for tests and
for copy into other documents. All text is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sentinelle.assess.charts import columns, hbar
from sentinelle.assess.labels import (
    AUTHENTICITY,
    CATEGORY_LABELS,
    RULE_LABELS,
    SEVERITY_LABELS,
    basis_text,
    factor_text,
    fr_int,
    fr_share,
)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:0 auto;max-width:1000px;padding:24px;color:#1d2433;background:#fff}
h1{margin:0 0 4px}h2{margin-top:36px;border-bottom:2px solid #e3e7ef;padding-bottom:4px}
.sub{color:#5b6475;margin:0 0 20px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.kpi{border:1px solid #d8dde8;border-radius:8px;padding:12px;background:#f7f9fc}
.kpi .num{display:block;font-size:26px;font-weight:700}.kpi.date .num{font-size:19px}.kpi .lbl{color:#5b6475;font-size:13px}
.sev{border-radius:8px;padding:12px 16px;margin:16px 0;border:1px solid}
.sev-critical{background:#fde8e8;border-color:#c81e1e}.sev-high{background:#fff1e6;border-color:#d9480f}
.sev-medium{background:#fff9db;border-color:#e6a700}.sev-low,.sev-none{background:#eef6ee;border-color:#2f9e44}
table{border-collapse:collapse;margin:8px 0 16px;min-width:50%}
th,td{border:1px solid #d8dde8;padding:4px 10px;text-align:left}td.n{text-align:right}
th{background:#eef1f7}svg{display:block;margin:8px 0;max-width:100%;height:auto}
svg .mark{fill:#3b5bdb}svg .lbl,svg .val,svg .tick,svg .empty{font-size:12px;fill:#1d2433}
svg .axis{stroke:#8a93a6}.warn{color:#c81e1e;font-weight:600}.ok{color:#2f9e44}
.note{color:#5b6475;font-size:13px}
"""

def _kpi(metric: str, value: object, shown: str, label: str) -> str:
    kind = "kpi date" if metric.startswith("date_") else "kpi"
    return (f'<div class="{kind}" data-metric="{escape(metric, True)}" '
            f'data-value="{escape(str(value), True)}"><span class="num">{escape(shown)}</span>'
            f'<span class="lbl">{escape(label)}</span></div>')


def _table(head: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(
            f'<td class="n">{escape(c)}</td>' if i in numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _source_label(key: str, src: dict[str, Any]) -> str:
    if src.get("kind") == "lab":
        return f"{src.get('name') or 'laboratoire'} ({src.get('finess') or key})"
    return key if len(key) <= 44 else "…" + key[-43:]  # keep the file name end


def headline(data: dict[str, Any]) -> dict[str, Any]:
    """The headline figures, as they appear in ``data-value`` attributes."""
    dates = data.get("date_range") or {}
    return {
        "persons": data["persons"], "records": data["records"], "files": data["files"],
        "sources": len(data.get("by_source") or {}),
        "departements": len((data.get("by_departement") or {}).get("persons") or {}),
        "date_min": dates.get("min") or "", "date_max": dates.get("max") or "",
        "severity": data["severity"]["level"],
    }


def _headline_html(data: dict[str, Any]) -> str:
    h = headline(data)
    sev = str(h["severity"])
    return "".join([
        '<section class="kpis" id="headline">',
        _kpi("persons", h["persons"], fr_int(h["persons"]), "personnes distinctes (rapprochement)"),
        _kpi("records", h["records"], fr_int(h["records"]), "enregistrements"),
        _kpi("files", h["files"], fr_int(h["files"]), "fichiers"),
        _kpi("sources", h["sources"], fr_int(h["sources"]), "sources (laboratoires ou fichiers)"),
        _kpi("departements", h["departements"], fr_int(h["departements"]), "départements"),
        _kpi("date_min", h["date_min"], h["date_min"] or "-", "premier prélèvement"),
        _kpi("date_max", h["date_max"], h["date_max"] or "-", "dernier prélèvement"),
        _kpi("severity", sev, SEVERITY_LABELS.get(sev, sev), "gravité"),
        "</section>",
    ])


def _severity_html(data: dict[str, Any]) -> str:
    sev = data["severity"]
    level = str(sev["level"])
    factors = sev.get("factors")
    reasons = ([factor_text(f) for f in factors] if factors is not None
               else [str(r) for r in sev.get("reasons", [])])
    items = "".join(f"<li>{escape(r)}</li>" for r in reasons) or "<li>aucun facteur</li>"
    return (f'<div class="sev sev-{escape(level, True)}" id="severity"><strong>Gravité : '
            f"{escape(SEVERITY_LABELS.get(level, level))}</strong><ul>{items}</ul></div>")


def _charts(data: dict[str, Any]) -> str:
    sources = sorted((data.get("by_source") or {}).items(), key=lambda kv: -kv[1]["records"])
    depts = (data.get("by_departement") or {})
    months = sorted(((data.get("date_range") or {}).get("by_month") or {}).items())
    cats = [(CATEGORY_LABELS.get(k, k), v) for k, v in (data.get("categories") or {}).items()
            if v]
    cats.sort(key=lambda kv: -kv[1])
    basis = basis_text(depts.get("basis"))
    return "".join([
        "<h2>Enregistrements par source</h2>",
        hbar("records-by-source", "Enregistrements par laboratoire ou fichier",
             [(_source_label(k, v), v["records"]) for k, v in sources]),
        f"<h2>Personnes par département</h2><p class=\"note\">Base : {escape(basis)}</p>",
        hbar("persons-by-departement", "Personnes par département",
             sorted((depts.get("persons") or {}).items())),
        "<h2>Chronologie des prélèvements</h2>",
        columns("timeline", "Enregistrements par mois de prélèvement", months),
        "<h2>Personnes par catégorie de données</h2>",
        hbar("persons-by-category", "Personnes concernées par catégorie de données", cats),
    ])


def _tables(data: dict[str, Any]) -> str:
    sources = sorted((data.get("by_source") or {}).items())
    src_rows = [[v.get("finess") or "-", v.get("name") or k if v.get("kind") == "lab" else k,
                 fr_int(v["records"]), fr_int(v["persons"])] for k, v in sources]
    depts = data.get("by_departement") or {}
    d_rows = [[code, fr_int(n), fr_int((depts.get("records") or {}).get(code))]
              for code, n in sorted((depts.get("persons") or {}).items())]
    crec = data.get("category_records") or {}
    c_rows = [[CATEGORY_LABELS.get(k, k), fr_int(v), fr_int(crec.get(k))]
              for k, v in (data.get("categories") or {}).items()]
    link = data.get("linkage") or {}
    l_rows = [[RULE_LABELS.get(k, k), fr_int(v)] for k, v in (link.get("by_rule") or {}).items()]
    l_rows.append(["incertaines (à vérifier)", fr_int(link.get("uncertain"))])
    auth = data.get("authenticity") or {}
    a_rows = []
    for key, indicator in AUTHENTICITY.items():
        value = auth.get(key)
        verdict = "-" if value is None else ("normal" if indicator.genuine(value) else "à vérifier")
        a_rows.append([indicator.label, fr_share(value), verdict, indicator.note])
    errors = [[e.get("path", ""), e.get("reason", "")] for e in data.get("errors") or []]
    return "".join([
        "<h2>Sources</h2>",
        _table(["FINESS", "Laboratoire / fichier", "Enregistrements", "Personnes"], src_rows,
               {2, 3}),
        "<h2>Départements</h2>",
        _table(["Département", "Personnes", "Enregistrements"], d_rows, {1, 2}),
        "<h2>Catégories de données</h2>",
        _table(["Catégorie", "Personnes", "Enregistrements"], c_rows, {1, 2}),
        ('<h2>Rapprochement des personnes</h2><p class="note">Les personnes sont comptées '
        "par rapprochement d'enregistrements, non par NIR (un enfant est assuré sur le NIR "
        "d'un parent). Chaque personne est comptée sous la règle la plus faible nécessaire.</p>"),
        _table(["Règle", "Personnes"], l_rows, {1}),
        '<h2 id="authenticity">Indicateurs d\'authenticité</h2>',
        _table(["Indicateur", "Valeur", "Signal", "Lecture"], a_rows, {1}),
        ("<h2>Fichiers non lus</h2>" + _table(["Fichier", "Raison"], errors)) if errors else "",
    ])


def render_report(data: dict[str, Any], *, title: str = "Évaluation d'une fuite de données"
                  ) -> str:
    """The whole page for an ``assessment.json`` dictionary."""
    dates = data.get("date_range") or {}
    span = (f"prélèvements du {dates['min']} au {dates['max']}"
            if dates.get("min") else "aucune date de prélèvement")
    return "".join([
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"),
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        (f'<p class="sub">Sentinelle · schéma {escape(str(data.get("schema", "")))} · '
        f"{escape(span)} · aucune donnée nominative dans ce rapport</p>"),
        _headline_html(data), _severity_html(data), _charts(data), _tables(data),
        "</body></html>\n",
    ])


__all__ = ["headline", "render_report"]
