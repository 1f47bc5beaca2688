"""The arbetsgivardeklaration (AGI) of a month of payment: HU and one IU per person and tax field
(payroll.md §2, exports.md). The XML itself is written by ``exports.formats.agi``.

The month is read as plain rows in a fixed number of statements — its payslips, its payslip lines with the
payslips' order, the personnummer each payslip was issued to, and for SINK and A-SINK payees their details
abroad and activities — and summed in Python with ``Decimal`` (SQLite would sum money as doubles).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import Row, Select, Text, cast, select
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment
from kooperativet.core.batch import cyclic_collector_paused
from kooperativet.core.identifiers import mask_personal_identity
from kooperativet.core.money import ZERO, drop_ore
from kooperativet.encryption import decrypted, stored
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.exports.formats import agi
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportedDocument, ExportKind
from kooperativet.exports.service.batches import (
    CoveredIds,
    cooperative_taking_turns,
    earlier_batches_hint,
    store_batch,
)
from kooperativet.exports.service.period import Month, require_not_future
from kooperativet.exports.service.sources import (
    PROGRAM_NAME,
    SWEDEN,
    as_issued,
    left_out_runs,
    paid_in,
    payslips_paid_in_query,
    plain_rows,
    require_filled,
)
from kooperativet.parties.models import Member
from kooperativet.payroll.models import Payslip, PayslipLine

_TAX_MODE_SPECIFICATION: Final = {"flat": 1, "table": 1, "sink": 2, "asink": 3}


@cyclic_collector_paused()  # a month's worth of rows at once (core/batch.py)
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
    cooperative = cooperative_taking_turns(session)  # before what is left to export is read
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
    declared = _declared(session, month)
    contact = agi.Contact(
        name=cooperative.contact_name or "",
        phone=cooperative.contact_phone or "",
        email=cooperative.contact_email or "",
    )
    organisation_number = cooperative.organisation_number or ""
    sender = agi.Sender(
        program_name=PROGRAM_NAME, organisation_number=organisation_number, technical_contact=contact
    )
    employer = agi.Employer(organisation_number=organisation_number, contact=contact)
    try:
        foreign = _foreign_payees(session, month)
        payees = declared.individual_returns(foreign=foreign, titles=_asink_activities(session, month))
        returns = [individual for _, individual in payees]
        # Every field Skatteverket would refuse, all at once and before anything is written or stored.
        problems = agi.field_problems(sender=sender, employer=employer, returns=returns)
        if problems:
            raise _fields_invalid(problems, members=[member_id for member_id, _ in payees], foreign=foreign)
        file = agi.render(
            sender=sender,
            employer=employer,
            period=month.agi_period,
            contribution_bases=declared.contribution_bases(),
            returns=returns,
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
        vat_base_above_40_million=cooperative.vat_base_above_40_million,
    )


#: The member's field each payee format is checked on (the API's names).
_MEMBER_FIELDS: Final = {
    "first_name": "first_name",
    "last_name": "last_name",
    "street": "street",
    "postal_code": "postal_code",
    "city": "city",
    "tin": "tax_identification_number",
}


def _fields_invalid(
    problems: Sequence[agi.FieldProblem], *, members: Sequence[int], foreign: Mapping[int, agi.ForeignPayee]
) -> RuleViolation:
    """One 422 listing every field outside Skatteverket's format: whose (the cooperative's contact, a member
    by id and name, the program), which field and what it must be (``invalid_fields``; ``errors`` in the
    usual field/reason shape)."""
    invalid: list[dict[str, Any]] = []
    for problem in problems:
        fmt = problem.format
        entry: dict[str, Any] = {"who": "cooperative", "member_id": None, "member_name": None}
        field_name = fmt.key
        if problem.return_index is not None:
            member_id = members[problem.return_index]
            payee = foreign.get(member_id)
            name = " ".join(part for part in (payee.first_name, payee.last_name) if part) if payee else ""
            entry = {"who": "member", "member_id": member_id, "member_name": name}
            field_name = _MEMBER_FIELDS[fmt.key]
        elif fmt.key == "program_name":
            entry["who"] = "program"
        entry.update(
            field=field_name, element=fmt.element, field_code=fmt.field_code, requirement=fmt.requirement
        )
        invalid.append(entry)
    described = [
        (
            f"member {entry['member_id']} ({entry['member_name']}): {entry['field']}"
            if entry["who"] == "member"
            else f"the {entry['who']}'s {entry['field']}"
        )
        + f" must be {entry['requirement']}"
        for entry in invalid
    ]
    return RuleViolation(
        f"Skatteverket would refuse the whole arbetsgivardeklaration for {len(invalid)} "
        f"field{'s' if len(invalid) > 1 else ''}: " + "; ".join(described) + ". Nothing was exported.",
        code="agi_fields_invalid",
        errors=[
            {
                "field": (
                    f"members.{entry['member_id']}.{entry['field']}"
                    if entry["who"] == "member"
                    else f"{entry['who']}.{entry['field']}"
                ),
                "reason": entry["requirement"],
            }
            for entry in invalid
        ],
        invalid_fields=invalid,
    )


def _new_payslips(month: Month) -> Select[Any]:
    """The ids of the month's payslips that no AGI batch holds yet."""
    declared = select(ExportedDocument.document_id).where(
        ExportedDocument.export_kind == ExportKind.agi, ExportedDocument.document_kind == DocumentKind.payslip
    )
    return payslips_paid_in_query(month, Payslip.id).where(Payslip.id.not_in(declared))


