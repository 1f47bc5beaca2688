"""What the exports and a payroll run read members with: encrypted columns decrypted a column at a time,
and the payee's confirmed account by the member's own rule."""

from __future__ import annotations

from itertools import product

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet import encryption
from kooperativet.config import Settings, new_data_key
from kooperativet.encryption import decrypted, stored
from kooperativet.parties.models import Member, salary_account_of


def test_a_column_decrypted_at_once_reads_as_the_column_decrypts_each_value(
    session: Session, make_member
) -> None:
    members = [make_member().member for _ in range(3)]
    members[1].bank_iban = "SE3550000000054910000003"
    session.flush()
    rows = session.execute(
        select(stored(Member.personal_identity_number), stored(Member.bank_iban))
        .where(Member.id.in_([member.id for member in members]))
        .order_by(Member.id)
    ).all()

    assert all(row.personal_identity_number.startswith("v1:") for row in rows)
    assert decrypted((row.personal_identity_number for row in rows), Member.personal_identity_number) == [
        member.personal_identity_number for member in members
    ]
    assert decrypted((row.bank_iban for row in rows), Member.bank_iban) == [
        None,
        "SE3550000000054910000003",
        None,
    ]
    with pytest.raises(TypeError, match="first_name is not an encrypted column"):
        decrypted([], Member.first_name)


def test_values_decrypted_at_once_may_be_under_a_retired_key_and_must_be_of_their_column(tmp_path) -> None:
    old, new, index = new_data_key(), new_data_key(), new_data_key()
    before = encryption.keyring_from(Settings(data_dir=tmp_path, data_key=old, blind_index_key=index))
    after = encryption.keyring_from(
        Settings(data_dir=tmp_path, data_key=new, retired_data_keys=old, blind_index_key=index)
    )
    values = [before.encrypt("6000", context="c"), None, after.encrypt("8327", context="c")]

    assert after.decrypt_many(values, context="c") == ["6000", None, "8327"]
    with pytest.raises(encryption.UndecryptableValue, match="integrity check"):
        after.decrypt_many(values, context="another column")


@pytest.mark.parametrize(
    ("clearing", "account", "iban"),
    list(product(["6000", None], ["123456789", None], ["SE3550000000054910000003", None])),
)
def test_the_rule_on_plain_values_names_the_account_the_member_names(
    clearing: str | None, account: str | None, iban: str | None
) -> None:
    member = Member(bank_clearing_number=clearing, bank_account_number=account, bank_iban=iban)

    assert (
        salary_account_of(clearing_number=clearing, account_number=account, iban=iban)
        == member.salary_account
    )
