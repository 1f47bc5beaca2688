"""A date on a page never breaks over two lines (a phone broke ``2026-11-30`` at its hyphen), and stays plain
text where markup has no place: a page's title, an attribute, an ``<option>``."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kooperativet.web.templating import environment


def _render(source: str, language: str = "sv", **values: object) -> str:
    return environment(language).from_string(source).render(**values)


def test_a_day_is_a_time_element_kept_on_one_line() -> None:
    day = date(2026, 12, 4)
    assert _render("{{ d|day }}", d=day) == '<time class="nowrap" datetime="2026-12-04">2026-12-04</time>'
    assert _render("{{ d|day }}", "en", d=day) == (
        '<time class="nowrap" datetime="2026-12-04">4 Dec 2026</time>'
    )


def test_a_moment_is_a_time_element_in_swedish_time() -> None:
    winter = datetime(2026, 12, 4, 13, 5, tzinfo=UTC)
    assert _render("{{ m|moment }}", m=winter) == (
        '<time class="nowrap" datetime="2026-12-04T14:05+01:00">2026-12-04 14:05</time>'
    )
    # A database without time zones (SQLite) gives UTC without its zone.
    stored_naive = datetime(2026, 7, 1, 10, 0, tzinfo=UTC).replace(tzinfo=None)
    assert _render("{{ m|moment }}", m=stored_naive) == (
        '<time class="nowrap" datetime="2026-07-01T12:00+02:00">2026-07-01 12:00</time>'
    )


def test_no_date_is_a_dash_not_markup() -> None:
    assert _render("{{ d|day }} {{ m|moment }}", d=None, m=None) == "– –"


def test_the_plain_forms_are_text_for_titles_attributes_and_options() -> None:
    day = date(2026, 12, 4)
    moment = datetime(2026, 12, 4, 13, 5, tzinfo=UTC)
    assert _render('<option title="{{ d|day_text }}">{{ d|day_text }}</option>', d=day) == (
        '<option title="2026-12-04">2026-12-04</option>'
    )
    assert _render("{{ m|moment_text }}", m=moment) == "2026-12-04 14:05"


def test_a_day_inside_a_translated_sentence_stays_markup_and_the_sentence_is_escaped() -> None:
    html = _render('{{ _("Since %(day)s.", day=d|day) }} {{ t }}', d=date(2026, 1, 1), t="<b>")
    assert html == 'Sedan <time class="nowrap" datetime="2026-01-01">2026-01-01</time>. &lt;b&gt;'
