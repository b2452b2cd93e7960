"""Inline SVG charts for ``report.html`` (hand-written: no plotting dependency, no script).

Each chart is one ``<svg data-chart="NAME" role="img">`` with a ``<title>`` and one
``<rect class="mark" data-label=... data-value=...>`` per bar, so a browser test can check
that it rendered and a reader of the source can see the numbers. All text is escaped.
"""

from __future__ import annotations

from html import escape

from sentinelle.assess.labels import fr_int

BAR = 22  # height of a horizontal bar row, px
LABEL_W = 300  # width reserved for labels of horizontal bars
WIDTH = 760


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _empty(name: str, title: str) -> str:
    return (f'<svg data-chart="{_attr(name)}" role="img" width="{WIDTH}" height="40" '
            f'viewBox="0 0 {WIDTH} 40" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(title)}</title>"
            '<text x="8" y="24" class="empty">aucune donnée</text></svg>')


def _short(label: str, limit: int = 44) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def hbar(name: str, title: str, items: list[tuple[str, int]], *, unit: str = "") -> str:
    """Horizontal bars, one row per ``(label, value)``, in the given order."""
    items = [(label, int(v)) for label, v in items]
    if not items:
        return _empty(name, title)
    top = max(v for _, v in items) or 1
    span = WIDTH - LABEL_W - 90
    height = BAR * len(items) + 10
    parts = [(f'<svg data-chart="{_attr(name)}" role="img" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'),
             f"<title>{escape(title)}</title>"]
    for i, (label, value) in enumerate(items):
        y = 5 + i * BAR
        w = max(1.0, span * value / top) if value else 0.0
        tip = f"{label} : {fr_int(value)}{unit}"
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + BAR * 0.68:.1f}" text-anchor="end" '
            f'class="lbl">{escape(_short(label))}</text>'
            f'<rect class="mark" x="{LABEL_W}" y="{y + 3}" width="{w:.1f}" height="{BAR - 6}" '
            f'data-label="{_attr(label)}" data-value="{value}"><title>{escape(tip)}</title></rect>'
            f'<text x="{LABEL_W + w + 6:.1f}" y="{y + BAR * 0.68:.1f}" class="val">'
            f"{escape(fr_int(value))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def columns(name: str, title: str, items: list[tuple[str, int]], *, every: int = 0) -> str:
    """Vertical columns (a histogram, e.g. records per month), labels every ``every`` bars
    (``0``: chosen to keep about twelve labels)."""
    items = [(label, int(v)) for label, v in items]
    if not items:
        return _empty(name, title)
    top = max(v for _, v in items) or 1
    left, bottom, height = 60, 40, 260
    plot_h = height - bottom - 20
    step = (WIDTH - left - 10) / len(items)
    every = every or max(1, round(len(items) / 12))
    parts = [(f'<svg data-chart="{_attr(name)}" role="img" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'),
             f"<title>{escape(title)}</title>",
             (f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{WIDTH - 10}" '
             f'y2="{height - bottom}"/>'),
             (f'<text x="{left - 6}" y="{24}" text-anchor="end" class="val">'
             f"{escape(fr_int(top))}</text>"),
             f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" class="val">0</text>']
    for i, (label, value) in enumerate(items):
        h = max(1.0, plot_h * value / top) if value else 0.0
        x = left + i * step
        tip = f"{label} : {fr_int(value)}"
        parts.append(
            f'<rect class="mark" x="{x + step * 0.1:.2f}" y="{height - bottom - h:.2f}" '
            f'width="{max(step * 0.8, 1):.2f}" height="{h:.2f}" data-label="{_attr(label)}" '
            f'data-value="{value}"><title>{escape(tip)}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 16}" '
                         f'text-anchor="middle" class="tick">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["columns", "hbar"]
