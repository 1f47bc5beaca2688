"""Registering a commission as a draft, and changing one's own draft."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from kooperativet.assignments import rules
from kooperativet.assignments.models import Assignment, AssignmentLine
from kooperativet.assignments.rules import AssignmentStatus, FeeLine
from kooperativet.assignments.schemas import AssignmentCreate, AssignmentUpdate, FeeLineCreate
from kooperativet.assignments.service.expenses import expense_row
from kooperativet.assignments.service.fees import fee_lines
from kooperativet.assignments.service.guards import blank_to_none, require_own_draft
from kooperativet.auth import policy
from kooperativet.auth.models import User
from kooperativet.auth.service import check_version
from kooperativet.db import insert_built
from kooperativet.errors import PermissionDenied, RuleViolation
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Client, Member
from kooperativet.parties.schemas import ClientCreate

#: The acting member, without her tax settings (a commission does not need them; they load if asked for).
#: Built once, so that its cache key is too.
_MEMBER_OF_USER: Final = (
    select(Member).options(lazyload(Member.tax_settings)).where(Member.user_id == bindparam("user_id"))
)


#: The client a member may take a commission for: an organisation, or a private person she already works
#: for (``parties.service.client_visibility``); the office may take any. Built once, with their cache keys:
#: building the visibility subquery anew cost a commission a quarter of its service's time.
_CLIENT_FOR_MEMBER: Final = select(Client).where(
    Client.id == bindparam("client_id"),
    parties_service.client_visibility(
        select(Assignment.client_id).where(Assignment.member_id == bindparam("member_id"))
    ),
)
_CLIENT_FOR_OFFICE: Final = select(Client).where(Client.id == bindparam("client_id"))


def create_assignment(session: Session, *, data: AssignmentCreate, actor: User) -> Assignment:
    """Register a commission as a draft of the acting member; a new client may be given inline."""
    return add_assignment(session, new_assignment(session, data=data, actor=actor))


def new_assignment(session: Session, *, data: AssignmentCreate, actor: User) -> Assignment:
    """The commission ``data`` describes, checked and built as the acting member's draft but not yet added to
    the session: what it reads (the member, the client) can be read before the writing transaction begins
    (``workflows.commission_register``). Only a new client given inline is written here."""
    member = session.scalar(_MEMBER_OF_USER, {"user_id": actor.id})
    if member is None:
        raise PermissionDenied("only a member registers assignments; no member record is linked to you")
    client = _client_for(
        session, client_id=data.client_id, new_client=data.client, actor=actor, member_id=member.id
    )
    rules.check_period(start=data.period_start, end=data.period_end)
    rules.check_positive(data.extent_quantity, field="extent_quantity")
    lines = [_fee_line(line) for line in data.lines]
    rules.check_fee_lines(lines=lines, client_vat_number=client.vat_number, client_country=client.country)
    for index, expense in enumerate(data.expenses):
        rules.check_expense(amount=expense.amount, vat_rate=expense.vat_rate, field=f"expenses.{index}")
    rules.check_amounts_fit(lines=lines, expense_amounts=[expense.amount for expense in data.expenses])
    assignment = Assignment(
        member=member,
        member_id=member.id,  # the ids too: the warnings read by them before the assignment is flushed
        client=client,
        client_id=client.id,
        title=data.title.strip(),
        description=data.description.strip(),
        period_start=data.period_start,
        period_end=data.period_end,
        place=blank_to_none(data.place),
        extent_quantity=data.extent_quantity,
        extent_unit=data.extent_unit,
        buyer_reference=blank_to_none(data.buyer_reference) or client.default_buyer_reference,
        status=AssignmentStatus.draft,
    )
    assignment.lines = _line_rows(data.lines)
    assignment.expenses = [expense_row(expense) for expense in data.expenses]
    return assignment


def add_assignment(session: Session, assignment: Assignment) -> Assignment:
    """Write a commission built by ``new_assignment``, with its lines and expenses: three INSERTs, not a
    flush (``db.insert_built``), for they are written while SQLite's one writer is held."""
    insert_built(session, assignment, [*assignment.lines, *assignment.expenses])
    return assignment


def update_assignment(
    session: Session, *, assignment: Assignment, update: AssignmentUpdate, actor: User
) -> Assignment:
    """Change one's own draft; the period, client and lines are checked again as a whole."""
    require_own_draft(assignment, actor)
    check_version(assignment, update.version, what=f"assignment {assignment.id}")
    changes = update.model_dump(exclude_unset=True, exclude={"version", "lines"})
    for field in ("client_id", "title", "period_start", "period_end", "extent_quantity", "extent_unit"):
        if field in changes and changes[field] is None:
            raise RuleViolation(f"{field} cannot be empty", field=field)
    client = assignment.client
    if "client_id" in changes:
        client = _client_for(
            session,
            client_id=changes.pop("client_id"),
            new_client=None,
            actor=actor,
            member_id=assignment.member_id,
        )
    start = changes.get("period_start", assignment.period_start)
    end = changes.get("period_end", assignment.period_end)
    rules.check_period(start=start, end=end)
    if "extent_quantity" in changes:
        rules.check_positive(changes["extent_quantity"], field="extent_quantity")
    lines = [_fee_line(line) for line in update.lines] if update.lines is not None else fee_lines(assignment)
    rules.check_fee_lines(lines=lines, client_vat_number=client.vat_number, client_country=client.country)
    rules.check_amounts_fit(lines=lines, expense_amounts=[expense.amount for expense in assignment.expenses])
    assignment.client = client
    for field, value in changes.items():
        if field in ("place", "buyer_reference"):
            value = blank_to_none(value)
        setattr(assignment, field, value.strip() if isinstance(value, str) else value)
    if update.lines is not None:
        assignment.lines.clear()
        session.flush()  # the old positions go before the new ones take them
        assignment.lines.extend(_line_rows(update.lines))
    assignment.version += 1
    session.flush()
    return assignment


def _client_for(
    session: Session, *, client_id: int | None, new_client: ClientCreate | None, actor: User, member_id: int
) -> Client:
    """The assignment's client: a new one, or an existing one the actor may see (a private person only when
    the member already works for her), so an assignment cannot be used to reveal a private client."""
    if client_id is not None and new_client is not None:
        raise RuleViolation("give client_id or a new client, not both", code="client_twice", field="client")
    if new_client is not None:
        return parties_service.create_client(session, data=new_client)
    if client_id is None:
        raise RuleViolation(
            "give the client: client_id or a new client", code="client_required", field="client_id"
        )
    if policy.sees_everything(actor):
        client = session.scalar(_CLIENT_FOR_OFFICE, {"client_id": client_id})
    else:
        client = session.scalar(_CLIENT_FOR_MEMBER, {"client_id": client_id, "member_id": member_id})
    if client is None:
        raise RuleViolation(f"client {client_id} does not exist", code="unknown_client", field="client_id")
    return client


def _fee_line(line: FeeLineCreate) -> FeeLine:
    return FeeLine(
        description=line.description.strip(),
        quantity=line.quantity,
        unit=line.unit,
        unit_price=line.unit_price,
        vat_category=line.vat_category,
        vat_rate=line.vat_rate,
        exemption_reason=blank_to_none(line.exemption_reason),
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
            exemption_reason=blank_to_none(line.exemption_reason),
        )
        for position, line in enumerate(lines, start=1)
    ]
