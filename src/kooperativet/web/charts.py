"""Charts drawn by the server as SVG: grouped bars per month, and a counter against its thresholds.

Pure functions of the numbers: no JavaScript, no library, and the same numbers are always printed beside the
chart (in a table) for people who read rather than look and for screen readers. Colours differ in lightness
as well as hue so that the series can be told apart in greyscale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

PALETTE = ("#1f5f4a", "#7fb8a4", "#0b5394", "#e0a526", "#a4161a")
#: The drawing's own units. A chart is as wide as the page lets it be: about 324 px on a 390 px phone, at
#: most 26rem (416 px) on a desk (``.chart svg`` in app.css). Its text scales with it, so the font size is
#: chosen for the phone: 15 units of 400 are 12 px there (and 15.6 px at the widest).
WIDTH = 400
HEIGHT = 200
FONT_SIZE = 15
NARROWEST = 324
MARGIN_LEFT = 8
MARGIN_BOTTOM = 28
MARGIN_TOP = 8
COUNTER_HEIGHT = 76
LINE = FONT_SIZE + 3


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: Sequence[Decimal]


def bar_chart(*, title: str, categories: Sequence[str], series: Sequence[Series]) -> Markup:
    """Grouped bars: a group per category (e.g. a month), a bar per series; a negative value draws as 0."""
    top = max((max(s.values, default=Decimal(0)) for s in series), default=Decimal(0))
    scale = top if top > 0 else Decimal(1)
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    group_width = (WIDTH - MARGIN_LEFT) / max(len(categories), 1)
    bar_width = group_width * 0.8 / max(len(series), 1)
    # Labels wider than their group (``mars`` under twelve months) take turns on two lines.
    rows = 2 if max((_text_width(c) for c in categories), default=0) > group_width * 0.9 else 1
    shapes: list[str] = []
    for index, category in enumerate(categories):
        left = MARGIN_LEFT + index * group_width + group_width * 0.1
        for number, one in enumerate(series):
            value = max(one.values[index], Decimal(0)) if index < len(one.values) else Decimal(0)
            height = float(value / scale) * plot_height
            x = left + number * bar_width
            y = MARGIN_TOP + plot_height - height
            shapes.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width * 0.9:.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[number % len(PALETTE)]}"/>'
            )
        shapes.append(
            f'<text x="{left + group_width * 0.4:.1f}" y="{HEIGHT - 8 + index % rows * LINE}" '
            f'text-anchor="middle" font-size="{FONT_SIZE}">{escape(category)}</text>'
        )
    base = MARGIN_TOP + plot_height
    shapes.append(f'<line x1="{MARGIN_LEFT}" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#4a5560"/>')
    return _svg(title, shapes, height=HEIGHT + (rows - 1) * LINE) + legend(series)


def _text_width(text: str) -> float:
    """About how wide ``text`` is drawn, in the chart's units (an average letter is 0.6 of the font size)."""
    return len(text) * FONT_SIZE * 0.6


def counter_bar(*, title: str, value: Decimal, thresholds: Sequence[tuple[str, Decimal]]) -> Markup:
    """A horizontal bar for a running count (e.g. days employed) with a marked line at each threshold."""
    end = max([value, *(limit for _, limit in thresholds)], default=Decimal(1)) or Decimal(1)
    width = WIDTH - 2 * MARGIN_LEFT
    filled = float(value / end) * width
    shapes = [
        f'<rect x="{MARGIN_LEFT}" y="20" width="{width}" height="24" fill="#e6ebef" stroke="#4a5560"/>',
        f'<rect x="{MARGIN_LEFT}" y="20" width="{filled:.1f}" height="24" fill="{PALETTE[0]}"/>',
    ]
    for label, limit in thresholds:
        x = MARGIN_LEFT + float(limit / end) * width
        shapes.append(
            f'<line x1="{x:.1f}" y1="12" x2="{x:.1f}" y2="52" stroke="{PALETTE[4]}" stroke-width="2"/>'
        )
        anchor = "end" if x > WIDTH / 2 else "start"
        shapes.append(
            f'<text x="{x:.1f}" y="{COUNTER_HEIGHT - 6}" text-anchor="{anchor}" font-size="{FONT_SIZE}">'
            f"{escape(label)}</text>"
        )
    return _svg(title, shapes, height=COUNTER_HEIGHT)


def legend(series: Sequence[Series]) -> Markup:
    items = "".join(
        # A drawn square, not a styled span: the pages' Content-Security-Policy allows no style attributes.
        f'<li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" '
        f'fill="{colour}"/></svg>{escape(one.label)}</li>'
        for one, colour in zip(series, _colours(len(series)), strict=True)
    )
    return Markup(f'<ul class="legend">{items}</ul>')  # noqa: S704 - each label is escaped above


def _colours(count: int) -> list[str]:
    return [PALETTE[n % len(PALETTE)] for n in range(count)]


def _svg(title: str, shapes: list[str], *, height: int) -> Markup:
    # role="img" with a title: a screen reader says the chart's name; the numbers are in the table beside it.
    body = "".join(shapes)
    return Markup(  # noqa: S704 - every text is escaped and every number is formatted here
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )
