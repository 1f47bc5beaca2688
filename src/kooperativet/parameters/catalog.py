"""The parameters the product knows, what kind of value each takes, and the seeded defaults with sources.

Adding a parameter means adding a ``ParameterSpec`` here (and its defaults, if the law gives one).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from kooperativet.core.money import InvalidAmount, parse_amount


class ValueKind(StrEnum):
    fraction = "fraction"  # a rate as a decimal fraction: 0.06 for 6 %
    amount = "amount"  # money in kronor with at most two decimals
    integer = "integer"
    choice = "choice"
    json = "json"


class Renewal(StrEnum):
    """How often the law sets a parameter anew: each period has a value of its own, so a value from an
    earlier period still in force is out of date (``renewal_period``, ``service.missing_renewal``)."""

    half_year = "half_year"  # each calendar half-year: 1 January – 30 June, 1 July – 31 December


def renewal_period(renewal: Renewal, day: date) -> tuple[date, date]:
    """The first and last day of the period of ``renewal`` that ``day`` falls in."""
    if renewal is Renewal.half_year:
        if day.month <= 6:
            return date(day.year, 1, 1), date(day.year, 6, 30)
        return date(day.year, 7, 1), date(day.year, 12, 31)
    raise ValueError(f"no period for {renewal!r}")  # pragma: no cover - every member is handled above


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    key: str
    kind: ValueKind
    description: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    #: The parameter of kind amount whose value in force on a value's valid-from date caps it: the law's
    #: maximum, dated data of its own, so that a fee above it is refused before it is stored.
    at_most: str | None = None
    #: The law sets a new value for each such period (Riksbanken's reference rate: each calendar half-year):
    #: a value in force from an earlier period means the new one has not been added yet.
    renewed: Renewal | None = None


@dataclass(frozen=True, slots=True)
class DefaultValue:
    key: str
    valid_from: date
    value: str
    source: str


class InvalidParameterValue(ValueError):
    pass


CATALOG: dict[str, ParameterSpec] = {
    spec.key: spec
    for spec in [
        ParameterSpec(
            "fee_rate",
            ValueKind.fraction,
            "the cooperative's fee on the invoiced amount (docs/payroll.md §1)",
        ),
        ParameterSpec("holiday_pay_rate", ValueKind.fraction, "semesterersättning paid with each salary"),
        ParameterSpec("sink_rate", ValueKind.fraction, "SINK tax for residents abroad"),
        ParameterSpec("asink_rate", ValueKind.fraction, "A-SINK tax for foreign-resident performing artists"),
        ParameterSpec(
            "table_surcharge_rate", ValueKind.fraction, "added to table tax when tax information is missing"
        ),
        ParameterSpec(
            "employer_contribution_rules",
            ValueKind.json,
            "employer-contribution categories tried in order: who (birth year, absolute or 'Y-68' relative "
            "to the income year), which rate, when paid, and the youth monthly cap (docs/payroll.md §2)",
        ),
        ParameterSpec(
            "employer_contribution_threshold",
            ValueKind.amount,
            "no employer contributions for a person whose pay from the cooperative in a calendar year stays "
            "below this amount; the payout that reaches it pays them on the year's whole pay (payroll.md §2)",
        ),
        ParameterSpec(
            "minimum_day_rate", ValueKind.amount, "a fee per day below this gives a warning on an assignment"
        ),
        ParameterSpec(
            "invoice_rounding",
            ValueKind.choice,
            "öresavrundning of an invoice's payable amount",
            choices=("krona", "none"),
        ),
        ParameterSpec(
            "pay_on",
            ValueKind.choice,
            "salary is paid when the client has paid, or already when the invoice is issued; either way only "
            "once all of the assignment's work is invoiced (docs/payroll.md §5)",
            choices=("payment", "invoice"),
        ),
        ParameterSpec(
            "pay_day", ValueKind.integer, "day of the month salaries are paid", minimum=1, maximum=28
        ),
        ParameterSpec(
            "reminder_first_days",
            ValueKind.integer,
            "days after an invoice's due date when the first payment reminder is sent (docs/reminders.md)",
            minimum=1,
            maximum=365,
        ),
        ParameterSpec(
            "reminder_interval_days",
            ValueKind.integer,
            "days after a payment reminder when the next one is sent",
            minimum=1,
            maximum=365,
        ),
        ParameterSpec(
            "reminder_max_count",
            ValueKind.integer,
            "how many payment reminders an invoice gets at most; after that the treasurer decides",
            minimum=0,
            maximum=10,
        ),
        ParameterSpec(
            "reminder_fee",
            ValueKind.amount,
            "the fee for a written payment reminder, charged only where the client agreed to it when the "
            "debt arose (lag (1981:739) om ersättning för inkassokostnader m.m. 2 and 4 §§); at most "
            "reminder_fee_max in force on its valid-from date",
            at_most="reminder_fee_max",
        ),
        ParameterSpec(
            "reminder_fee_max",
            ValueKind.amount,
            "the most the law allows for a written payment reminder (lag (1981:739) 4 § second paragraph 1); "
            "a reminder charges at most the value in force on its day (docs/reminders.md)",
        ),
        ParameterSpec(
            "reference_rate",
            ValueKind.fraction,
            "Riksbanken's reference rate for the calendar half-year (räntelagen (1975:635) 9 §)",
            renewed=Renewal.half_year,
        ),
        ParameterSpec(
            "late_interest_margin",
            ValueKind.fraction,
            "late-payment interest above the reference rate (räntelagen (1975:635) 6 §)",
        ),
        ParameterSpec(
            "account_map",
            ValueKind.json,
            "the accounts (BAS chart) the SIE export books each kind of amount on (docs/exports.md, SIE 4)",
        ),
    ]
}

_FROM_2025 = date(2025, 1, 1)
_FROM_2026 = date(2026, 1, 1)

_FULL_RATE = "0.3142"
_PENSION_ONLY_RATE = "0.1021"

# Employer-contribution rules (docs/payroll.md §2), tried in order: the narrower youth rule before full. A
# birth bound is a year or "Y-68" (the income year minus 68). A rule holds from the value's valid-from date
# unless it names its own ``paid_from``/``paid_to`` (youth: pay given out 2026-04-01 … 2027-09-30).
_CONTRIBUTION_RULES_2025 = [
    {
        "category": "none",
        "rate": "0",
        "source": "Skatteverket: no employer contributions for people born 1937 or earlier",
        "born_to": 1937,
    },
    {
        "category": "pension_only",
        "rate": _PENSION_ONLY_RATE,
        "source": "prop. 2021/22:181 (ålderspensionsavgift 10.21 %), born 1938–1958 in 2025",
        "born_from": 1938,
        "born_to": 1958,
    },
    {
        "category": "full",
        "rate": _FULL_RATE,
        "source": "Skatteverket 2025: arbetsgivaravgifter 31.42 %, born 1959 or later",
        "born_from": 1959,
    },
]
_CONTRIBUTION_RULES_2026 = [
    _CONTRIBUTION_RULES_2025[0],
    {
        "category": "youth",
        "rate": "0.2081",
        "source": "SFS 2026:100, prop. 2025/26:66: 20.81 % up to 25 000 kr a month, born Y-23 … Y-19",
        "born_from": "Y-23",
        "born_to": "Y-19",
        "paid_from": "2026-04-01",
        "paid_to": "2027-09-30",
        "monthly_cap": "25000.00",
        "rate_above_cap": _FULL_RATE,
        "rate_above_cap_source": "Skatteverket, arbetsgivaravgifter 2026; SFS 2000:980: 31.42 % above",
    },
    {
        "category": "pension_only",
        "rate": _PENSION_ONLY_RATE,
        "source": "prop. 2021/22:181 (ålderspensionsavgift); Skatteverket 2026: born 1938 … Y-68",
        "born_from": 1938,
        "born_to": "Y-68",
    },
    {
        "category": "full",
        "rate": _FULL_RATE,
        "source": "Skatteverket, arbetsgivaravgifter 2026; SFS 2000:980: 31.42 %, born Y-67 or later",
        "born_from": "Y-67",
    },
]

# The accounts the SIE export books on (docs/exports.md, "SIE 4"), by role; a cooperative with its own chart
# changes them by adding a dated value. Services sold abroad go on BAS 2025's 3305 (to a country outside the
# EU) and 3308 (to another EU country); until 2026-12-05 the map said 3045 and 3046, which BAS does not have
# (3046 was EU-BAS 99's sale to another EU country *with* Swedish VAT), and moved the payout residue R from
# 3041 to 3740, which took it off the sales the VAT return reports (migration 9d4b7e1c3a52 corrects the
# seeded value).
_ACCOUNT_MAP = {
    "receivables": "1510",
    "bank": "1930",
    "sales_25": "3041",
    "sales_12": "3042",
    "sales_6": "3043",
    "sales_exempt": "3044",
    "sales_outside_eu": "3305",
    "sales_eu_reverse_charge": "3308",
    "output_vat_25": "2611",
    "output_vat_12": "2621",
    "output_vat_6": "2631",
    "input_vat": "2641",
    "rounding": "3740",
    "salaries": "7210",
    "holiday_pay": "7285",
    "employer_contributions": "7510",
    "tax_withheld": "2710",
    "employer_contributions_payable": "2731",
    "reimbursed_expenses": "6990",
}

# Riksbanken's reference rate per calendar half-year (räntelagen 9 §): its policy rate at the end of the
# previous half-year, rounded up to the nearest half percentage point if needed. A negative rate cannot be
# stored as a fraction here; the series starts in 2020, when it was 0 (docs/reminders.md lists the values).
_REFERENCE_RATES = (
    (date(2020, 1, 1), "0.00"),
    (date(2020, 7, 1), "0.00"),
    (date(2021, 1, 1), "0.00"),
    (date(2021, 7, 1), "0.00"),
    (date(2022, 1, 1), "0.00"),
    (date(2022, 7, 1), "0.005"),
    (date(2023, 1, 1), "0.025"),
    (date(2023, 7, 1), "0.035"),
    (date(2024, 1, 1), "0.04"),
    (date(2024, 7, 1), "0.04"),
    (date(2025, 1, 1), "0.03"),  # the policy rate was still 2.75 % on 31 December 2024
    (date(2025, 7, 1), "0.02"),
    (date(2026, 1, 1), "0.02"),
)


def _half_year(day: date) -> str:
    first, last = renewal_period(Renewal.half_year, day)
    return f"{first.isoformat()} – {last.isoformat()}"


DEFAULTS: tuple[DefaultValue, ...] = (
    *(
        DefaultValue(
            "reference_rate",
            valid_from,
            rate,
            f"Riksbanken: referensräntan {_half_year(valid_from)} (räntelagen (1975:635) 9 §; riksbank.se)",
        )
        for valid_from, rate in _REFERENCE_RATES
    ),
    DefaultValue(
        "late_interest_margin",
        date(2002, 7, 1),
        "0.08",
        "Räntelagen (1975:635) 6 §: dröjsmålsräntan är referensräntan plus åtta procentenheter",
    ),
    DefaultValue(
        "reminder_fee",
        date(2013, 3, 16),
        "60.00",
        "Lag (1981:739) om ersättning för inkassokostnader m.m. 4 § 1 (SFS 2013:56): högst 60 kr för en "
        "skriftlig betalningspåminnelse, och bara om det avtalades när skulden uppkom (2 §)",
    ),
    # The law's cap on the fee (docs/reminders.md, "The reminder fee"): 50 kr in förordningen (1981:1057) from
    # 1 July 2003, then 60 kr in the law itself when SFS 2013:59 repealed the förordning.
    DefaultValue(
        "reminder_fee_max",
        date(2003, 7, 1),
        "50.00",
        "Förordningen (1981:1057) om ersättning för inkassokostnader m.m. (SFS 2003:294): högst 50 kr för en "
        "skriftlig betalningspåminnelse enligt 2 § lagen (1981:739); upphävd 2013-03-16 (SFS 2013:59)",
    ),
    DefaultValue(
        "reminder_fee_max",
        date(2013, 3, 16),
        "60.00",
        "Lag (1981:739) om ersättning för inkassokostnader m.m. 4 § andra stycket 1 (SFS 2013:56): högst "
        "60 kr för en skriftlig betalningspåminnelse; beloppet stod tidigare i förordningen (1981:1057)",
    ),
    DefaultValue(
        "reminder_first_days",
        _FROM_2025,
        "10",
        "Interim kultur: första påminnelsen 10 dagar efter förfallodagen",
    ),
    DefaultValue("reminder_interval_days", _FROM_2025, "14", "Interim kultur: 14 dagar mellan påminnelserna"),
    DefaultValue(
        "reminder_max_count", _FROM_2025, "2", "Interim kultur: två påminnelser, sedan beslutar kassören"
    ),
    DefaultValue("fee_rate", _FROM_2025, "0.06", "Interim kultur: avgiften som medlemmarna har beslutat"),
    DefaultValue(
        "holiday_pay_rate",
        _FROM_2025,
        "0.12",
        "Semesterlagen (1977:480) 16 b § (procentregeln) och 5 § första stycket: 12 %, som "
        "semesterersättning med varje lön när anställningen är högst tre månader",
    ),
    DefaultValue("sink_rate", _FROM_2025, "0.25", "Lag (1991:586) om SINK: 25 % till och med 2025"),
    DefaultValue(
        "sink_rate", _FROM_2026, "0.225", "Skatteverket: SINK 22,5 % från 2026-01-01; lag (1991:586) om SINK"
    ),
    DefaultValue("asink_rate", _FROM_2025, "0.15", "Lag (1991:591) om A-SINK: 15 %"),
    DefaultValue(
        "table_surcharge_rate",
        _FROM_2025,
        "0.10",
        "Interim kultur: tabellskatt + 10 % tills skatteuppgift har lämnats",
    ),
    DefaultValue(
        "employer_contribution_rules",
        _FROM_2025,
        json.dumps(_CONTRIBUTION_RULES_2025, sort_keys=True, ensure_ascii=False),
        "Skatteverket, arbetsgivaravgifter 2025; SFS 2000:980 2 kap. 26 §",
    ),
    DefaultValue(
        "employer_contribution_rules",
        _FROM_2026,
        json.dumps(_CONTRIBUTION_RULES_2026, sort_keys=True, ensure_ascii=False),
        "Skatteverket, arbetsgivaravgifter 2026; SFS 2000:980; SFS 2026:100, prop. 2025/26:66 (unga)",
    ),
    DefaultValue(
        "employer_contribution_threshold",
        _FROM_2025,
        "1000.00",
        "Socialavgiftslagen (SFS 2000:980) 2 kap. 14 § och 24 § fjärde stycket: under 1 000 kr om året från "
        "en utbetalare inga avgifter; när beloppet nås, avgifter på årets hela lön den månaden",
    ),
    DefaultValue(
        "minimum_day_rate", _FROM_2025, "2500.00", "Interim kultur: riktlinje för arvoden (kooperativet)"
    ),
    DefaultValue(
        "invoice_rounding",
        _FROM_2025,
        "krona",
        "Interim kultur: öresavrundning (Peppol BIS Billing 3.0, PayableRoundingAmount)",
    ),
    DefaultValue("pay_on", _FROM_2025, "payment", "Interim kultur: lön av pengar som kunden har betalat"),
    DefaultValue("pay_day", _FROM_2025, "25", "Interim kultur: den 25:e, eller bankdagen före"),
    DefaultValue(
        "account_map",
        _FROM_2025,
        json.dumps(_ACCOUNT_MAP, sort_keys=True),
        "BAS-kontoplanen (BAS-intressenternas Förening)",
    ),
)


def spec_for(key: str) -> ParameterSpec:
    try:
        return CATALOG[key]
    except KeyError:
        raise InvalidParameterValue(
            f"unknown parameter {key!r}; known: {', '.join(sorted(CATALOG))}"
        ) from None


def normalise_value(spec: ParameterSpec, value: str, *, valid_from: date) -> str:
    """The canonical text of a value of this kind, or ``InvalidParameterValue`` saying why not. A JSON value
    is read as its reader will read it (``check_json_with``), valid from ``valid_from``."""
    canonical = _NORMALISERS[spec.kind](spec, value.strip())
    check = _JSON_CHECKS.get(spec.key)
    if check is not None:
        try:
            check(json.loads(canonical), valid_from)
        except ValueError as exc:
            said = str(exc)
            raise InvalidParameterValue(
                said if said.startswith(spec.key) else f"{spec.key}: {said}"
            ) from None
    return canonical


#: How the module that reads a JSON parameter reads it, by key (``check_json_with``).
_JSON_CHECKS: dict[str, Callable[[Any, date], object]] = {}


def check_json_with(key: str, read: Callable[[Any, date], object]) -> None:
    """Have a new value of the JSON parameter ``key`` read by ``read`` (which raises ``ValueError`` saying
    what is wrong) before it is stored. The modules that read such a value live above this one (the payroll,
    the exports), so they hand their reader down: a value that only JSON, not its reader, accepts was stored,
    and every pay estimate or SIE export after its date failed."""
    _JSON_CHECKS[key] = read


def _fraction(spec: ParameterSpec, value: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidParameterValue(f"{spec.key} must be a decimal fraction such as 0.06") from None
    if not number.is_finite() or not Decimal(0) <= number <= 1:
        raise InvalidParameterValue(f"{spec.key} must be a fraction between 0 and 1 (0.06 for 6 %)")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise InvalidParameterValue(f"{spec.key} may have at most six decimals")
    return str(number)


def _amount(spec: ParameterSpec, value: str) -> str:
    try:
        amount = parse_amount(value)
    except InvalidAmount as exc:
        raise InvalidParameterValue(f"{spec.key}: {exc}") from None
    if amount < 0:
        raise InvalidParameterValue(f"{spec.key} cannot be negative")
    return str(amount)


#: No parameter is a whole number of more digits (days, months, percents); ``int`` refuses beyond 4 300.
MAX_INTEGER_DIGITS = 18


def _integer(spec: ParameterSpec, value: str) -> str:
    digits = value.removeprefix("-")
    # ASCII digits only (``²`` is a digit to ``isdigit``, not to ``int``), and few enough for ``int`` to read.
    if not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_INTEGER_DIGITS:
        raise InvalidParameterValue(f"{spec.key} must be a whole number")
    number = int(value)
    if (spec.minimum is not None and number < spec.minimum) or (
        spec.maximum is not None and number > spec.maximum
    ):
        raise InvalidParameterValue(f"{spec.key} must be between {spec.minimum} and {spec.maximum}")
    return str(number)


def _choice(spec: ParameterSpec, value: str) -> str:
    if value not in spec.choices:
        raise InvalidParameterValue(f"{spec.key} must be one of {', '.join(spec.choices)}")
    return value


def _json(spec: ParameterSpec, value: str) -> str:
    try:
        return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)
    except json.JSONDecodeError as exc:
        raise InvalidParameterValue(f"{spec.key} must be JSON: {exc.msg}") from None


_NORMALISERS: dict[ValueKind, Callable[[ParameterSpec, str], str]] = {
    ValueKind.fraction: _fraction,
    ValueKind.amount: _amount,
    ValueKind.integer: _integer,
    ValueKind.choice: _choice,
    ValueKind.json: _json,
}
