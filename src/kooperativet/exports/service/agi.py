"""The arbetsgivardeklaration (AGI) of a month of payment: HU and one IU per person and tax field
(payroll.md §2, exports.md). The XML itself is written by ``exports.formats.agi``.

The month is read as plain rows in a fixed number of statements — its payslips, its payslip lines with the
payslips' order, the personnummer each payslip was issued to, and for SINK and A-SINK payees their details
abroad and activities — and summed in Python with ``Decimal`` (SQLite would sum money as doubles).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import Row, Select, Text, cast, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.core.identifiers import mask_personal_identity
from kooperativet.core.money import ZERO
from kooperativet.encryption import decrypted, stored
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.exports.formats import agi
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportedDocument, ExportKind
from kooperativet.exports.service.batches import CoveredIds, earlier_batches_hint, store_batch
from kooperativet.exports.service.period import Month, require_not_future
from kooperativet.exports.service.sources import (
    PROGRAM_NAME,
    SWEDEN,
    as_issued,
    left_out_runs,
    paid_in,
    payslips_paid_in_query,
    require_filled,
)
from kooperativet.parties.models import Member
from kooperativet.parties.service import get_cooperative
from kooperativet.payroll.models import Payslip, PayslipLine

_TAX_MODE_SPECIFICATION: Final = {"flat": 1, "table": 1, "sink": 2, "asink": 3}


def export_agi(
    session: Session, *, period: str, today: date, created_at: datetime, created_by_id: int | None
) -> ExportBatch:
    """The arbetsgivardeklaration of a month of payment: HU and one IU per person (and tax field).

    Payslips of approved runs paid out in the month are declared; a draft run of the month is left out and
    named in the batch's notes. A month after today's is a 422. When the month was declared before and
    new payslips have come, the whole month is sent again: the IUs carry the same specification numbers,
    so Skatteverket replaces the earlier ones (a correction). Nothing new to declare is a 409.
    """
    month = Month.of(period)
    require_not_future(month, today=today)
    cooperative = get_cooperative(session)
    require_filled(
        cooperative,
        ("organisation_number", "contact_name", "contact_phone", "contact_email"),
        what="the arbetsgivardeklaration",
    )
    if session.scalar(_new_payslips(month).limit(1)) is None:
        raise Conflict(
            f"no payslip paid out in {month.text} is left to declare"
            + earlier_batches_hint(session, ExportKind.agi, period=month.text),
            code="nothing_to_export",
        )
    declared = _declared(session, month, _payslips(session, month))
    contact = agi.Contact(
        name=cooperative.contact_name or "",
        phone=cooperative.contact_phone or "",
        email=cooperative.contact_email or "",
    )
    organisation_number = cooperative.organisation_number or ""
    try:
        file = agi.render(
            sender=agi.Sender(
                program_name=PROGRAM_NAME, organisation_number=organisation_number, technical_contact=contact
            ),
            employer=agi.Employer(organisation_number=organisation_number, contact=contact),
            period=month.agi_period,
            contribution_bases=declared.contribution_bases(),
            returns=declared.individual_returns(
                foreign=_foreign_payees(session, month), titles=_asink_activities(session, month)
            ),
            created_at=created_at.astimezone(SWEDEN).replace(tzinfo=None),
        )
    except agi.InvalidDeclaration as exc:
        raise RuleViolation(str(exc), code="invalid_declaration", field="period") from exc
    return store_batch(
        session,
        kind=ExportKind.agi,
        file=file,
        covered=[CoveredIds(DocumentKind.payslip, _new_payslips(month))],
        notes=left_out_runs(session, month) + declared.threshold_notes,
        created_at=created_at,
        created_by_id=created_by_id,
        period=month.text,
    )


def _new_payslips(month: Month) -> Select[Any]:
    """The ids of the month's payslips that no AGI batch holds yet."""
    declared = select(ExportedDocument.document_id).where(
        ExportedDocument.export_kind == ExportKind.agi, ExportedDocument.document_kind == DocumentKind.payslip
    )
    return payslips_paid_in_query(month, Payslip.id).where(Payslip.id.not_in(declared))


