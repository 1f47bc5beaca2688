"""The migration that lets a removal of the salary account wait for confirmation leaves the accounts already
waiting as they were, and refuses to go down while a removal waits."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kooperativet import migrate
from kooperativet.db import make_engine

BEFORE = "b0466c5d1b02"
NOW = "2026-12-01 12:00:00+00:00"
#: member id → (pending_account_number, pending_iban) as stored before; the ciphertexts are never read.
OLD = {1: (None, None), 2: ("v1:account", None), 3: (None, "v1:iban")}


def _execute(url: str, statement: str, **values: object) -> list[tuple]:
    engine = make_engine(url)
    with engine.begin() as connection:
        result = connection.execute(text(statement), values)
        rows = [tuple(row) for row in result] if result.returns_rows else []
    engine.dispose()
    return rows


def _insert_members(url: str) -> None:
    for member_id, (account, iban) in OLD.items():
        _execute(
            url,
            "INSERT INTO members (id, first_name, last_name, personal_identity_number,"
            " personal_identity_number_index, is_coordination_number, birth_date, country, joined_on,"
            " language, pending_account_number, pending_iban, version, created_at, updated_at)"
            " VALUES (:id, 'A', 'B', 'v1:pnr', :index, false, '1990-05-14', 'SE', '2026-01-01', 'sv',"
            " :account, :iban, 1, :now, :now)",
            id=member_id,
            index=f"index-{member_id}",
            account=account,
            iban=iban,
            now=NOW,
        )


@pytest.mark.slow
def test_no_removal_waits_after_the_upgrade_and_a_waiting_removal_stops_the_downgrade(url: str) -> None:
    migrate.upgrade(url, BEFORE)
    _insert_members(url)

    migrate.upgrade(url)

    rows = _execute(url, "SELECT id, bank_account_removal_pending FROM members ORDER BY id")
    assert [(member_id, bool(removal)) for member_id, removal in rows] == [(1, False), (2, False), (3, False)]

    _execute(url, "UPDATE members SET bank_account_removal_pending = true WHERE id = 1")
    with pytest.raises(
        RuntimeError, match=r"the removal of a bank account waits for confirmation \(members: 1\)"
    ):
        migrate.downgrade(url, BEFORE)

    _execute(url, "UPDATE members SET bank_account_removal_pending = false WHERE id = 1")
    migrate.downgrade(url, BEFORE)
    assert _execute(url, "SELECT id, pending_account_number, pending_iban FROM members ORDER BY id") == [
        (member_id, account, iban) for member_id, (account, iban) in OLD.items()
    ]
