"""HTML rendering: the jinja2 environment (autoescape on), filters, and inline SVG charts.

Charts are inline ``<svg>`` markup built here with presentation attributes and CSS classes
from the app's own stylesheet: no script, no inline style, so the strict CSP holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from sentinelle.inventory.views import ScanPoint

RISK_ORDER = ("critical", "high", "medium", "low", "none")


def _when(value: datetime | None) -> str:
    if value is None:
        return "—"
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M") + (" UTC" if value.tzinfo else "")


def _size(value: int) -> str:
    size = float(value)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{value} B"  # pragma: no cover


def _num(value: float) -> str:
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else f"{value:.2f}"


def _query(params: dict[str, str]) -> str:
    return "?" + urlencode(params) if params else ""


def make_environment() -> Environment:
    env = Environment(loader=PackageLoader("sentinelle.serve", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters.update(when=_when, size=_size, num=_num, query=_query)
    env.globals["RISK_ORDER"] = RISK_ORDER
    return env


def trend_svg(points: Sequence[ScanPoint], width: int = 720, height: int = 200) -> Markup:
    """Stacked bars of files per risk level (critical at the bottom) for each scan, oldest first."""
    points = sorted(points, key=lambda p: p.started_at)[-60:]
    if not points:
        return Markup('<p class="muted">No scan yet.</p>')
    levels = RISK_ORDER[:-1]
    peak = max(1, max(sum(p.by_risk.get(lv, 0) for lv in levels) for p in points))
    left, bottom, top = 48, 22, 10
    plot_w, plot_h = width - left - 8, height - bottom - top
    step = plot_w / len(points)
    bar = max(2.0, min(step * 0.7, 48.0))
    parts = [(f'<svg class="trend" viewBox="0 0 {width} {height}" width="{width}" '
              f'height="{height}" role="img" aria-label="Files at risk per scan">')]
    for frac in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f'{round(peak * frac)}</text>')
    for i, point in enumerate(points):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for level in levels:
            n = point.by_risk.get(level, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            label = escape(f"scan {point.id} ({_when(point.started_at)}): {n} {level}")
            parts.append(f'<rect class="r-{level}" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}"><title>{label}</title></rect>')
    first, last = points[0].started_at, points[-1].started_at
    parts.append(f'<text class="axis" x="{left}" y="{height - 6}">{escape(_when(first))}</text>')
    if len(points) > 1:
        parts.append(f'<text class="axis" x="{width - 8}" y="{height - 6}" text-anchor="end">'
                     f'{escape(_when(last))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def share_svg(counts: dict[str, int], width: int = 720, height: int = 18) -> Markup:
    """One horizontal bar split by risk level (present files)."""
    total = sum(counts.get(level, 0) for level in RISK_ORDER)
    if not total:
        return Markup("")
    parts = [(f'<svg class="share" viewBox="0 0 {width} {height}" width="{width}" '
              f'height="{height}" role="img" aria-label="Files by risk level">')]
    x = 0.0
    for level in RISK_ORDER:
        n = counts.get(level, 0)
        if n:
            w = width * n / total
            parts.append(f'<rect class="r-{level}" x="{x:.1f}" y="0" width="{w:.1f}" '
                         f'height="{height}"><title>{n} {level}</title></rect>')
            x += w
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["RISK_ORDER", "make_environment", "share_svg", "trend_svg"]
