"""Issuing a credit note: the whole invoice (everything not credited yet) or parts of its lines, by
quantity or by amount (invoicing.md, "Credit notes"). The credit note takes the next number of the same series
and refers to the original, which never changes: only its payment state (credited amount, status) moves.

A credit note reverses what the invoice charged: its lines, the VAT on them and, with the last credit, the
invoice's öresavrundning. Together the credit notes of an invoice never credit more than it charged, and
those that credit all of it credit exactly its payable amount, VAT and rounding.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.auth.models import User
from kooperativet.core.money import ZERO, round_half_up
from kooperativet.core.vat import VatCategory
from kooperativet.db import fetch_locked
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.invoices.calculation import (
    CreditedVat,
    CreditShare,
    InvoiceCalculation,
    InvoiceLine,
    InvoiceRuleViolation,
    calculate_invoice,
)
from kooperativet.invoices.models import Invoice, InvoiceKind, InvoiceLineRecord
from kooperativet.invoices.numbering import take_number
from kooperativet.invoices.schemas import CreditNoteIssue, CreditPart
from kooperativet.invoices.service.read import refuse_own_invoice
from kooperativet.invoices.service.settlement import settle
from kooperativet.invoices.service.store import LUMP_SUM, DraftLine, store_issued
from kooperativet.invoices.snapshot import (
    DocumentKind,
    InvoiceSnapshot,
    IssuedSnapshot,
    calculation_of,
    snapshot_from_json,
)

#: A VAT category and rate (normalised, so that 25 and 25.00 are one rate): one row of a VAT breakdown.
VatKey = tuple[VatCategory, Decimal]


@dataclass(frozen=True, slots=True)
class CreditNotePlan:
    """What a credit note would hold if it were issued now, computed without writing anything.

    The treasurer is shown the plan before she issues it; ``sha256`` fingerprints what she was shown, so that
    issuing can refuse when the invoice changed meanwhile (``issue_credit_note``'s ``shown_sha256``). The
    fingerprint covers the lines, the VAT, the rounding, the total, the reason and the invoice's payment state
    (paid and credited so far), all of which the confirmation shows.
    """

    invoice_id: int
    invoice_number: str
    drafts: tuple[DraftLine, ...]
    calculation: InvoiceCalculation
    share: CreditShare
    reason: str
    #: The invoice's payable amount, and what was paid and credited of it before this credit note.
    invoice_payable: Decimal
    paid_before: Decimal
    credited_before: Decimal

    @property
    def payable(self) -> Decimal:
        """What the credit note credits, VAT and rounding included."""
        return self.calculation.totals.payable_amount

    @property
    def balance_after(self) -> Decimal:
        """What the client owes on the invoice after this credit note; below zero, what is to be refunded."""
        return self.invoice_payable - self.credited_before - self.payable - self.paid_before

    @property
    def sha256(self) -> str:
        return hashlib.sha256(_canonical_json(self).encode()).hexdigest()


def plan_credit_note(
    session: Session, *, invoice_id: int, data: CreditNoteIssue, actor: User
) -> CreditNotePlan:
    """The credit note ``data`` would make of the invoice now: its lines, VAT, rounding and total. Refuses as
    issuing would (own work, a credit note, nothing or too much to credit) and writes nothing."""
    original = session.get(Invoice, invoice_id)
    if original is None:
        raise NotFound(f"invoice {invoice_id} does not exist")
    return _plan(session, original, data=data, actor=actor)


def issue_credit_note(
    session: Session, *, invoice_id: int, data: CreditNoteIssue, actor: User, today: date, now: datetime
) -> Invoice:
    """Credit the whole invoice (no parts: everything not credited yet) or parts of its lines.

    Nobody credits the invoice of her own commission (``assignments.duties``). With ``data.shown_sha256``
    (the fingerprint of the plan the caller showed) a plan that differs now is refused, 409
    ``credit_note_changed``, before a number is taken.
    """
    original = _locked_invoice(session, invoice_id=invoice_id)
    plan = _plan(session, original, data=data, actor=actor)
    if data.shown_sha256 is not None and data.shown_sha256 != plan.sha256:
        raise Conflict(
            f"the credit note of invoice {original.number} is no longer the one shown: the invoice was paid "
            "or credited since; look at it again",
            code="credit_note_changed",
        )
    source = snapshot_from_json(original.snapshot)
    number = take_number(session, year=today.year)
    document = InvoiceSnapshot(
        number=number.text,
        kind=DocumentKind.CREDIT_NOTE,
        issue_date=today,
        due_date=None,
        period_start=source.document.period_start,
        period_end=source.document.period_end,
        seller=source.document.seller,
        buyer=source.document.buyer,
        lines=tuple(draft.line for draft in plan.drafts),
        round_payable_to_krona=source.document.round_payable_to_krona,
        buyer_reference=source.document.buyer_reference,
        notes=(plan.reason,) if plan.reason else (),
        refers_to_number=original.number,
        refers_to_issue_date=original.issue_date,
        credit_share=plan.share,
    )
    # A credit note goes the way of the invoice it credits: as UBL too, or as a PDF only.
    issued = IssuedSnapshot(
        document=document,
        language=source.language,
        title=source.title,
        place=source.place,
        e_invoice=source.e_invoice,
    )
    assignment = session.get_one(Assignment, original.assignment_id)
    credit_note = store_issued(
        session,
        issued=issued,
        drafts=plan.drafts,
        number=number,
        assignment=assignment,
        refers_to=original,
        actor=actor,
        now=now,
    )
    original.credited_amount += credit_note.payable
    settle(session, original)
    return credit_note


def _plan(session: Session, original: Invoice, *, data: CreditNoteIssue, actor: User) -> CreditNotePlan:
    refuse_own_invoice(session, invoice=original, actor=actor, act=f"credit invoice {original.number}")
    if original.kind != InvoiceKind.invoice:
        raise RuleViolation("a credit note is not credited again", code="not_an_invoice", field="invoice_id")
    remaining = _creditable(session, original)
    drafts = (
        _full_credit(original, remaining)
        if data.parts is None
        else _partial_credit(original, remaining, data.parts)
    )
    if not drafts:
        raise Conflict(f"invoice {original.number} is already credited in full", code="already_credited")
    source = snapshot_from_json(original.snapshot)
    last = _credits_what_is_left(remaining, drafts)
    share = _credit_share(
        session, original, invoiced=calculation_of(source.document), drafts=drafts, last=last
    )
    _refuse_crediting_too_much(original, share=share, drafts=drafts, last=last)
    try:
        calculation = calculate_invoice(
            lines=[draft.line for draft in drafts],
            buyer_vat_number=source.document.buyer.vat_number,
            round_payable_to_krona=source.document.round_payable_to_krona,
            credit_share=share,
        )
    except InvoiceRuleViolation as exc:
        raise RuleViolation(exc.reason, code="invoice_rule_violation", field=exc.field) from exc
    return CreditNotePlan(
        invoice_id=original.id,
        invoice_number=original.number,
        drafts=tuple(drafts),
        calculation=calculation,
        share=share,
        reason=(data.reason or "").strip(),
        invoice_payable=original.payable,
        paid_before=original.paid_amount,
        credited_before=original.credited_amount,
    )


def _canonical_json(plan: CreditNotePlan) -> str:
    """The plan as one string that is the same for the same plan on any database (decimals without the
    trailing zeros a column's scale may add)."""

    def number(value: Decimal) -> str:
        return format(value.normalize(), "f")

    lines = [
        [
            draft.credits_line_id,
            draft.line.description,
            number(draft.line.quantity),
            draft.line.unit,
            number(draft.line.unit_price),
            draft.line.vat_category.value,
            number(draft.line.vat_rate),
            number(calculated.amount),
        ]
        for draft, calculated in zip(plan.drafts, plan.calculation.lines, strict=True)
    ]
    vat = [
        [row.category.value, number(row.rate), number(row.taxable_amount), number(row.tax_amount)]
        for row in plan.calculation.vat_breakdown
    ]
    content = {
        "invoice": [plan.invoice_id, plan.invoice_number],
        "lines": lines,
        "vat": vat,
        "rounding": number(plan.calculation.totals.rounding_amount),
        "payable": number(plan.payable),
        "reason": plan.reason,
        "paid_before": number(plan.paid_before),
        "credited_before": number(plan.credited_before),
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _locked_invoice(session: Session, *, invoice_id: int) -> Invoice:
    invoice = fetch_locked(session, select(Invoice).where(Invoice.id == invoice_id))
    if invoice is None:
        raise NotFound(f"invoice {invoice_id} does not exist")
    return invoice


@dataclass(frozen=True, slots=True)
class _Creditable:
    line: InvoiceLineRecord
    quantity: Decimal
    amount: Decimal


def _creditable(session: Session, original: Invoice) -> dict[int, _Creditable]:
    credited = session.execute(
        select(
            InvoiceLineRecord.credits_line_id,
            InvoiceLineRecord.quantity,
            InvoiceLineRecord.amount,
            InvoiceLineRecord.assignment_line_id,
            InvoiceLineRecord.expense_id,
        )
        .join(Invoice, Invoice.id == InvoiceLineRecord.invoice_id)
        .where(Invoice.refers_to_id == original.id)
    ).all()
    result = {}
    for line in original.lines:
        mine = [row for row in credited if row.credits_line_id == line.id]
        # A credit of an amount gives no quantity back: only credits by quantity carry the line's origin.
        quantity = line.quantity - sum(
            (row.quantity for row in mine if row.assignment_line_id or row.expense_id), Decimal(0)
        )
        amount = line.amount - sum((row.amount for row in mine), ZERO)
        result[line.id] = _Creditable(line=line, quantity=quantity, amount=amount)
    return result


def _full_credit(original: Invoice, remaining: dict[int, _Creditable]) -> list[DraftLine]:
    drafts = []
    for line in original.lines:
        left = remaining[line.id]
        if left.amount <= 0:
            continue
        # What is left is the quantity left at the line's price when earlier credits took quantities only:
        # it is credited by quantity, which gives the assignment its hours back. After a credit of an amount
        # it is credited by amount, as nothing tells which hours that amount was.
        if left.quantity > 0 and _amount_of(left.quantity, line.unit_price) == left.amount:
            drafts.append(_credit_by_quantity(line, left.quantity))
        else:
            drafts.append(_credit_by_amount(line, left.amount))
    return drafts


def _partial_credit(
    original: Invoice, remaining: dict[int, _Creditable], parts: Sequence[CreditPart]
) -> list[DraftLine]:
    drafts = []
    seen: set[int] = set()
    for index, part in enumerate(parts):
        left = remaining.get(part.invoice_line_id)
        if left is None or part.invoice_line_id in seen:
            raise RuleViolation(
                f"line {part.invoice_line_id} is not a line of invoice {original.number}, or is given twice",
                code="unknown_line",
                field=f"parts[{index}].invoice_line_id",
            )
        seen.add(part.invoice_line_id)
        if part.quantity is not None:
            amount = _amount_of(part.quantity, left.line.unit_price)
            if amount == 0:
                raise RuleViolation(
                    f"{part.quantity.normalize()} of line {left.line.position} is {amount}: a credit note "
                    "credits something",
                    code="nothing_to_credit",
                    field=f"parts[{index}].quantity",
                )
            if part.quantity > left.quantity or amount > left.amount:
                raise RuleViolation(
                    f"only {left.quantity.normalize()} of line {left.line.position} is left to credit",
                    code="more_than_invoiced",
                    field=f"parts[{index}].quantity",
                )
            drafts.append(_credit_by_quantity(left.line, part.quantity))
        else:
            assert part.amount is not None  # and more than zero: ``CreditPart`` refuses any other amount
            if part.amount > left.amount:
                raise RuleViolation(
                    f"at most {left.amount} of line {left.line.position} is left to credit",
                    code="more_than_invoiced",
                    field=f"parts[{index}].amount",
                )
            drafts.append(_credit_by_amount(left.line, part.amount))
    return drafts


def _credit_share(
    session: Session,
    original: Invoice,
    *,
    invoiced: InvoiceCalculation,
    drafts: Sequence[DraftLine],
    last: bool,
) -> CreditShare:
    """This credit note's share of the invoice's VAT and rounding (invoicing.md, "Credit notes").

    Per VAT rate: the VAT on what it credits, but never more than is left of the rate's VAT, and all that is
    left when it credits all that is left of the rate; so the credit notes of a fully credited rate credit
    exactly its VAT. The invoice's öresavrundning is credited by the ``last`` credit note, the one that
    credits what is left of every line (less any rounding earlier credit notes took, which only those issued
    before this rule did); the others have none, so that they never credit more than the invoice charged.
    """
    earlier = session.scalars(select(Invoice).where(Invoice.refers_to_id == original.id)).all()
    taken = [calculation_of(snapshot_from_json(note.snapshot).document) for note in earlier]
    net_left = _by_rate(invoiced, taxable=True) - _sum_by_rate(taken, taxable=True)
    vat_left = _by_rate(invoiced, taxable=False) - _sum_by_rate(taken, taxable=False)
    credited: dict[VatKey, Decimal] = defaultdict(lambda: ZERO)
    for draft in drafts:
        credited[_key_of(draft.line)] += _amount_of(draft.line.quantity, draft.line.unit_price)
    vat = []
    for (category, rate), net in credited.items():
        left = vat_left[(category, rate)]
        if net == net_left[(category, rate)]:
            amount = left
        else:
            amount = min(round_half_up(net * rate / 100), max(left, ZERO))
        vat.append(CreditedVat(category=category, rate=rate, amount=amount))
    rounding = original.rounding - sum((note.rounding for note in earlier), ZERO) if last else ZERO
    return CreditShare(vat=tuple(vat), rounding=rounding)


class _Amounts(dict[VatKey, Decimal]):
    """Amounts per VAT category and rate; a rate not there is zero."""

    def __missing__(self, key: VatKey) -> Decimal:
        return ZERO

    def __sub__(self, other: _Amounts) -> _Amounts:
        return _Amounts({key: self[key] - other[key] for key in self.keys() | other.keys()})


def _by_rate(calculation: InvoiceCalculation, *, taxable: bool) -> _Amounts:
    return _sum_by_rate([calculation], taxable=taxable)


def _sum_by_rate(calculations: Iterable[InvoiceCalculation], *, taxable: bool) -> _Amounts:
    result = _Amounts()
    for calculation in calculations:
        for row in calculation.vat_breakdown:
            key = (row.category, row.rate.normalize())
            result[key] += row.taxable_amount if taxable else row.tax_amount
    return result


def _key_of(line: InvoiceLine) -> VatKey:
    return (line.vat_category, line.vat_rate.normalize())


def _credits_what_is_left(remaining: dict[int, _Creditable], drafts: Sequence[DraftLine]) -> bool:
    """Whether the credit note credits what is left of every line of the invoice."""
    credited: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for draft in drafts:
        assert draft.credits_line_id is not None  # every line of a credit note credits one
        credited[draft.credits_line_id] += _amount_of(draft.line.quantity, draft.line.unit_price)
    return all(left.amount == credited[line_id] for line_id, left in remaining.items())


def _refuse_crediting_too_much(
    original: Invoice, *, share: CreditShare, drafts: Sequence[DraftLine], last: bool
) -> None:
    """A credit note credits something, and never more than is left of what the invoice charged: without
    the invoice's rounding, crediting nearly all of an invoice rounded down could (invoicing.md)."""
    net = sum((_amount_of(draft.line.quantity, draft.line.unit_price) for draft in drafts), ZERO)
    payable = net + sum((row.amount for row in share.vat), ZERO) + share.rounding
    if payable <= 0:
        raise RuleViolation(
            f"the credit note would credit {payable}: nothing is left to credit on invoice {original.number}",
            code="nothing_to_credit",
            field="parts",
        )
    left = original.payable - original.credited_amount
    if payable > left and not last:
        raise RuleViolation(
            f"the credit note would credit {payable}, more than the {left} left of invoice "
            f"{original.number}; credit what is left of it in full",
            code="more_than_invoiced",
            field="parts",
        )


def _amount_of(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's amount, as ``calculation`` computes it."""
    return round_half_up(quantity * unit_price)


def _credit_by_quantity(line: InvoiceLineRecord, quantity: Decimal) -> DraftLine:
    return DraftLine(
        line=_line_of(line, quantity=quantity, unit=line.unit, unit_price=line.unit_price),
        is_expense=line.is_expense,
        assignment_line_id=line.assignment_line_id,
        expense_id=line.expense_id,
        credits_line_id=line.id,
    )


def _credit_by_amount(line: InvoiceLineRecord, amount: Decimal) -> DraftLine:
    # An amount credited is one lump sum (UN/ECE Rec. 20 ``LS``, "fast pris"): the credit of an amount off a
    # fixed price carries the line's own unit, and one off hours or pieces does not claim that one hour or
    # one piece cost the amount. Until 2026-12-05 it was one piece (``C62``, "1 st"), even under a line of
    # "fast pris".
    return DraftLine(
        line=_line_of(line, quantity=Decimal("1"), unit=LUMP_SUM, unit_price=amount),
        is_expense=line.is_expense,
        credits_line_id=line.id,
    )


def _line_of(line: InvoiceLineRecord, *, quantity: Decimal, unit: str, unit_price: Decimal) -> InvoiceLine:
    return InvoiceLine(
        description=line.description,
        quantity=quantity,
        unit=unit,
        unit_price=unit_price,
        vat_category=VatCategory(line.vat_category),
        vat_rate=line.vat_rate,
        exemption_reason=line.exemption_reason,
    )