def _issued_numbers(session: Session, month: Month) -> dict[int, str]:
    """The personnummer each of the month's payslips was issued to, by payslip id: read as stored and
    decrypted at once (``as_issued``)."""
    payslips = plain_rows(
        session, select(Payslip.id, stored(Payslip.employee_personal_identity_number)).where(*paid_in(month))
    )
    issued = decrypted((number for _, number in payslips), Payslip.employee_personal_identity_number)
    return as_issued(
        session,
        zip((payslip_id for payslip_id, _ in payslips), issued, strict=True),
        field="personal_identity_number",
    )


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

    def add_lines(
        self,
        lines: Iterable[Row[*tuple[Any, ...]]],
        parts: Iterable[list[dict[str, str]]],
        numbers: Mapping[int, str],
    ) -> None:
        """Add the month's lines (``_month_lines``) in their order, each with its contribution parts and the
        personnummer its payslip was issued to (``numbers``, by payslip id)."""
        # One loop over the month's 20 000 lines, its dictionaries and table in local names.
        bases, returns, specifications = self.bases, self.returns, _TAX_MODE_SPECIFICATION
        for line, its_parts in zip(lines, parts, strict=True):
            # Unpacked, not read by name: reading a row's columns by name costs more than adding the line.
            _, payslip_id, assignment_id, tax_mode, category, taxable_pay, tax, member_id, number, year = line
            personal_identity_number = numbers[payslip_id]
            is_contribution_base = False
            base = ZERO
            for part in its_parts:
                rate, part_base = Decimal(part["rate"]), Decimal(part["base"])
                base += part_base
                if rate:
                    is_contribution_base = True
                    at_rate = (personal_identity_number, category, rate)
                    bases[at_rate] = bases.get(at_rate, ZERO) + part_base
            key = (personal_identity_number, specifications[tax_mode])
            summed = returns.get(key)
            if summed is None:
                summed = returns[key] = _Return(member_id, tax_mode, assignment_id)
            if is_contribution_base:
                summed.cash_pay += taxable_pay
            else:
                summed.pay_not_contribution_base += taxable_pay
            summed.tax += tax
            if is_contribution_base and base > taxable_pay:
                self.threshold_notes.append(
                    f"payslip {number} ({mask_personal_identity(personal_identity_number)}): the "
                    "year's pay reached the 1 000 kr threshold, so the contributions include "
                    f"{base - taxable_pay} kr paid earlier in {year} without contributions "
                    "(SFS 2000:980 2 kap. 24 §); FK487 is that much base more than this month's FK011"
                )

    def contribution_bases(self) -> list[agi.ContributionBase]:
        return [
            agi.ContributionBase(category=category, rate=rate, base=base)  # type: ignore[arg-type]  # stored as one of the four categories
            for (_, category, rate), base in sorted(self.bases.items())
        ]

    def individual_returns(
        self, *, foreign: dict[int, agi.ForeignPayee], titles: dict[int, str]
    ) -> list[tuple[int, agi.IndividualReturn]]:
        """The IUs in personnummer and specification number order, each with the member it is for; a SINK or
        A-SINK IU names the payee of its first line, an A-SINK IU the activity of that line's assignment. A
        person paid nothing but an outlay back has no IU: an outlay is neither pay nor taxed, so there is
        nothing to declare."""
        return [
            (
                summed.member_id,
                agi.IndividualReturn(
                    personal_identity_number=number,
                    specification_number=specification,
                    cash_pay=summed.cash_pay,
                    pay_not_contribution_base=summed.pay_not_contribution_base,
                    tax=summed.tax,
                    tax_mode=summed.tax_mode,  # type: ignore[arg-type]  # stored as one of the four modes
                    activity=titles[summed.assignment_id][:100] if summed.tax_mode == "asink" else None,
                    payee=foreign.get(summed.member_id) if summed.tax_mode in ("sink", "asink") else None,
                ),
            )
            for (number, specification), summed in sorted(self.returns.items())
            if summed.cash_pay or summed.pay_not_contribution_base or summed.tax
        ]


