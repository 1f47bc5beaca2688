"""The server's SVG charts: bars in proportion to the numbers, thresholds where they belong."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from kooperativet.web import charts as charts_module
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
    assert heights(svg) == [164.0, 0.0, 82.0, 41.0]
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
    assert widths == ["384", "192.0"]  # half of the bar: 180 of 360 days
    assert 'x1="392.0"' in svg


def test_the_labels_are_readable_on_a_phone() -> None:
    """The SVG scales with the page: on a 390 px phone a chart is about 324 px wide, and its labels must be
    at least 12 px there (they were 12 units of 640, 6 px)."""
    charts = [
        str(bar_chart(title="Året", categories=["jan", "feb"], series=[Series("Netto", [Decimal(1)] * 2)])),
        str(counter_bar(title="SÄVA", value=Decimal(100), thresholds=[("9 månader", Decimal(270))])),
    ]
    for svg in charts:
        width = float(re.findall(r'viewBox="0 0 ([0-9.]+) ', svg)[0])
        sizes = [float(size) for size in re.findall(r'<text [^>]*font-size="([0-9.]+)"', svg)]
        assert sizes
        assert min(size * 324 / width for size in sizes) >= 12
    css = (Path(charts_module.__file__).parent / "static" / "app.css").read_text()
    assert ".chart svg { width: 100%; max-width: 26rem; height: auto; }" in css  # 26rem: 15.6 px at most


def test_labels_wider_than_their_group_take_turns_on_two_lines() -> None:
    """Twelve months' names (``mars``, ``juni``) do not fit side by side at a readable size."""
    months = ["dec", "jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov"]
    svg = str(bar_chart(title="Året", categories=months, series=[Series("Netto", [Decimal(1)] * 12)]))
    rows = re.findall(r'<text [^>]*y="([0-9.]+)"', svg)
    assert rows == ["192", "210"] * 6
    assert 'viewBox="0 0 400 218"' in svg
    letters = str(bar_chart(title="Året", categories=list("JFMAMJJASOND"), series=[]))
    assert set(re.findall(r'<text [^>]*y="([0-9.]+)"', letters)) == {"192"}
