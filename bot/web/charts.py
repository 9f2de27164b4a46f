"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable on a phone and printable.

Each chart is sized by a viewBox and scales to its container; labels use the page's font (Sarabun).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

GREEN = "#2e7d32"
ORANGE = "#d97706"
RED = "#c62828"
GREY = "#e5e7eb"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    maximum: float
    caption: str  # what is written at the end of the bar ("3/5", "40%")
    color: str = GREEN


def bars(items: Sequence[Bar], *, title: str) -> Markup:
    """Horizontal bars, one per row: the full label on a line of its own above its bar, the caption at the
    bar's end. (A label beside the bar was clipped at the chart's left edge: the text is right-aligned to the
    bar, and a long Thai title ran out of the viewBox.) A label longer than a line wraps onto a second one."""
    if not items:
        return Markup("")
    width, label_width = 440, 0
    bar_width = width - 56
    lines = [_wrap(item.label, LINE_CHARS) for item in items]
    heights = [18 * len(wrapped) + 30 for wrapped in lines]
    height = sum(heights) + 8
    parts = [
        Markup('<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">').format(
            width, height, title
        ),
        Markup("<title>{}</title>").format(title),
    ]
    top = 4
    for item, wrapped, row in zip(items, lines, heights, strict=True):
        for number, line in enumerate(wrapped):
            parts.append(
                Markup('<text x="4" y="{}" font-size="15" fill="#1f2933">{}</text>').format(
                    top + 14 + 18 * number, line
                )
            )
        y = top + 18 * len(wrapped)
        top += row
        share = 0.0 if item.maximum <= 0 else max(0.0, min(1.0, item.value / item.maximum))
        parts.append(
            Markup(
                '<rect x="{}" y="{}" width="{}" height="20" rx="4" fill="{}"/>'
                '<rect x="{}" y="{}" width="{:.1f}" height="20" rx="4" fill="{}"/>'
                '<text x="{}" y="{}" font-size="15" fill="#1f2933">{}</text>'
            ).format(
                label_width,
                y + 2,
                bar_width,
                GREY,
                label_width,
                y + 2,
                bar_width * share,
                item.color,
                label_width + bar_width + 8,
                y + 16,
                item.caption,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def columns(values: Sequence[tuple[str, int]], *, title: str) -> Markup:
    """Vertical columns over time (e.g. learners active each day), with the count above each column."""
    if not values:
        return Markup("")
    width, height, base = 440, 180, 150
    step = width / len(values)
    top = max(1, max(value for _, value in values))
    parts = [
        Markup('<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">').format(
            width, height, title
        ),
        Markup("<title>{}</title>").format(title),
        Markup('<line x1="0" y1="{0}" x2="{1}" y2="{0}" stroke="#cbd5e1"/>').format(base, width),
    ]
    for index, (label, value) in enumerate(values):
        x = index * step + step * 0.15
        column = (base - 30) * value / top
        parts.append(
            Markup(
                '<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" rx="3" fill="{}"/>'
                '<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-size="13" fill="#1f2933">{}</text>'
                '<text x="{:.1f}" y="{}" text-anchor="middle" font-size="10" fill="#6b7280">{}</text>'
            ).format(
                x,
                base - column,
                step * 0.7,
                column,
                GREEN,
                x + step * 0.35,
                base - column - 4,
                value if value else "",
                x + step * 0.35,
                base + 18,
                label,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def miss_color(rate: int) -> str:
    return RED if rate >= 50 else ORANGE if rate >= 25 else GREEN


LINE_CHARS = 48  # characters of a label on one line of the 440-wide chart at 15 px


def _wrap(text: str, limit: int) -> list[str]:
    """The whole label, broken at spaces into lines of at most `limit` characters where it can be."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines
