"""``db.insert_built``, which writes a new commission's rows by one INSERT per table instead of a flush: the
rows are what a flush would store, the objects are persistent and loaded afterwards (nothing pending,
nothing read back), and a refused INSERT fails as a flush fails."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kooperativet.assignments.models import Assignment, AssignmentLine, AssignmentStatus, Expense, ExtentUnit
from kooperativet.core.vat import VatCategory
from kooperativet.db import insert_built, table_of
from kooperativet.parties.models import Client, Member
from tests.statement_count import counted


def _commission(member: Member, client: Client, *, title: str = "Skrivarverkstad") -> Assignment:
    assignment = Assignment(
        member=member,
        member_id=member.id,
        client=client,
        client_id=client.id,
        title=title,
        period_start=date(2026, 10, 5),
        period_end=date(2026, 10, 9),
        extent_quantity=Decimal("5"),
        extent_unit=ExtentUnit.days,
        status=AssignmentStatus.draft,
    )
    assignment.lines = [
        AssignmentLine(
            position=position,
            description=f"Dag {position}",
            quantity=Decimal("1"),
            unit="DAY",
            unit_price=Decimal("3000.00"),
            vat_category=VatCategory.STANDARD,
            vat_rate=Decimal("25"),
        )
        for position in (1, 2)
    ]
    assignment.expenses = [
        Expense(
            spent_on=date(2026, 10, 5), description="Tåg", amount=Decimal("789.00"), vat_rate=Decimal("6")
        )
    ]
    return assignment


def _stored(session: Session, table_entity: type, **where: int) -> list[dict[str, object]]:
    table = table_of(table_entity)
    query = select(table).filter_by(**where).order_by(table.c.id)
    return [dict(row._mapping) for row in session.execute(query)]


def test_the_rows_are_what_a_flush_stores_by_its_statements_and_the_objects_are_loaded(
    session: Session, connection: Connection, make_member, client_record: Client
) -> None:
    member = make_member().member

    def head(statement: str) -> str:
        """What a statement does and to which table (``INSERT INTO assignments``): its text up to a ``(``."""
        return statement.split("(")[0].strip()

    with counted(connection) as sent:
        flushed = _commission(member, client_record, title="Flushed")
        session.add(flushed)
        session.flush()
        by_flush = [head(statement) for statement in sent.sql]
        built = _commission(member, client_record, title="Built")
        insert_built(session, built, [*built.lines, *built.expenses])
        # Everything a commission's answer reads is in memory: no statement reads it back.
        version, confirmed = built.version, built.warnings_confirmed
        names = (built.member.full_name, built.client.name)
        lines = [(line.id, line.assignment_id) for line in built.lines]
        expenses = [(expense.id, expense.reinvoice, expense.receipt) for expense in built.expenses]
        session.flush()  # nothing is pending
    statements = [head(statement) for statement in sent.sql[len(by_flush) :]]

    # The flush's INSERTs and no more: one per table, or per line where the database returns no ids in
    # order for several rows (SQLite), as the flush does.
    assert statements == by_flush
    assert set(statements) == {
        "INSERT INTO assignments",
        "INSERT INTO assignment_lines",
        "INSERT INTO expenses",
    }
    assert version == 1  # the columns' defaults, applied as a flush applies them
    assert confirmed is False
    assert names == (member.full_name, client_record.name)
    assert all(line_id is not None and of == built.id for line_id, of in lines)
    assert expenses == [(built.expenses[0].id, True, None)]
    assert built in session
    assert not session.new
    assert not session.dirty

    def comparable(rows: list[dict[str, object]], *ignored: str) -> list[dict[str, object]]:
        return [{k: v for k, v in row.items() if k not in ignored} for row in rows]

    ignored = ("id", "assignment_id", "title", "created_at", "updated_at")
    assert comparable(_stored(session, Assignment, id=built.id), *ignored) == comparable(
        _stored(session, Assignment, id=flushed.id), *ignored
    )
    assert _stored(session, Assignment, id=built.id)[0]["created_at"] is not None
    for entity in (AssignmentLine, Expense):
        written = _stored(session, entity, assignment_id=built.id)
        assert len(written) == len(_stored(session, entity, assignment_id=flushed.id))
        assert comparable(written, "id", "assignment_id") == comparable(
            _stored(session, entity, assignment_id=flushed.id), "id", "assignment_id"
        )


def test_a_change_after_it_is_written_by_the_ordinary_flush(
    session: Session, make_member, client_record: Client
) -> None:
    built = _commission(make_member().member, client_record)
    insert_built(session, built, [*built.lines, *built.expenses])
    built.title = "Ändrad"
    built.lines[0].description = "Första dagen"
    session.flush()
    session.expire_all()
    assert session.get_one(Assignment, built.id).title == "Ändrad"
    assert session.get_one(AssignmentLine, built.lines[0].id).description == "Första dagen"


def test_a_refused_insert_fails_as_a_flush_fails(
    session: Session, make_member, client_record: Client
) -> None:
    built = _commission(make_member().member, client_record)
    built.lines[1].position = 1  # two lines in one position: the unique constraint refuses the second
    with pytest.raises(IntegrityError):
        insert_built(session, built, [*built.lines, *built.expenses])