def _payslips(session: Session, month: Month) -> list[Row[Any]]:
    """The month's payslips in the order they are declared (pay date, year, number), with the personnummer
    each was issued to as stored (``_declared`` decrypts them at once)."""
    query = (
        select(
            Payslip.id,
            Payslip.member_id,
            Payslip.number,
            Payslip.year,
            stored(Payslip.employee_personal_identity_number),
        )
        .where(*paid_in(month))
        .order_by(Payslip.pay_date, Payslip.year, Payslip.sequence)
    )
    return list(session.execute(query))


@dataclass(slots=True)
class _Return:
    """One IU being summed: the first line's payee, tax mode and assignment, and the amounts so far."""

    member_id: int
    tax_mode: str
    assignment_id: int
    cash_pay: Decimal = ZERO
    pay_not_contribution_base: Decimal = ZERO
    tax: Decimal = ZERO


@dataclass(slots=True)
class _Declared:
    """What the month's payslip lines add up to, summed line by line in the payslips' order.

    - one IU per person and tax field; the specification number depends only on the tax field, so it is
      the same every time the month is sent (flat/table 1, SINK 2, A-SINK 3);
    - one contribution base per person, category and rate (FK487 drops the öre of each before adding a
      rate's bases). A line's parts hold its base; a payout that reached the yearly 1 000 kr carries the
      year's earlier pay in its base too (payroll.md §2). Pay without contributions has no parts or a zero
      rate, and goes in FK131 instead of FK011: born 1937 or earlier (rate 0), or the year's pay still below
      1 000 kr when paid (no parts);
    - a note for each line whose base holds pay of earlier months: FK487 is then more than the IUs alone
      give, and the note lets the treasurer answer Skatteverket's question about the difference.
    """

    returns: dict[tuple[str, int], _Return] = field(default_factory=dict)
    bases: dict[tuple[str, str, Decimal], Decimal] = field(default_factory=dict)
    threshold_notes: list[str] = field(default_factory=list)

    def add(
        self,
        payslip: Row[Any],
        personal_identity_number: str,
        line: tuple[Any, ...],
        parts: list[dict[str, str]],
    ) -> None:
        """Add a line of ``payslip`` (issued to ``personal_identity_number``) with its contribution parts."""
        _, assignment_id, tax_mode, category, _, taxable_pay, tax = line
        is_contribution_base = False
        base = ZERO
        for part in parts:
            rate, part_base = Decimal(part["rate"]), Decimal(part["base"])
            base += part_base
            if rate:
                is_contribution_base = True
                at_rate = (personal_identity_number, category, rate)
                self.bases[at_rate] = self.bases.get(at_rate, ZERO) + part_base
        key = (personal_identity_number, _TAX_MODE_SPECIFICATION[tax_mode])
        summed = self.returns.get(key)
        if summed is None:
            summed = self.returns[key] = _Return(payslip.member_id, tax_mode, assignment_id)
        if is_contribution_base:
            summed.cash_pay += taxable_pay
        else:
            summed.pay_not_contribution_base += taxable_pay
        summed.tax += tax
        if is_contribution_base and base > taxable_pay:
            self.threshold_notes.append(
                f"payslip {payslip.number} ({mask_personal_identity(personal_identity_number)}): the year's "
                f"pay reached the 1 000 kr threshold, so the contributions include {base - taxable_pay} "
                f"kr paid earlier in {payslip.year} without contributions (SFS 2000:980 2 kap. 24 §); FK487 "
                "is that much base more than this month's FK011"
            )

    def contribution_bases(self) -> list[agi.ContributionBase]:
        return [
            agi.ContributionBase(category=category, rate=rate, base=base)  # type: ignore[arg-type]  # stored as one of the four categories
            for (_, category, rate), base in sorted(self.bases.items())
        ]

    def individual_returns(
        self, *, foreign: dict[int, agi.ForeignPayee], titles: dict[int, str]
    ) -> list[agi.IndividualReturn]:
        """The IUs in personnummer and specification number order; a SINK or A-SINK IU names the payee of
        its first line, an A-SINK IU the activity of that line's assignment."""
        return [
            agi.IndividualReturn(
                personal_identity_number=number,
                specification_number=specification,
                cash_pay=summed.cash_pay,
                pay_not_contribution_base=summed.pay_not_contribution_base,
                tax=summed.tax,
                tax_mode=summed.tax_mode,  # type: ignore[arg-type]  # stored as one of the four modes
                activity=titles[summed.assignment_id][:100] if summed.tax_mode == "asink" else None,
                payee=foreign.get(summed.member_id) if summed.tax_mode in ("sink", "asink") else None,
            )
            for (number, specification), summed in sorted(self.returns.items())
        ]


