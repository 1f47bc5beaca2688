"""Commissions: registration, drafts, expenses and receipts, and each step of the lifecycle.

Services flush; the caller's transaction commits. A member sees and changes only their own assignments (and
only as drafts); the treasurer and the admin see all and decide. Invoicing and payroll move an approved
assignment on with :func:`mark_invoiced`, :func:`mark_paid`, :func:`mark_salaried` and :func:`close`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from kooperativet.assignments import rules
from kooperativet.assignments.duties import refuse_own_work
from kooperativet.assignments.models import Assignment, AssignmentLine, Expense, Receipt
from kooperativet.assignments.rules import (
    AssignmentStatus,
    AssignmentWarning,
    ExtentUnit,
    FeeLine,
    Transition,
)
from kooperativet.assignments.schemas import (
    AssignmentCreate,
    AssignmentSort,
    AssignmentUpdate,
    ExpenseCreate,
    FeeLineCreate,
)
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.auth.service import check_version
from kooperativet.core.vat import VatCategory
from kooperativet.db import fetch_page
from kooperativet.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from kooperativet.parameters import service as parameters_service
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Client, Member
from kooperativet.parties.ownership import owner_user_id
from kooperativet.parties.schemas import ClientCreate

#: From approval on, an assignment is an employment: its terms no longer change.
DECIDED = frozenset(
    {
        AssignmentStatus.approved,
        AssignmentStatus.invoiced,
        AssignmentStatus.paid,
        AssignmentStatus.salaried,
        AssignmentStatus.closed,
    }
)
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._ -]+")


def clients_worked_for(*, actor: User) -> Select[int] | None:
    """The ids of the clients the actor works for (has an assignment for, in any status); None for the office,
    which sees every client. This is what makes a private-person client visible to a member."""
    if policy.sees_everything(actor):
        return None
    clients = select(Assignment.client_id)
    return policy.only_own(clients, actor, owner_user_id=owner_user_id(Assignment.member_id))


# --- reading -----------------------------------------------------------------------------------------


def get_assignment(session: Session, *, assignment_id: int, actor: User) -> Assignment:
    """An assignment; another member's is 404 to a member, not 403: existence is not disclosed."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or not policy.may_see(actor, owner_user_id=assignment.member.user_id):
        raise NotFound(f"assignment {assignment_id} does not exist")
    return assignment


def list_assignments(
    session: Session,
    *,
    actor: User,
    limit: int,
    offset: int,
    status: AssignmentStatus | None = None,
    member_id: int | None = None,
    client_id: int | None = None,
    sort: AssignmentSort = AssignmentSort.period_desc,
) -> tuple[list[Assignment], int]:
    """Assignments matching the filters, newest period first unless ``sort`` says otherwise; a member sees
    only their own."""
    query = policy.only_own(select(Assignment), actor, owner_user_id=owner_user_id(Assignment.member_id))
    if status is not None:
        query = query.where(Assignment.status == status)
    if member_id is not None:
        query = query.where(Assignment.member_id == member_id)
    if client_id is not None:
        query = query.where(Assignment.client_id == client_id)
    order, tiebreak = _ORDERS[sort]
    return fetch_page(session, query, limit=limit, offset=offset, order=order, tiebreak=tiebreak)


#: Each ``sort`` value: the column, and the id in the same direction so that equal periods keep one order.
_ORDERS: dict[AssignmentSort, tuple[list[ColumnElement[Any]], ColumnElement[Any]]] = {
    AssignmentSort.period: ([Assignment.period_start.asc()], Assignment.id.asc()),
    AssignmentSort.period_desc: ([Assignment.period_start.desc()], Assignment.id.desc()),
    AssignmentSort.created: ([], Assignment.id.asc()),
    AssignmentSort.created_desc: ([], Assignment.id.desc()),
}


def fee_lines(assignment: Assignment) -> list[FeeLine]:
    return [
        FeeLine(
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            vat_category=VatCategory(line.vat_category),
            vat_rate=line.vat_rate,
            exemption_reason=line.exemption_reason,
        )
        for line in assignment.lines
    ]


def fee_total(assignment: Assignment) -> Decimal:
    return rules.fee_total(fee_lines(assignment))


