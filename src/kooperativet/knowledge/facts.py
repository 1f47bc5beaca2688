"""Dated facts in articles: ``{{ param.<key> }}`` becomes the value in force on the day the article is shown.

A guide must never state last year's rate, so articles name a parameter instead of writing its value. The
keys are the dated parameters' own (``fee_rate``) and, for the employer-contribution rules (one JSON value
with several rates), a name per rate and date (``youth_contribution_rate``). docs/knowledge.md lists them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
PLACEHOLDER = re.compile(r"\{\{\s*param\.([a-z0-9_]+)(\.valid_from)?\s*\}\}")


class UnknownFact(ValueError):
    """An article names a parameter the product does not know: a writing error, never shown as a blank."""


@dataclass(frozen=True, slots=True)
class Fact:
    """A value to insert: ``value`` is a Decimal (rate or amount), a date, an int or None (not in force)."""

    value: Decimal | date | int | None
    kind: str  # rate | amount | date | integer
    valid_from: date | None


def _rule(rules: Any, category: str) -> dict[str, Any] | None:
    if not isinstance(rules, list):
        return None
    return next((r for r in rules if isinstance(r, dict) and r.get("category") == category), None)


def _from_rule(category: str, field: str, kind: str) -> Callable[[Any], Decimal | date | None]:
    def read(rules: Any) -> Decimal | date | None:
        rule = _rule(rules, category)
        if rule is None or rule.get(field) is None:
            return None
        raw = str(rule[field])
        return date.fromisoformat(raw) if kind == "date" else Decimal(raw)

    return read


#: Plain parameters: the key is the parameter's, the kind says how to write its value.
SIMPLE = {
    "fee_rate": "rate",
    "holiday_pay_rate": "rate",
    "sink_rate": "rate",
    "asink_rate": "rate",
    "table_surcharge_rate": "rate",
    "employer_contribution_threshold": "amount",
    "minimum_day_rate": "amount",
    "pay_day": "integer",
}
#: Facts read from the employer-contribution rules (one JSON parameter): key → (category, field, kind).
CONTRIBUTION_RULES_KEY = "employer_contribution_rules"
FROM_RULES = {
    "full_contribution_rate": ("full", "rate", "rate"),
    "pension_only_contribution_rate": ("pension_only", "rate", "rate"),
    "youth_contribution_rate": ("youth", "rate", "rate"),
    "youth_contribution_monthly_cap": ("youth", "monthly_cap", "amount"),
    "youth_contribution_paid_from": ("youth", "paid_from", "date"),
    "youth_contribution_paid_to": ("youth", "paid_to", "date"),
}
KNOWN_KEYS = tuple(sorted({*SIMPLE, *FROM_RULES}))
#: The parameters the facts are read from, so the caller loads exactly these (one query).
PARAMETER_KEYS = (*SIMPLE, CONTRIBUTION_RULES_KEY)


def facts_from(in_force: Mapping[str, tuple[str, date]]) -> dict[str, Fact]:
    """Every known fact from the parameter values in force (key → (stored value text, valid from))."""
    import json

    facts: dict[str, Fact] = {}
    for key, kind in SIMPLE.items():
        found = in_force.get(key)
        value: Decimal | date | int | None = None
        if found is not None:
            value = int(found[0]) if kind == "integer" else Decimal(found[0])
        facts[key] = Fact(value=value, kind=kind, valid_from=found[1] if found else None)
    rules = in_force.get(CONTRIBUTION_RULES_KEY)
    parsed = json.loads(rules[0]) if rules else None
    for key, (category, field, kind) in FROM_RULES.items():
        facts[key] = Fact(
            value=_from_rule(category, field, kind)(parsed),
            kind=kind,
            valid_from=rules[1] if rules else None,
        )
    return facts


def written(fact: Fact, language: str) -> str:
    """A value as a reader writes it: ``6,5 %``, ``1 234,50 kr``, ``1 december 2026`` (sv)."""
    locale = LOCALES[language]
    value = fact.value
    if value is None:
        return "–"
    if isinstance(value, date):
        return str(format_date(value, format="long", locale=locale))
    if fact.kind == "rate":
        number = format_decimal(Decimal(value) * 100, format="#,##0.###", locale=locale)
        return f"{number}\N{NO-BREAK SPACE}%"
    if fact.kind == "amount":
        number = format_decimal(value, format="#,##0.00", locale=locale)
        return f"{number}\N{NO-BREAK SPACE}kr" if language == "sv" else f"SEK\N{NO-BREAK SPACE}{number}"
    return str(value)


def placeholders(text: str) -> set[str]:
    """The fact keys a text names."""
    return {match.group(1) for match in PLACEHOLDER.finditer(text)}


MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def insert(text: str, facts: Mapping[str, Fact], language: str, *, markdown: bool = False) -> str:
    """``text`` with every placeholder replaced by its value; an unknown key is an ``UnknownFact``.

    In Markdown the value is inserted as plain text: any Markdown character in it is escaped, so a value
    can never become a link or markup."""

    def replace(match: re.Match[str]) -> str:
        key, wants_date = match.group(1), match.group(2)
        if key not in facts:
            raise UnknownFact(f"an article names the unknown parameter {key!r}")
        fact = facts[key]
        if wants_date:
            value = written(Fact(value=fact.valid_from, kind="date", valid_from=None), language)
        else:
            value = written(fact, language)
        return MARKDOWN_PUNCTUATION.sub(r"\\\1", value) if markdown else value

    return PLACEHOLDER.sub(replace, text)
