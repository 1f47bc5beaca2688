"""The dated parameters in words, for every page that names one: the parameter pages and the event log.

Each parameter's name and what it does (the catalog's descriptions are English, for the API's readers), and
a stored value as people read it: a fraction as a percent, an amount in kronor, a choice in words, and the two
JSON values (the account map, the employer contributions' categories) as a table in words. In a module of its
own so that the pages share them without importing each other.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session
from starlette.requests import Request

from kooperativet.documents.render import money, percent
from kooperativet.errors import DomainError
from kooperativet.exports.entries import ACCOUNT_ROLES, BAS_ACCOUNT_NAMES, AccountMap, InvalidAccountMap
from kooperativet.parameters import service as parameters_service
from kooperativet.parameters.catalog import CATALOG, ValueKind
from kooperativet.payroll.calculation import ContributionRule, YearBound
from kooperativet.payroll.parameters import InvalidPayrollParameter, contribution_rules_from_json
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.templating import gettext, short_date

#: Each parameter's name and what it does, in words (the catalog's descriptions are for the API's readers).
NAMES = {
    "fee_rate": (N_("The cooperative's fee"), N_("A share of the invoiced amount for the work.")),
    "holiday_pay_rate": (N_("Holiday pay"), N_("Holiday pay (semesterersättning) paid with each salary.")),
    "sink_rate": (N_("SINK tax"), N_("Tax for members resident abroad.")),
    "asink_rate": (N_("A-SINK tax"), N_("Tax for performing artists resident abroad.")),
    "table_surcharge_rate": (
        N_("Surcharge on table tax"),
        N_("Added to table tax when the member's tax information is missing."),
    ),
    "employer_contribution_rules": (
        N_("Employer contributions"),
        N_("The categories by year of birth, their rates and the youth reduction's monthly cap."),
    ),
    "employer_contribution_threshold": (
        N_("Threshold for employer contributions"),
        N_("No contributions for a person whose pay in a calendar year stays below this amount."),
    ),
    "minimum_day_rate": (
        N_("Lowest day rate"),
        N_("A fee per day below this gives a warning on a commission."),
    ),
    "invoice_rounding": (
        N_("Rounding of invoices"),
        N_("Whether the amount to pay is rounded to whole kronor (öresavrundning)."),
    ),
    "pay_on": (
        N_("When salary is paid"),
        N_(
            "When the client has paid, or already when the invoice is issued; either way only once all of "
            "the commission's work is invoiced."
        ),
    ),
    "pay_day": (N_("Pay day"), N_("The day of the month salaries are paid.")),
    "account_map": (N_("Account map"), N_("The accounts (BAS chart) the bookkeeping file uses.")),
    "reminder_first_days": (
        N_("First payment reminder"),
        N_("Days after the due date until the first payment reminder is sent."),
    ),
    "reminder_interval_days": (
        N_("Days between payment reminders"),
        N_("Days after a payment reminder until the next one is sent."),
    ),
    "reminder_max_count": (
        N_("Most payment reminders"),
        N_("How many payment reminders an invoice gets at most; after that the treasurer decides."),
    ),
    "reminder_fee": (
        N_("Reminder fee"),
        N_("The fee for a written payment reminder, charged only where the client agreed to it beforehand."),
    ),
    "reminder_fee_max": (
        N_("Highest reminder fee by law"),
        N_("The most the law allows for a written payment reminder; a reminder never charges more."),
    ),
    "reference_rate": (
        N_("Reference rate"),
        N_("Riksbanken's reference rate for the calendar half-year, which late-payment interest builds on."),
    ),
    "late_interest_margin": (
        N_("Late-payment interest margin"),
        N_("Late-payment interest is the reference rate plus this margin."),
    ),
}
KIND_HINTS = {
    ValueKind.fraction: N_("A decimal fraction: 0.06 for 6 percent."),
    ValueKind.amount: N_("An amount in kronor, e.g. 25,000.00."),
    ValueKind.integer: N_("A whole number."),
    ValueKind.choice: N_("One of the choices."),
    ValueKind.json: N_("A JSON document, as the current value shows."),
}
CHOICES = {
    "krona": N_("to whole kronor"),
    "none": N_("no rounding"),
    "payment": N_("when the client has paid"),
    "invoice": N_("when the invoice is issued"),
}


#: What a page says when a parameter the law sets anew each period (``ParameterSpec.renewed``) has no value
#: for the period today falls in: which period is missing, what is used meanwhile, and where it is added.
RENEWAL_MISSING = {
    "reference_rate": N_(
        "Riksbanken's reference rate for %(period)s is missing. Riksbanken sets a new one for each calendar "
        "half-year (räntelagen (1975:635) 9 §), and the rate in force today, %(value)s, is the one for "
        "%(earlier)s. Until the new rate is added, late-payment interest is computed with %(value)s plus the "
        "margin of %(margin)s: %(interest)s a year. An admin adds the rate from %(start)s on the parameter's "
        "page once Riksbanken has announced it; do not guess it."
    ),
}
RENEWAL_MISSING_ANY = N_(
    "%(name)s for %(period)s is missing: the value in force today, %(value)s, is the one for %(earlier)s, "
    "and is used until an admin adds the new value from %(start)s on the parameter's page."
)
#: Beside a value in force that belongs to an earlier period, on the parameters' list.
RENEWAL_MISSING_SHORT = N_("missing for %(period)s")


@dataclass(frozen=True, slots=True)
class RenewalWarning:
    """A parameter whose value for the current period is missing (``parameters.service.MissingRenewal``), in
    words, with the key its page is found by."""

    key: str
    name: str
    text: str


def period_text(start: date, end: date) -> str:
    """A period as its sources write it: ``2026-07-01 – 2026-12-31``."""
    return f"{start.isoformat()}\N{NO-BREAK SPACE}– {end.isoformat()}"


def renewal_warnings(request: Request, session: Session, *, on: date) -> list[RenewalWarning]:
    """Every parameter renewed by period whose value in force on ``on`` belongs to an earlier period, said
    as ``RENEWAL_MISSING`` says it: for the reference rate, with the late-payment interest used meanwhile (the
    margin in force on ``on`` added; the margin alone when none is)."""
    warnings = []
    for missing in parameters_service.missing_renewals(session, on=on):
        spec = CATALOG[missing.key]
        value = shown(request, spec.kind, missing.in_force.value)
        words = {
            "name": gettext(request, NAMES[missing.key][0]),
            "period": period_text(missing.period_start, missing.period_end),
            "earlier": period_text(missing.in_force_period_start, missing.in_force_period_end),
            "start": short_date(missing.period_start, request_language(request)),
            "value": value,
        }
        text = RENEWAL_MISSING.get(missing.key)
        if missing.key == "reference_rate":
            try:
                margin = parameters_service.value_in_force(session, key="late_interest_margin", on=on).value
            except DomainError:
                text = None
            else:
                interest = str(Decimal(missing.in_force.value) + Decimal(margin))
                words["margin"] = shown(request, ValueKind.fraction, margin)
                words["interest"] = shown(request, ValueKind.fraction, interest)
        said = gettext(request, text or RENEWAL_MISSING_ANY, **words)
        warnings.append(RenewalWarning(key=missing.key, name=words["name"], text=said))
    return warnings


def shown(request: Request, kind: ValueKind, value: str) -> str:
    """A stored value as people read it: a fraction as a percent (``6 %``), an amount in kronor
    (``60,00 kr``), a choice in words."""
    language = request_language(request)
    if kind is ValueKind.fraction:
        return percent(Decimal(value) * 100, language)
    if kind is ValueKind.amount:
        return f"{money(Decimal(value), language)}\N{NO-BREAK SPACE}kr"
    if kind is ValueKind.choice and value in CHOICES:
        return gettext(request, CHOICES[value])
    return value


#: How a decision that set a parameter was referred to before the references were written in Swedish
#: (``governance.results.decision_reference``); the event log and the parameters keep those as they were.
_OLD_MEETING_REFERENCE = re.compile(r"meeting (?P<meeting>\d+)(?: item (?P<item>\d+))?, vote (?P<vote>\d+)")
_OLD_BOARD_REFERENCE = re.compile(r"per capsulam decision, vote (?P<vote>\d+)")
_OLD_BOARD_SOURCE = "the board, per capsulam: "
MEETING_ITEM_VOTE = N_("meeting %(meeting)s, item %(item)s, vote no. %(vote)s")
MEETING_VOTE = N_("meeting %(meeting)s, vote no. %(vote)s")
BOARD_VOTE = N_("the board's decision per capsulam, vote no. %(vote)s")
BOARD_PER_CAPSULAM = N_("The board, per capsulam")


def decision_reference(request: Request, text: str | None) -> str | None:
    """A stored decision reference as its reader reads it: one typed by a person, or written in Swedish by
    a decision, as it is; one a decision wrote in English before, in the page's words."""
    if text is None:
        return None
    if found := _OLD_MEETING_REFERENCE.fullmatch(text):
        words = MEETING_ITEM_VOTE if found["item"] else MEETING_VOTE
        return gettext(request, words, **found.groupdict())
    if found := _OLD_BOARD_REFERENCE.fullmatch(text):
        return gettext(request, BOARD_VOTE, vote=found["vote"])
    return text