def assignment_warnings(session: Session, *, assignment: Assignment) -> list[AssignmentWarning]:
    """The warnings that concern the assignment alone: a long period, a low day rate, a missing reference.

    The member's SÄVA thresholds are added by ``employments.service``, which knows the employments.
    """
    minimum = _minimum_day_rate(session, on=assignment.period_start)
    return [
        *rules.period_warnings(start=assignment.period_start, end=assignment.period_end),
        *rules.day_rate_warnings(
            fee=fee_total(assignment),
            extent_quantity=assignment.extent_quantity,
            extent_unit=ExtentUnit(assignment.extent_unit),
            minimum_day_rate=minimum,
        ),
        *rules.buyer_reference_warnings(
            buyer_reference=assignment.buyer_reference, public_sector=assignment.client.public_sector
        ),
    ]


def _minimum_day_rate(session: Session, *, on: date) -> Decimal | None:
    try:
        return parameters_service.value_in_force(session, key="minimum_day_rate", on=on).as_decimal()
    except RuleViolation as exc:
        if exc.code == "missing_parameter":  # no minimum configured: nothing to warn about
            return None
        raise


# --- registering and changing a draft ----------------------------------------------------------------


def create_assignment(session: Session, *, data: AssignmentCreate, actor: User) -> Assignment:
    """Register a commission as a draft of the acting member; a new client may be given inline."""
    member = session.scalar(select(Member).where(Member.user_id == actor.id))
    if member is None:
        raise PermissionDenied("only a member registers assignments; no member record is linked to you")
    client = _client_for(session, client_id=data.client_id, new_client=data.client, actor=actor)
    rules.check_period(start=data.period_start, end=data.period_end)
    rules.check_positive(data.extent_quantity, field="extent_quantity")
    lines = [_fee_line(line) for line in data.lines]
    rules.check_fee_lines(lines=lines, client_vat_number=client.vat_number)
    for index, expense in enumerate(data.expenses):
        rules.check_expense(amount=expense.amount, vat_rate=expense.vat_rate, field=f"expenses.{index}")
    assignment = Assignment(
        member=member,
        client=client,
        title=data.title.strip(),
        description=data.description.strip(),
        period_start=data.period_start,
        period_end=data.period_end,
        place=_blank_to_none(data.place),
        extent_quantity=data.extent_quantity,
        extent_unit=data.extent_unit,
        buyer_reference=_blank_to_none(data.buyer_reference) or client.default_buyer_reference,
        status=AssignmentStatus.draft,
    )
    assignment.lines = _line_rows(data.lines)
    assignment.expenses = [_expense_row(expense) for expense in data.expenses]
    session.add(assignment)
    session.flush()
    return assignment


def update_assignment(
    session: Session, *, assignment: Assignment, update: AssignmentUpdate, actor: User
) -> Assignment:
    """Change one's own draft; the period, client and lines are checked again as a whole."""
    _require_own_draft(assignment, actor)
    check_version(assignment.version, update.version, what=f"assignment {assignment.id}")
    changes = update.model_dump(exclude_unset=True, exclude={"version", "lines"})
    for field in ("client_id", "title", "period_start", "period_end", "extent_quantity", "extent_unit"):
        if field in changes and changes[field] is None:
            raise RuleViolation(f"{field} cannot be empty", field=field)
    client = assignment.client
    if "client_id" in changes:
        client = _client_for(session, client_id=changes.pop("client_id"), new_client=None, actor=actor)
    start = changes.get("period_start", assignment.period_start)
    end = changes.get("period_end", assignment.period_end)
    rules.check_period(start=start, end=end)
    if "extent_quantity" in changes:
        rules.check_positive(changes["extent_quantity"], field="extent_quantity")
    lines = [_fee_line(line) for line in update.lines] if update.lines is not None else fee_lines(assignment)
    rules.check_fee_lines(lines=lines, client_vat_number=client.vat_number)
    assignment.client = client
    for field, value in changes.items():
        if field in ("place", "buyer_reference"):
            value = _blank_to_none(value)
        setattr(assignment, field, value.strip() if isinstance(value, str) else value)
    if update.lines is not None:
        assignment.lines.clear()
        session.flush()  # the old positions go before the new ones take them
        assignment.lines.extend(_line_rows(update.lines))
    assignment.version += 1
    session.flush()
    return assignment


