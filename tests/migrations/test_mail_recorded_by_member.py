"""The migration that records each message's member fills it where the member can be found reliably (a payslip
notice by its payslip; a member's mail by an address only she has today), leaves it empty otherwise, empties
the address of finished password reset jobs, and goes down and up again keeping every message."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import JSON, column, insert, inspect, table, text

from kooperativet import migrate
from kooperativet.db import make_engine

BEFORE = "7d2b5e8c1f46"
THIS = "a3c9e5f1b7d2"
NOW = "2026-12-01 12:00:00+00:00"
JOB_COLUMNS = ("id", "kind", "state", "attempts", "max_attempts", "run_after", "created_at")

USERS = [
    (1, "anna@example.se"),  # Anna's login
    (2, "office@example.se"),  # a login of nobody's
    (3, "removed-user-3@invalid"),  # Eva's login, detached when she was removed
]
#: id, e-mail, login, removed
MEMBERS = [
    (1, "Anna@Example.se", 1, False),
    (2, "bo@example.se", None, False),
    (3, "shared@example.se", None, False),
    (4, "shared@example.se", None, False),
    (5, None, None, True),
]
#: id, template, recipient, Message-ID, the member the upgrade finds
MESSAGES = [
    (1, "invitation", "anna@example.se", "<1@x>", 1),  # her login's and her record's address
    (2, "meeting_notice", "Bo Berg <BO@example.se>", "<2@x>", 2),
    (3, "vote_opened", "shared@example.se", "<3@x>", None),  # two members have the address
    (4, "invoice", "bo@example.se", "<4@x>", None),  # a client's mail, not a member's
    (5, "password_reset", "office@example.se", "<5@x>", None),  # a login linked to no member
    (6, "payslip_ready", "Eva <eva@example.se>", "<payslip-7@kooperativet.local>", 5),  # by its payslip
    (7, "member_details_changed", "eva@example.se", "<7@x>", None),  # removed: her address is gone
]


def _execute(url: str, statement: str, **values: object) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), values)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def _insert_the_record(url: str) -> None:
    for user_id, email in USERS:
        _execute(
            url,
            "INSERT INTO users (id, email, full_name, password_hash, is_active, created_at, updated_at,"
            " version) VALUES (:id, :email, 'Någon', 'x', true, :now, :now, 1)",
            id=user_id,
            email=email,
            now=NOW,
        )
    for member_id, email, user_id, removed in MEMBERS:
        _execute(
            url,
            "INSERT INTO members (id, first_name, last_name, personal_identity_number,"
            " personal_identity_number_index, is_coordination_number, birth_date, country, joined_on,"
            " language, email, user_id, pseudonymised_at, created_at, updated_at, version)"
            " VALUES (:id, 'A', 'B', 'v1:pnr', :index, false, '1990-05-14', 'SE', '2025-01-01', 'sv',"
            " :email, :user_id, :removed, :now, :now, 1)",
            id=member_id,
            index=f"index-{member_id}",
            email=email,
            user_id=user_id,
            removed=NOW if removed else None,
            now=NOW,
        )
    _execute(
        url,
        "INSERT INTO payroll_runs (id, pay_date, pay_on, status, created_at, updated_at, version)"
        " VALUES (1, '2026-11-25', 'date', 'approved', :now, :now, 1)",
        now=NOW,
    )
    _execute(
        url,
        "INSERT INTO payslips (id, run_id, member_id, year, sequence, number, pay_date, language,"
        " invoiced_amount, fee, gross_salary, holiday_pay, employer_contributions, residue, taxable_pay, tax,"
        " expense_reimbursement, net_pay, year_to_date_gross, year_to_date_taxable, year_to_date_tax,"
        " issued_at) VALUES (7, 1, 5, 2026, 1, 'L-2026-0001', '2026-11-25', 'sv', 0, 0, 0, 0, 0, 0, 0, 0,"
        " 0, 0, 0, 0, 0, :now)",
        now=NOW,
    )
    mail = table(
        "outgoing_mail",
        *(column(name) for name in ("id", "template", "language", "subject", "text_body", "message_id")),
        *(column(name) for name in ("state", "queued_at")),
        *(column(name, JSON) for name in ("to_addresses", "bcc_addresses", "attachments")),
    )
    jobs = table("jobs", *(column(name) for name in JOB_COLUMNS), column("payload", JSON))
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(mail),
                [
                    {
                        "id": mail_id,
                        "template": template,
                        "language": "sv",
                        "to_addresses": [recipient],
                        "bcc_addresses": [],
                        "subject": "Ämne",
                        "text_body": "Hej!",
                        "attachments": [],
                        "message_id": message_id,
                        "state": "sent",
                        "queued_at": NOW,
                    }
                    for mail_id, template, recipient, message_id, _member in MESSAGES
                ],
            )
            connection.execute(
                insert(jobs),
                [
                    {
                        "id": job_id,
                        "kind": "password_reset_link",
                        "payload": {"email": email},
                        "state": state,
                        "attempts": 0,
                        "max_attempts": 8,
                        "run_after": NOW,
                        "created_at": NOW,
                    }
                    for job_id, state, email in [
                        (1, "done", "anna@example.se"),
                        (2, "pending", "bo@example.se"),
                    ]
                ],
            )
    finally:
        engine.dispose()


def _messages(url: str) -> list[tuple[object, ...]]:
    return _execute(url, "SELECT id, template, text_body FROM outgoing_mail ORDER BY id")


def _members_of_messages(url: str) -> list[object]:
    return [row[0] for row in _execute(url, "SELECT member_id FROM outgoing_mail ORDER BY id")]


def _reset_addresses(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT payload FROM jobs ORDER BY id")).all()
    finally:
        engine.dispose()
    # SQLite gives the JSON as text, PostgreSQL as a value.
    return [(json.loads(row[0]) if isinstance(row[0], str) else row[0])["email"] for row in rows]


def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {column["name"] for column in inspect(connection).get_columns("outgoing_mail")}
    finally:
        engine.dispose()


@pytest.mark.slow
def test_messages_get_their_member_where_it_is_certain_and_the_migration_goes_down_and_up(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_the_record(url)
    kept = _messages(url)

    migrate.upgrade(url, THIS)
    assert _messages(url) == kept
    assert _members_of_messages(url) == [member for *_, member in MESSAGES]
    # A finished reset keeps no address; one still to run needs it.
    assert _reset_addresses(url) == [None, "bo@example.se"]

    migrate.downgrade(url, BEFORE)
    assert _messages(url) == kept
    assert "member_id" not in _columns(url)

    migrate.upgrade(url, THIS)
    assert _messages(url) == kept
    assert _members_of_messages(url) == [member for *_, member in MESSAGES]