def source(request: Request, text: str) -> str:
    """A stored source as its reader reads it: as typed, but for the English prefix a per capsulam decision
    wrote before (``the board, per capsulam: <question>``)."""
    if text.startswith(_OLD_BOARD_SOURCE):
        return f"{gettext(request, BOARD_PER_CAPSULAM)}: {text.removeprefix(_OLD_BOARD_SOURCE)}"
    return text


#: Each role an account plays in the bookkeeping file (``exports.entries.ACCOUNT_ROLES``), in words.
ACCOUNT_ROLE_WORDS = {
    "receivables": N_("Receivables (invoices issued, payments received)"),
    "bank": N_("Bank (payments received, salaries and outlays paid)"),
    "sales_25": N_("Sales, 25 % VAT"),
    "sales_12": N_("Sales, 12 % VAT"),
    "sales_6": N_("Sales, 6 % VAT"),
    "sales_exempt": N_("Sales exempt from VAT"),
    "sales_outside_eu": N_("Sales of services to a country outside the EU"),
    "sales_eu_reverse_charge": N_("Sales of services to another EU country (reverse charge)"),
    "output_vat_25": N_("Output VAT, 25 %"),
    "output_vat_12": N_("Output VAT, 12 %"),
    "output_vat_6": N_("Output VAT, 6 %"),
    "input_vat": N_("Input VAT on outlays"),
    "rounding": N_("Rounding of invoices (öresavrundning)"),
    "salaries": N_("Gross salaries"),
    "holiday_pay": N_("Holiday pay"),
    "employer_contributions": N_("Employer contributions (cost)"),
    "tax_withheld": N_("Tax withheld"),
    "employer_contributions_payable": N_("Employer contributions payable"),
    "reimbursed_expenses": N_("Outlays paid back"),
}
#: A payout's contribution category: said after "Employer contributions" on the payslip's page, so each names
#: the rate only, not the contributions again; the parameter's table says them the same way.
CONTRIBUTION_CATEGORY = {
    "full": N_("full rate"),
    "pension_only": N_("old-age pension contribution only"),
    "youth": N_("reduced rate for young people"),
    "none": N_("no contribution"),
}