def add_expense(session: Session, *, assignment: Assignment, data: ExpenseCreate, actor: User) -> Expense:
    _require_own_draft(assignment, actor)
    rules.check_expense(amount=data.amount, vat_rate=data.vat_rate, field="expense")
    expense = _expense_row(data)
    assignment.expenses.append(expense)
    assignment.version += 1
    session.flush()
    return expense


def remove_expense(session: Session, *, assignment: Assignment, expense_id: int, actor: User) -> None:
    _require_own_draft(assignment, actor)
    expense = get_expense(assignment, expense_id=expense_id)
    receipt = expense.receipt
    assignment.expenses.remove(expense)
    session.flush()
    if receipt is not None:
        session.delete(receipt)
    assignment.version += 1
    session.flush()


def get_expense(assignment: Assignment, *, expense_id: int) -> Expense:
    for expense in assignment.expenses:
        if expense.id == expense_id:
            return expense
    raise NotFound(f"assignment {assignment.id} has no expense {expense_id}")


def attach_receipt(
    session: Session, *, assignment: Assignment, expense_id: int, filename: str, content: bytes, actor: User
) -> Receipt:
    """Store a receipt for an expense of one's own draft, replacing an earlier one.

    The file must be a PDF, JPEG or PNG by its content (not its name) and at most 10 MB.
    """
    _require_own_draft(assignment, actor)
    expense = get_expense(assignment, expense_id=expense_id)
    rules.check_receipt_size(len(content))
    media_type = rules.receipt_media_type(content)
    previous = expense.receipt
    receipt = Receipt(
        filename=_safe_filename(filename),
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_id=actor.id,
    )
    expense.receipt = receipt
    session.flush()
    if previous is not None:
        session.delete(previous)
        session.flush()
    return receipt


def get_receipt(assignment: Assignment, *, expense_id: int) -> Receipt:
    receipt = get_expense(assignment, expense_id=expense_id).receipt
    if receipt is None:
        raise NotFound(f"expense {expense_id} has no receipt")
    return receipt


# --- the lifecycle ----------------------------------------------------------------------------------


def submit_assignment(
    session: Session, *, assignment: Assignment, version: int, actor: User, now: datetime
) -> Assignment:
    """The member hands in their draft for the treasurer's decision, at ``now`` (the caller's clock)."""
    _require_owner(assignment, actor)
    _move(assignment, Transition.submit, version=version)
    assignment.submitted_at = now
    session.flush()
    return assignment


def approve_assignment(
    session: Session,
    *,
    assignment: Assignment,
    version: int,
    actor: User,
    warnings: Sequence[AssignmentWarning],
    confirm_warnings: bool,
    now: datetime,
) -> Assignment:
    """The treasurer approves; ``warnings`` (all of them, SÄVA included) must be confirmed when there are any.

    Who decided, when, the warnings shown and the confirmation are recorded on the assignment. The employment
    is created by ``employments.service.approve_assignment``, which calls this. Nobody approves her own
    commission (``assignments.duties``).
    """
    _require_office(actor)
    refuse_own_work(actor_id=actor.id, worker=assignment.member, act=f"approve assignment {assignment.id}")
    if warnings and not confirm_warnings:
        check_version(assignment.version, version, what=f"assignment {assignment.id}")
        rules.next_status(assignment.status, Transition.approve)
        raise RuleViolation(
            "the assignment has warnings; approve again with confirm_warnings=true once you have read them",
            code="warnings_not_confirmed",
            field="confirm_warnings",
            warnings=[{"code": w.code, "message": w.message} for w in warnings],
        )
    _move(assignment, Transition.approve, version=version)
    assignment.decided_at = now
    assignment.decided_by_id = actor.id
    assignment.approval_warnings = [{"code": w.code, "message": w.message} for w in warnings]
    assignment.warnings_confirmed = bool(warnings)
    session.flush()
    return assignment


def reject_assignment(
    session: Session, *, assignment: Assignment, version: int, reason: str, actor: User, now: datetime
) -> Assignment:
    """The treasurer rejects with a reason; nobody rejects her own commission (``assignments.duties``)."""
    _require_office(actor)
    refuse_own_work(actor_id=actor.id, worker=assignment.member, act=f"reject assignment {assignment.id}")
    if not reason.strip():
        raise RuleViolation("say why the assignment is rejected", field="reason")
    _move(assignment, Transition.reject, version=version)
    assignment.rejection_reason = reason.strip()
    assignment.decided_at = now
    assignment.decided_by_id = actor.id
    session.flush()
    return assignment


