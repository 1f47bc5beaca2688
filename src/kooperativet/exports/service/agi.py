"""The arbetsgivardeklaration (AGI) of a month of payment: HU and one IU per person and tax field
(payroll.md §2, exports.md). The XML itself is written by ``exports.formats.agi``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.core.identifiers import mask_personal_identity
from kooperativet.core.money import ZERO
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.exports.formats import agi
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportKind
from kooperativet.exports.service.batches import earlier_batches_hint, exported_ids, store_batch
from kooperativet.exports.service.period import Month, require_not_future
from kooperativet.exports.service.sources import (
    PROGRAM_NAME,
    SWEDEN,
    in_chunks,
    left_out_runs,
    members_by_id,
    payslips_paid_in,
    require_filled,
)
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
    payslips = payslips_paid_in(session, month)
    earlier = exported_ids(session, ExportKind.agi, DocumentKind.payslip)
    new = [payslip for payslip in payslips if payslip.id not in earlier]
    if not new:
        raise Conflict(
            f"no payslip paid out in {month.text} is left to declare"
            + earlier_batches_hint(session, ExportKind.agi, period=month.text),
            code="nothing_to_export",
        )
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
            contribution_bases=_contribution_bases(payslips),
            returns=_individual_returns(session, payslips),
            created_at=created_at.astimezone(SWEDEN).replace(tzinfo=None),
        )
    except agi.InvalidDeclaration as exc:
        raise RuleViolation(str(exc), code="invalid_declaration", field="period") from exc
    return store_batch(
        session,
        kind=ExportKind.agi,
        file=file,
        covered=[(DocumentKind.payslip, payslip.id) for payslip in new],
        notes=left_out_runs(session, month) + _threshold_notes(payslips),
        created_at=created_at,
        created_by_id=created_by_id,
        period=month.text,
    )


def _threshold_notes(payslips: Sequence[Payslip]) -> list[str]:
    """Name the people whose base this month holds pay of earlier months (the year reached 1 000 kr).

    Their contribution base is larger than the month's FK011, so FK487 is more than the IUs alone give;
    the note lets the treasurer answer Skatteverket's question about the difference (payroll.md §2).
    """
    notes = []
    for payslip in payslips:
        for line in payslip.lines:
            base = sum((Decimal(part["base"]) for part in line.contribution_parts), ZERO)
            if _is_contribution_base(line) and base > line.taxable_pay:
                number = mask_personal_identity(payslip.snapshot["employee"]["personal_identity_number"])
                notes.append(
                    f"payslip {payslip.number} ({number}): the year's pay reached the 1 000 kr threshold, so "
                    f"the contributions include {base - line.taxable_pay} kr paid earlier in {payslip.year} "
                    "without contributions (SFS 2000:980 2 kap. 24 §); FK487 is that much base more than "
                    "this month's FK011"
                )
    return notes


def _contribution_bases(payslips: Sequence[Payslip]) -> list[agi.ContributionBase]:
    """One base per person and rate (FK487 drops the öre of each before adding a rate's bases).

    A line's parts hold its contribution base; a payout that reached the yearly 1 000 kr carries the year's
    earlier pay in its base too (payroll.md §2). Pay without contributions has no parts or a zero rate.
    """
    bases: dict[tuple[str, str, Decimal], Decimal] = {}
    for payslip in payslips:
        number = payslip.snapshot["employee"]["personal_identity_number"]
        for line in payslip.lines:
            for part in line.contribution_parts:
                rate = Decimal(part["rate"])
                if rate:
                    key = (number, line.contribution_category, rate)
                    bases[key] = bases.get(key, ZERO) + Decimal(part["base"])
    return [
        agi.ContributionBase(category=category, rate=rate, base=base)  # type: ignore[arg-type]  # stored as one of the four categories
        for (_, category, rate), base in sorted(bases.items())
    ]


def _is_contribution_base(line: PayslipLine) -> bool:
    """Pay on which contributions were due (FK011); otherwise FK131: born 1937 or earlier (rate 0), or the
    year's pay still below 1 000 kr when paid (no parts)."""
    return any(Decimal(part["rate"]) for part in line.contribution_parts)


def _individual_returns(session: Session, payslips: Sequence[Payslip]) -> list[agi.IndividualReturn]:
    """One IU per person and tax field; the specification number depends only on the tax field, so it is
    the same every time the month is sent (flat/table 1, SINK 2, A-SINK 3)."""
    grouped: dict[tuple[str, int], list[tuple[Payslip, int]]] = {}
    for payslip in payslips:
        number = payslip.snapshot["employee"]["personal_identity_number"]
        for index, line in enumerate(payslip.lines):
            key = (number, _TAX_MODE_SPECIFICATION[line.tax_mode])
            grouped.setdefault(key, []).append((payslip, index))
    foreign = _foreign_payees(
        session,
        member_ids={
            payslip.member_id
            for items in grouped.values()
            for payslip, index in items
            if payslip.lines[index].tax_mode in ("sink", "asink")
        },
    )
    titles = _assignment_titles(
        session,
        {
            payslip.lines[index].assignment_id
            for items in grouped.values()
            for payslip, index in items
            if payslip.lines[index].tax_mode == "asink"
        },
    )
    returns = []
    for (number, specification), items in sorted(grouped.items()):
        lines = [payslip.lines[index] for payslip, index in items]
        mode = lines[0].tax_mode
        activity = titles[lines[0].assignment_id][:100] if mode == "asink" else None
        returns.append(
            agi.IndividualReturn(
                personal_identity_number=number,
                specification_number=specification,
                cash_pay=sum((line.taxable_pay for line in lines if _is_contribution_base(line)), ZERO),
                pay_not_contribution_base=sum(
                    (line.taxable_pay for line in lines if not _is_contribution_base(line)), ZERO
                ),
                tax=sum((line.tax for line in lines), ZERO),
                tax_mode=mode,  # type: ignore[arg-type]  # stored as one of the four modes
                activity=activity,
                payee=foreign.get(items[0][0].member_id) if mode in ("sink", "asink") else None,
            )
        )
    return returns


def _assignment_titles(session: Session, ids: set[int]) -> dict[int, str]:
    """The titles of the A-SINK payees' assignments (the activity the IU names), in one query per chunk."""
    titles: dict[int, str] = {}
    for chunk in in_chunks(ids):
        rows = session.execute(select(Assignment.id, Assignment.title).where(Assignment.id.in_(chunk)))
        titles.update({row.id: row.title for row in rows})
    return titles


def _foreign_payees(session: Session, *, member_ids: set[int]) -> dict[int, agi.ForeignPayee]:
    """Name, address abroad, citizenship and TIN of the SINK and A-SINK payees, in one query per chunk."""
    members = members_by_id(session, member_ids).values()
    return {
        member.id: agi.ForeignPayee(
            first_name=member.first_name,
            last_name=member.last_name,
            street=member.street,
            postal_code=member.postal_code,
            city=member.city,
            country=member.country,
            citizenship=member.citizenship,
            tin=member.tax_identification_number,
            tin_country=member.tax_identification_country,
        )
        for member in members
    }
