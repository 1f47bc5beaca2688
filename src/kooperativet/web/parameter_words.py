"""The dated parameters in words, for every page that names one: the parameter pages and the event log.

Each parameter's name and what it does (the catalog's descriptions are English, for the API's readers), and
a stored value as people read it: a fraction as a percent, an amount in kronor, a choice in words. In a
module of its own so that the pages share them without importing each other.
"""

from __future__ import annotations

import re
from decimal import Decimal

from starlette.requests import Request

from kooperativet.documents.render import money, percent
from kooperativet.parameters.catalog import ValueKind
from kooperativet.web.i18n import N_, request_language
from kooperativet.web.templating import gettext

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
    "pay_on": (N_("When salary is paid"), N_("When the client has paid, or already when invoiced.")),
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
