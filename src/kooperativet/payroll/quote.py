"""A quote before the work: what an invoiced amount gives a member, and what to invoice for a given net.

Pure, and no second copy of a rule: the forward direction *is* ``calculate_payout`` (the function a payroll
run uses), and the reverse direction only calls it. A quote is one payout on its own in its calendar month
(nothing else paid that month: no youth cap used, no table tax withheld yet), with the year's earlier pay for
the yearly contribution threshold, and no expenses (docs/payroll.md, "The pay estimate").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kooperativet.core.money import ORE, ZERO
from kooperativet.payroll.calculation import (
    Payout,
    PayrollParameters,
    TaxSetting,
    TaxTableLookup,
    YearToDatePay,
    calculate_payout,
)

#: The largest invoiced amount a quote searches (100 million kronor, in öre): far beyond any assignment,
#: and it stops the search for a net that no amount reaches (a 100 % tax setting).
MAX_INVOICED_ORE = 10_000_000_000


class NetOutOfReach(ValueError):
    """No invoiced amount up to the search's limit gives the wanted net pay."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """Who the quote is for and on which day; ``payout`` for an invoiced amount the same way payroll does."""

    birth_date: date
    pay_date: date
    parameters: PayrollParameters
    tax: TaxSetting
    tax_table: TaxTableLookup | None = None
    year_to_date: YearToDatePay = field(default_factory=YearToDatePay)

    def payout(self, invoiced_amount: Decimal) -> Payout:
        return calculate_payout(
            invoiced_amount=invoiced_amount,
            birth_date=self.birth_date,
            pay_date=self.pay_date,
            parameters=self.parameters,
            tax=self.tax,
            tax_table=self.tax_table,
            year_to_date=self.year_to_date,
        )


def quote_invoiced(quote: Quote, *, invoiced_amount: Decimal) -> Payout:
    """What ``invoiced_amount`` (excluding VAT) becomes: fee, gross, holiday pay, contributions, tax, net."""
    return quote.payout(invoiced_amount)


def quote_net(quote: Quote, *, net_pay: Decimal) -> Payout:
    """The payout of the smallest invoiced amount, in whole öre, whose net pay is at least ``net_pay``.

    Net pay is not monotone in the invoiced amount: one öre more can cross a krona (or a table bracket) of
    tax and pay a krona less. So the search does not bisect on the net itself. It uses two monotone facts:
    the taxable pay B never falls when the invoiced amount N rises (the fee takes at most the öre added, and
    the gross is the largest that fits the pool), and the tax T never falls when B rises. Net ≥ W means
    B ≥ W + T(B). Start from the smallest N with B ≥ W (tax is never negative, so no smaller N can do) and
    repeat: N ← the smallest N with B(N) ≥ W + T(B(N)). Each step is a bisection on the monotone B, and N
    only grows. It never passes the answer N*: if N ≤ N*, then T(B(N)) ≤ T(B(N*)) ≤ B(N*) − W, so the next
    N ≤ N*. It stops where N = the smallest N with B ≥ W + T(B(N)), which is an answer, hence N* itself.
    Each step adds only the tax on the last step's extra pay, so a few steps suffice.
    """
    if net_pay <= 0:
        return quote.payout(ZERO)
    wanted = _ore(net_pay)
    found = _smallest_with_taxable_pay(quote, at_least=wanted)
    while True:
        payout = quote.payout(_amount(found))
        if _ore(payout.taxable_pay) >= wanted + _ore(payout.tax):
            return payout
        found = _smallest_with_taxable_pay(quote, at_least=wanted + _ore(payout.tax))


def _smallest_with_taxable_pay(quote: Quote, *, at_least: int) -> int:
    """The smallest N in öre with B(N) ≥ ``at_least`` öre: bisection, as B never falls when N rises."""

    def enough(ore: int) -> bool:
        return _ore(quote.payout(_amount(ore)).taxable_pay) >= at_least

    return _first(enough, start=at_least)


def _first(enough: Callable[[int], bool], *, start: int) -> int:
    """The smallest öre amount ≥ 0 where the monotone ``enough`` holds; B ≤ N, so it is ≥ ``start``."""
    low, high = max(start, 0) - 1, max(start, 1)
    while not enough(high):
        low, high = high, high * 2
        if high > MAX_INVOICED_ORE:
            raise NetOutOfReach(f"no invoiced amount up to {_amount(MAX_INVOICED_ORE)} kr pays that much")
    while high - low > 1:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle
    return high


def _ore(amount: Decimal) -> int:
    return int(amount.quantize(ORE).scaleb(2))


def _amount(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2).quantize(ORE)