def cancel_assignment(session: Session, *, assignment: Assignment, version: int, actor: User) -> Assignment:
    """The member (or the office) withdraws a draft or a submitted assignment."""
    if not policy.may_see(actor, owner_user_id=assignment.member.user_id):
        raise PermissionDenied("only the member or the treasurer may cancel an assignment")
    _move(assignment, Transition.cancel, version=version)
    session.flush()
    return assignment


def mark_invoiced(session: Session, *, assignment: Assignment) -> Assignment:
    """Invoicing has issued the assignment's invoice (approved → invoiced)."""
    return _advance(session, assignment, Transition.invoice)


def mark_paid(session: Session, *, assignment: Assignment) -> Assignment:
    """The client has paid the invoice (invoiced → paid)."""
    return _advance(session, assignment, Transition.pay)


def mark_salaried(session: Session, *, assignment: Assignment) -> Assignment:
    """Payroll has paid the salary for it: paid → salaried, or invoiced → salaried on pay_on=invoice."""
    return _advance(session, assignment, Transition.salary)


def close(session: Session, *, assignment: Assignment) -> Assignment:
    """Nothing is left to do (salaried → closed)."""
    return _advance(session, assignment, Transition.close)


def _advance(session: Session, assignment: Assignment, transition: Transition) -> Assignment:
    assignment.status = rules.next_status(assignment.status, transition)
    assignment.version += 1
    session.flush()
    return assignment


def _move(assignment: Assignment, transition: Transition, *, version: int) -> None:
    check_version(assignment.version, version, what=f"assignment {assignment.id}")
    assignment.status = rules.next_status(assignment.status, transition)
    assignment.version += 1


def _require_owner(assignment: Assignment, actor: User) -> None:
    if assignment.member.user_id != actor.id:
        raise PermissionDenied("only the member who registered the assignment may do this")


def _require_own_draft(assignment: Assignment, actor: User) -> None:
    _require_owner(assignment, actor)
    if assignment.status != AssignmentStatus.draft:
        raise Conflict(
            f"the assignment is {assignment.status}; only a draft can be changed",
            code="not_a_draft",
            current_status=str(assignment.status),
        )


def _require_office(actor: User) -> None:
    if not policy.sees_everything(actor):
        raise PermissionDenied("this needs one of the roles: admin, treasurer")


def _client_for(
    session: Session, *, client_id: int | None, new_client: ClientCreate | None, actor: User
) -> Client:
    """The assignment's client: a new one, or an existing one the actor may see (a private person only when
    the member already works for her), so an assignment cannot be used to reveal a private client."""
    if client_id is not None and new_client is not None:
        raise RuleViolation("give client_id or a new client, not both", field="client")
    if new_client is not None:
        return parties_service.create_client(session, data=new_client)
    if client_id is None:
        raise RuleViolation("give the client: client_id or a new client", field="client_id")
    try:
        return parties_service.get_client(
            session, client_id=client_id, worked_for=clients_worked_for(actor=actor)
        )
    except NotFound as exc:
        raise RuleViolation(f"client {client_id} does not exist", field="client_id") from exc


def _fee_line(line: FeeLineCreate) -> FeeLine:
    return FeeLine(
        description=line.description.strip(),
        quantity=line.quantity,
        unit=line.unit,
        unit_price=line.unit_price,
        vat_category=line.vat_category,
        vat_rate=line.vat_rate,
        exemption_reason=_blank_to_none(line.exemption_reason),
    )


def _line_rows(lines: Sequence[FeeLineCreate]) -> list[AssignmentLine]:
    return [
        AssignmentLine(
            position=position,
            description=line.description.strip(),
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            vat_category=line.vat_category,
            vat_rate=line.vat_rate,
            exemption_reason=_blank_to_none(line.exemption_reason),
        )
        for position, line in enumerate(lines, start=1)
    ]


def _expense_row(data: ExpenseCreate) -> Expense:
    return Expense(
        spent_on=data.spent_on,
        description=data.description.strip(),
        amount=data.amount,
        vat_rate=data.vat_rate,
        reinvoice=data.reinvoice,
    )


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _safe_filename(filename: str) -> str:
    name = _UNSAFE_FILENAME.sub("_", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip(" .")
    return name[:200] or "receipt"
