"""The migration that encrypts personal data converts existing plain rows, and its downgrade restores them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kooperativet import encryption, migrate
from kooperativet.db import make_engine
from kooperativet.parties.models import PERSONAL_IDENTITY_INDEX, Client, Member
from kooperativet.payroll.models import Payslip

BEFORE = "5b0d7c3e9a41"
NOW = "2026-11-01 12:00:00+00:00"
SNAPSHOT = {"employee": {"name": "Mia Medlem", "personal_identity_number": "199005141230"}, "lines": []}
MONEY = [
    "invoiced_amount",
    "fee",
    "gross_salary",
    "holiday_pay",
    "employer_contributions",
    "residue",
    "taxable_pay",
    "tax",
    "expense_reimbursement",
    "net_pay",
    "year_to_date_gross",
    "year_to_date_taxable",
    "year_to_date_tax",
]


def _plain_rows(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO members (id, first_name, last_name, personal_identity_number,"
                " is_coordination_number, birth_date, country, bank_clearing_number, bank_account_number,"
                " joined_on, language,"
                " created_at, updated_at, version) VALUES (1, 'Mia', 'Medlem', '199005141230', false,"
                " '1990-05-14', 'SE', '6000', '123456789', '2025-01-01', 'sv', :now, :now, 1)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO clients (id, name, kind, personal_identity_number, country, language,"
                " payment_terms_days, public_sector, created_at, updated_at, version) VALUES"
                " (1, 'Pia Privat', 'person', '195603022343', 'SE', 'sv', 30, false, :now, :now, 1)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO payroll_runs (id, pay_date, pay_on, status, created_at, updated_at, version)"
                " VALUES (1, '2026-11-25', 'date', 'draft', :now, :now, 1)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO payslips (id, run_id, member_id, year, sequence, number, pay_date, language, "
                + ", ".join(MONEY)
                + ", bank_clearing_number, bank_account_number, snapshot, issued_at) VALUES"
                " (1, 1, 1, 2026, 1, 'L2026-00001', '2026-11-25', 'sv', "
                + ", ".join("0" for _ in MONEY)
                + ", '6000', '123456789', :snapshot, :now)"
            ),
            {"now": NOW, "snapshot": json.dumps(SNAPSHOT)},
        )
    engine.dispose()


def _raw(url: str, sql: str) -> tuple:
    engine = make_engine(url)
    with engine.connect() as connection:
        row = tuple(connection.execute(text(sql)).one())
    engine.dispose()
    return row


@pytest.mark.slow
def test_upgrade_encrypts_plain_rows_and_downgrade_decrypts_them(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _plain_rows(url)

    migrate.upgrade(url)

    number, account, index = _raw(
        url,
        "SELECT personal_identity_number, bank_account_number, personal_identity_number_index FROM members",
    )
    assert number.startswith("v1:")
    assert "123456789" not in account
    assert index == encryption.blind_index("199005141230", context=PERSONAL_IDENTITY_INDEX)
    # (the snapshot has since moved to a table of its own, as it was)
    (snapshot,) = _raw(url, "SELECT snapshot FROM payslip_snapshots")
    assert "199005141230" not in snapshot
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.scalar(select(Member.personal_identity_number)) == "199005141230"
        assert session.scalar(select(Client.personal_identity_number)) == "195603022343"
        payslip = session.scalars(select(Payslip)).one()
        assert (payslip.bank_account_number, payslip.snapshot) == ("123456789", SNAPSHOT)
    engine.dispose()

    migrate.downgrade(url, BEFORE)

    assert _raw(url, "SELECT personal_identity_number, bank_account_number FROM members") == (
        "199005141230",
        "123456789",
    )
    assert _raw(url, "SELECT personal_identity_number FROM clients") == ("195603022343",)
    (snapshot,) = _raw(url, "SELECT snapshot FROM payslips")
    assert (json.loads(snapshot) if isinstance(snapshot, str) else snapshot) == SNAPSHOT