@dataclass(frozen=True, slots=True)
class ValueTable:
    """A JSON parameter's value as a table of words: its column headings and its rows, in the stored order."""

    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    #: The columns that never break: an account number, a date.
    nowrap: tuple[int, ...] = ()


def value_table(request: Request, key: str, value: str, valid_from: date) -> ValueTable | None:
    """The account map or the employer contributions' categories as a table in words, read as the exports
    and payroll read them; None for another parameter, or for a value they cannot read (shown as stored)."""
    try:
        data = json.loads(value)
        if key == "account_map":
            return _account_table(request, AccountMap.of(data))
        if key == "employer_contribution_rules":
            return _contribution_table(request, contribution_rules_from_json(data, valid_from=valid_from))
    except (json.JSONDecodeError, InvalidAccountMap, InvalidPayrollParameter):
        return None
    return None


def _account_table(request: Request, accounts: AccountMap) -> ValueTable:
    return ValueTable(
        headings=tuple(
            gettext(request, text) for text in (N_("What is booked"), N_("Account"), N_("Account name"))
        ),
        rows=tuple(
            (
                gettext(request, ACCOUNT_ROLE_WORDS[role]),
                accounts[role],
                # The BAS names are Swedish in the file too (#KONTO); an account outside them has none here.
                BAS_ACCOUNT_NAMES.get(accounts[role], "–"),
            )
            for role in ACCOUNT_ROLES
        ),
        nowrap=(1,),
    )


def _contribution_table(request: Request, rules: tuple[ContributionRule, ...]) -> ValueTable:
    """One row a rule, in the order payroll tries them."""
    language = request_language(request)
    headings = (N_("Category"), N_("Born"), N_("Rate"), N_("Paid from"), N_("Paid until"))
    rows = []
    for rule in rules:
        rate = percent(rule.rate.value * 100, language)
        if rule.monthly_cap is not None and rule.rate_above_cap is not None:
            rate = gettext(
                request,
                N_("%(rate)s up to %(cap)s a month, %(above)s above"),
                rate=rate,
                cap=f"{money(rule.monthly_cap, language)}\N{NO-BREAK SPACE}kr",
                above=percent(rule.rate_above_cap.value * 100, language),
            )
        category = gettext(request, CONTRIBUTION_CATEGORY[rule.category.value])
        paid_to = "–" if rule.paid_to is None else short_date(rule.paid_to, language)
        rows.append((category, _born(request, rule), rate, short_date(rule.paid_from, language), paid_to))
    return ValueTable(
        headings=tuple(gettext(request, text) for text in headings), rows=tuple(rows), nowrap=(3, 4)
    )


def _born(request: Request, rule: ContributionRule) -> str:
    """The birth years a rule covers: ``1938 – 1958``, ``1937 or earlier``. A bound that follows the year of
    payment (``Y-68``) gives its years for the rule's first year, and the cell says that they move with it."""
    year = rule.paid_from.year
    first, last = (None if bound is None else bound.resolve(income_year=year) for bound in _bounds(rule))
    if first is not None and last is not None:
        years = f"{first} – {last}"
    elif first is not None:
        years = gettext(request, N_("%(year)s or later"), year=first)
    elif last is not None:
        years = gettext(request, N_("%(year)s or earlier"), year=last)
    else:
        years = gettext(request, N_("any year"))
    if any(bound is not None and bound.relative_to_income_year for bound in _bounds(rule)):
        return gettext(
            request,
            N_("%(years)s when paid in %(year)s; the years move with the year of payment"),
            years=years,
            year=year,
        )
    return years


def _bounds(rule: ContributionRule) -> tuple[YearBound | None, YearBound | None]:
    return rule.born_from, rule.born_to
