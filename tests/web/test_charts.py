"""The server's SVG charts: bars in proportion to the numbers, thresholds where they belong."""

from __future__ import annotations

import re
from decimal import Decimal

from kooperativet.web.charts import Series, bar_chart, counter_bar


def heights(svg: str) -> list[float]:
    """The bars' heights, in the chart, not its legend's squares."""
    chart = svg.split('<ul class="legend">')[0]
    return [float(h) for h in re.findall(r'<rect [^>]*height="([0-9.]+)"', chart)]


def test_bars_are_in_proportion_to_their_values() -> None:
    svg = str(
        bar_chart(
            title="Året",
            categories=["jan", "feb"],
            series=[
                Series("Fakturerat", [Decimal("1000.00"), Decimal("500.00")]),
                Series("Netto", [Decimal("0"), Decimal("250.00")]),
            ],
        )
    )
    assert heights(svg) == [204.0, 0.0, 102.0, 51.0]
    assert 'aria-label="Året"' in svg
    assert "Fakturerat" in svg


def test_a_chart_of_nothing_draws_empty_bars_instead_of_dividing_by_zero() -> None:
    svg = str(bar_chart(title="Tomt", categories=["jan"], series=[Series("Netto", [Decimal("0.00")])]))
    assert heights(svg) == [0.0]


def test_the_legend_draws_each_series_colour_without_a_style_attribute() -> None:
    """The pages' Content-Security-Policy refuses style attributes: each series' colour is a drawn square."""
    svg = str(
        bar_chart(
            title="Året",
            categories=["jan"],
            series=[Series("Fakturerat", [Decimal(1)]), Series("Netto", [Decimal(1)])],
        )
    )
    legend = svg.split('<ul class="legend">')[1]
    bars = re.findall(r'<rect [^>]*fill="(#[0-9a-f]+)"', svg.split('<ul class="legend">')[0])
    assert re.findall(r'<rect [^>]*fill="(#[0-9a-f]+)"', legend) == bars
    assert "Fakturerat" in legend
    assert "Netto" in legend
    assert "style=" not in svg


def test_text_in_a_chart_is_escaped() -> None:
    svg = str(bar_chart(title="<b>", categories=["<i>"], series=[Series("&", [Decimal(1)])]))
    assert "<b>" not in svg
    assert "<i>" not in svg
    assert "&amp;" in svg


def test_the_counter_marks_each_threshold_on_one_scale() -> None:
    svg = str(counter_bar(title="SÄVA", value=Decimal(180), thresholds=[("12 mån", Decimal(360))]))
    widths = re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)
    assert widths == ["624", "312.0"]  # half of the bar: 180 of 360 days
    assert 'x1="632.0"' in svg
