"""A member's pay estimate ("Vad får jag ut?"): invoiced amount → net pay, or wanted net → what to invoice.

The same inputs a payroll run would use today: the dated parameters in force, the member's birth date
(employer-contribution category), her tax setting (and tax table) in force, and her pay earlier this year
(the yearly contribution threshold); the pure ``payroll.quote`` does the arithmetic with the payroll
calculation itself (docs/payroll.md, "The pay estimate").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from kooperativet.core.money import ZERO, round_to_krona
from kooperativet.employments import service as employments_service
from kooperativet.employments.certificate import PayEstimate as CertificateEstimate
from kooperativet.errors import Conflict, DomainError, RuleViolation
from kooperativet.parties.models import Member
from kooperativet.payroll.calculation import (
    MissingTaxTable,
    NoContributionRule,
    Payout,
    TaxMode,
    TaxSetting,
    TaxTableLookup,
    YearToDatePay,
    calculate_payout,
)
from kooperativet.payroll.parameters import payroll_parameters_on
from kooperativet.payroll.quote import NetOutOfReach, Quote, quote_invoiced, quote_net
from kooperativet.payroll.service.calculate import _calculation_tax_setting, tax_setting_on
from kooperativet.payroll.service.history import year_pay_before
from kooperativet.payroll.tax_table_store import tax_table


@dataclass(frozen=True, slots=True, kw_only=True)
class PayEstimate:
    """The payout an invoiced amount gives on ``pay_date``; ``wanted_net_pay`` when it was asked backwards."""

    pay_date: date
    payout: Payout
    wanted_net_pay: Decimal | None = None


def estimate_pay(
    session: Session,
    *,
    member: Member,
    today: date,
    invoiced_amount: Decimal | None = None,
    wanted_net_pay: Decimal | None = None,
) -> PayEstimate:
    """What ``invoiced_amount`` gives the member if paid today, or the smallest invoiced amount (in öre) that
    pays at least ``wanted_net_pay``; exactly one of the two is given. A tax table that is needed but not
    imported is a 422 ``missing_tax_table``, as in a payroll run."""
    quote = member_quote(session, member=member, pay_date=today)
    try:
        if wanted_net_pay is not None:
            payout = quote_net(quote, net_pay=wanted_net_pay)
        else:
            assert invoiced_amount is not None  # the schema asks for exactly one
            payout = quote_invoiced(quote, invoiced_amount=invoiced_amount)
    except NoContributionRule as exc:
        raise RuleViolation(str(exc), code="no_contribution_rule") from exc
    except NetOutOfReach as exc:
        raise RuleViolation(str(exc), code="net_out_of_reach", field="wanted_net_pay") from exc
    return PayEstimate(pay_date=today, payout=payout, wanted_net_pay=wanted_net_pay)


def member_quote(session: Session, *, member: Member, pay_date: date) -> Quote:
    """The member's quote inputs on ``pay_date``, read as a payroll run reads them."""
    if member.birth_date is None:  # purged after the retention period: nobody is paid any more
        raise Conflict(f"member {member.id} was removed", code="already_removed")
    loaded = payroll_parameters_on(session, pay_date=pay_date)
    # An estimate is one assignment's pay, not the month's: the extra tax a member asked for a month is
    # withheld from the month's first payouts, whichever they are, so it is left out (payroll.md §3).
    tax = replace(_calculation_tax_setting(tax_setting_on(member, on=pay_date)), extra_per_month=ZERO)
    table: TaxTableLookup | None = None
    if tax.mode is TaxMode.TABLE:
        assert tax.table_number is not None  # TaxSetting checks it for table mode
        try:
            table, _record = tax_table(session, year=pay_date.year, table_number=tax.table_number)
        except MissingTaxTable as exc:
            raise RuleViolation(
                str(exc), code="missing_tax_table", table_number=exc.table_number, year=exc.year
            ) from exc
    threshold = loaded.parameters.contribution_threshold
    year_pay = year_pay_before(
        session,
        member_ids=[member.id],
        year=pay_date.year,
        threshold=threshold.value if threshold is not None else None,
    )
    return Quote(
        birth_date=member.birth_date,
        pay_date=pay_date,
        parameters=loaded.parameters,
        tax=tax,
        tax_table=table,
        year_to_date=year_pay.get(member.id, YearToDatePay()),
    )


def certificate_rate(
    session: Session, member: Member, fee_total: Decimal, on: date
) -> employments_service.MemberRate | None:
    """The pay the anställningsbevis estimates, in whole kronor, for the member's own employer-contribution
    category on the employment's first day (``on``): the fee total as one payout that day, by the payroll
    calculation itself (no tax: the certificate shows none). ``None`` when it cannot be reckoned (no birth
    date, no rule for her age, a parameter missing): the certificate assumes the full rate and says so."""
    if member.birth_date is None:
        return None
    try:
        payout = calculate_payout(
            invoiced_amount=fee_total,
            birth_date=member.birth_date,
            pay_date=on,
            parameters=payroll_parameters_on(session, pay_date=on).parameters,
            tax=TaxSetting(mode=TaxMode.FLAT, percent=Decimal(0)),
        )
    except (NoContributionRule, DomainError):
        return None
    gross, holiday_pay = round_to_krona(payout.gross_salary), round_to_krona(payout.holiday_pay)
    rates = tuple(dict.fromkeys(part.rate.value for part in payout.contribution_parts if part.base > 0))
    return employments_service.MemberRate(
        estimate=CertificateEstimate(
            fee=payout.fee,
            pool=payout.pool,
            gross_salary=gross,
            holiday_pay=holiday_pay,
            employer_contributions=round_to_krona(payout.pool) - gross - holiday_pay,
        ),
        rates=rates or (payout.contribution_rule.rate.value,),
    )


employments_service.estimate_with(certificate_rate)