def _declared(session: Session, month: Month, payslips: list[Row[Any]]) -> _Declared:
    """The month's payslip lines (one statement), added up in the payslips' order and then the lines', with
    the personnummer each payslip was issued to (``_Declared``)."""
    issued = decrypted(
        (payslip.employee_personal_identity_number for payslip in payslips),
        Payslip.employee_personal_identity_number,
    )
    numbers = as_issued(
        session,
        ((payslip.id, number) for payslip, number in zip(payslips, issued, strict=True)),
        field="personal_identity_number",
    )
    query = (
        select(
            PayslipLine.payslip_id,
            PayslipLine.assignment_id,
            PayslipLine.tax_mode,
            PayslipLine.contribution_category,
            cast(PayslipLine.contribution_parts, Text).label("contribution_parts"),
            PayslipLine.taxable_pay,
            PayslipLine.tax,
        )
        .join(Payslip, Payslip.id == PayslipLine.payslip_id)
        .where(*paid_in(month))
        .order_by(PayslipLine.payslip_id, PayslipLine.position)
    )
    rows = list(session.execute(query))
    # Every line's contribution parts parsed at once, as one JSON array: a parser call of its own for each
    # of 20 000 small documents costs more than parsing them.
    parts = json.loads("[" + ",".join(row.contribution_parts for row in rows) + "]")
    lines: dict[int, list[tuple[tuple[Any, ...], list[dict[str, str]]]]] = {}
    for row, its_parts in zip(rows, parts, strict=True):
        lines.setdefault(row.payslip_id, []).append((row, its_parts))
    declared = _Declared()
    for payslip in payslips:
        for line, its_parts in lines.get(payslip.id, ()):
            declared.add(payslip, numbers[payslip.id], line, its_parts)
    return declared


def _lines_taxed(month: Month, *modes: str) -> Select[Any]:
    """The month's payslip lines taxed in one of ``modes`` (a statement to select their columns from)."""
    return (
        select(PayslipLine)
        .join(Payslip, Payslip.id == PayslipLine.payslip_id)
        .where(*paid_in(month), PayslipLine.tax_mode.in_(modes))
    )


def _asink_activities(session: Session, month: Month) -> dict[int, str]:
    """The titles of the month's A-SINK lines' assignments (the activity the IU names), one statement."""
    assignments = _lines_taxed(month, "asink").with_only_columns(PayslipLine.assignment_id)
    rows = session.execute(select(Assignment.id, Assignment.title).where(Assignment.id.in_(assignments)))
    return {row.id: row.title for row in rows}


def _foreign_payees(session: Session, month: Month) -> dict[int, agi.ForeignPayee]:
    """Name, address abroad, citizenship and TIN of the month's SINK and A-SINK payees, one statement; of
    their encrypted fields only the TIN is read, and the TINs are decrypted at once."""
    members = _lines_taxed(month, "sink", "asink").with_only_columns(Payslip.member_id)
    query = select(
        Member.id,
        Member.first_name,
        Member.last_name,
        Member.street,
        Member.postal_code,
        Member.city,
        Member.country,
        Member.citizenship,
        stored(Member.tax_identification_number),
        Member.tax_identification_country,
    ).where(Member.id.in_(members))
    rows = list(session.execute(query))
    tins = decrypted((row.tax_identification_number for row in rows), Member.tax_identification_number)
    return {
        member.id: agi.ForeignPayee(
            first_name=member.first_name,
            last_name=member.last_name,
            street=member.street,
            postal_code=member.postal_code,
            city=member.city,
            country=member.country,
            citizenship=member.citizenship,
            tin=tin,
            tin_country=member.tax_identification_country,
        )
        for member, tin in zip(rows, tins, strict=True)
    }
