"""Small server-rendered SVG charts: no JavaScript, no CDN, allowed by the strict CSP (SVG
presentation attributes are not inline styles), printable and readable by screen readers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    note: str = ""


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if value <= step:
            return float(step)
    return float(value)


def bar_chart(
    points: Sequence[Point], *, title: str, height: int = 160, unit: str = "", label_every: int = 1
) -> SafeString:
    """A vertical bar chart; each bar has a <title> tooltip and the chart a text alternative."""
    if not points:
        return mark_safe(f'<p class="muted">{escape(title)}: no data yet.</p>')  # noqa: S308
    width = max(320, 28 * len(points))
    top, bottom, left = 12, 28, 34
    plot_h = height - top - bottom
    bar_w = (width - left) / len(points)
    ceiling = _nice_max(max(p.value for p in points))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">'
            f"{ceiling * fraction:g}</text>"
        )
    for index, point in enumerate(points):
        bar_h = plot_h * point.value / ceiling
        x = left + index * bar_w + bar_w * 0.15
        y = top + plot_h - bar_h
        tooltip = f"{point.label}: {point.value:g}{unit}" + (
            f" — {point.note}" if point.note else ""
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.7:.1f}" height="{bar_h:.1f}" '
            f'class="bar"><title>{escape(tooltip)}</title></rect>'
        )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w * 0.35:.1f}" y="{height - 10}" class="axis" '
                f'text-anchor="middle">{escape(point.label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above