@dataclass(frozen=True, slots=True)
class DeclaredSums:
    """What the AGI of a month declares in its HU, in whole kronor: FK487 and FK497. Skatteverket debits the
    tax account with these, not with the payslips' sums in öre (a krona or so more; exports.md, FK487)."""

    employer_contributions: int
    tax_withheld: int


def declared_sums(session: Session, month: Month) -> DeclaredSums:
    """FK487 and FK497 of the AGI of ``month`` as ``export_agi`` would write them now, without the file."""
    declared = _declared(session, month)
    return DeclaredSums(
        employer_contributions=agi.sum_employer_contributions(bases=declared.contribution_bases()),
        # FK497 adds the IUs' tax fields, each in whole kronor (agi.sum_tax_withheld).
        tax_withheld=sum(drop_ore(summed.tax) for summed in declared.returns.values()),
    )


def _declared(session: Session, month: Month) -> _Declared:
    """The month's payslip lines (one statement), added up in the payslips' order and then the lines', with
    the personnummer each payslip was issued to (``_Declared``)."""
    numbers = _issued_numbers(session, month)
    lines = _month_lines(session, month)
    # Every line's contribution parts parsed at once, as one JSON array: a parser call of its own for each
    # of 20 000 small documents costs more than parsing them.
    parts = json.loads("[" + ",".join(line[0] for line in lines) + "]")  # the first column
    declared = _Declared()
    declared.add_lines(lines, parts, numbers)
    return declared


def _month_lines(session: Session, month: Month) -> Sequence[Row[*tuple[Any, ...]]]:
    """The month's payslip lines in the order they are declared — their payslips' (pay date, then year and
    sequence, which no two payslips share), then their own — with their payslip's payee, number and year:
    the contribution parts as JSON text, then the columns ``_Declared.add_lines`` unpacks."""
    query = (
        select(
            cast(PayslipLine.contribution_parts, Text).label("contribution_parts"),
            PayslipLine.payslip_id,
            PayslipLine.assignment_id,
            PayslipLine.tax_mode,
            PayslipLine.contribution_category,
            PayslipLine.taxable_pay,
            PayslipLine.tax,
            Payslip.member_id,
            Payslip.number,
            Payslip.year,
        )
        .join(Payslip, Payslip.id == PayslipLine.payslip_id)
        .where(*paid_in(month))
        .order_by(Payslip.pay_date, Payslip.year, Payslip.sequence, PayslipLine.position)
    )
    return plain_rows(session, query)


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
    query = select(Assignment.id, Assignment.title).where(Assignment.id.in_(assignments))
    return dict(plain_rows(session, query))


def _foreign_payees(session: Session, month: Month) -> dict[int, agi.ForeignPayee]:
    """Name, address abroad, citizenship and TIN of the month's SINK and A-SINK payees, one statement; of
    their encrypted fields only the TIN is read, and the TINs are decrypted at once."""
    members = _lines_taxed(month, "sink", "asink").with_only_columns(Payslip.member_id)
    query = select(
        stored(Member.tax_identification_number),
        Member.id,
        Member.first_name,
        Member.last_name,
        Member.street,
        Member.postal_code,
        Member.city,
        Member.country,
        Member.citizenship,
        Member.tax_identification_country,
    ).where(Member.id.in_(members))
    rows = plain_rows(session, query)
    tins = decrypted((stored_tin for stored_tin, *_ in rows), Member.tax_identification_number)
    payees = {}
    for tin, row in zip(tins, rows, strict=True):
        _, member_id, first_name, last_name, street, postal_code, city, country, citizenship, tin_country = (
            row
        )
        payees[member_id] = agi.ForeignPayee(
            first_name=first_name,
            last_name=last_name,
            street=street,
            postal_code=postal_code,
            city=city,
            country=country,
            citizenship=citizenship,
            tin=tin,
            tin_country=tin_country,
        )
    return payees
