from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from kooperativet import encryption
from kooperativet.config import Settings, new_data_key
from kooperativet.parties.models import PERSONAL_IDENTITY_INDEX


def test_personnummer_and_bank_account_are_stored_encrypted_and_read_back_plain(
    session: Session, make_member
) -> None:
    member = make_member().member
    row = session.execute(
        text(
            "SELECT personal_identity_number, bank_account_number, personal_identity_number_index "
            "FROM members WHERE id = :id"
        ),
        {"id": member.id},
    ).one()
    assert "199005141230" not in row[0]
    assert row[0].startswith("v1:")
    assert "123456789" not in row[1]
    assert row[2] == encryption.blind_index("199005141230", context=PERSONAL_IDENTITY_INDEX)
    session.expire_all()
    assert member.personal_identity_number == "199005141230"


def test_the_same_value_encrypts_differently_each_time_but_has_one_blind_index(keyring) -> None:
    first = keyring.encrypt("199005141230", context="members.personal_identity_number")
    second = keyring.encrypt("199005141230", context="members.personal_identity_number")
    assert first != second
    assert keyring.blind_index("199005141230", context="x") == keyring.blind_index(
        "199005141230", context="x"
    )


def test_a_ciphertext_copied_into_another_column_does_not_decrypt(keyring) -> None:
    stored = keyring.encrypt("123456789", context="members.bank_account_number")
    with pytest.raises(encryption.UndecryptableValue):
        keyring.decrypt(stored, context="members.pending_account_number")


def test_a_retired_key_still_decrypts_and_an_unknown_key_is_named(tmp_path) -> None:
    old, new, index = new_data_key(), new_data_key(), new_data_key()
    before = encryption.keyring_from(Settings(data_dir=tmp_path, data_key=old, blind_index_key=index))
    stored = before.encrypt("6000", context="c")
    after = encryption.keyring_from(
        Settings(data_dir=tmp_path, data_key=new, retired_data_keys=old, blind_index_key=index)
    )
    assert after.decrypt(stored, context="c") == "6000"
    assert not after.is_current(stored)
    alone = encryption.keyring_from(Settings(data_dir=tmp_path, data_key=new, blind_index_key=index))
    with pytest.raises(encryption.UndecryptableValue, match="RETIRED"):
        alone.decrypt(stored, context="c")


def test_production_needs_the_data_and_blind_index_keys() -> None:
    with pytest.raises(ValueError, match="KOOPERATIVET_DATA_KEY"):
        Settings(env="production", secret_key="s" * 40, database_url="postgresql+psycopg://db/k")


def test_a_key_that_is_not_32_bytes_of_base64_is_refused() -> None:
    with pytest.raises(ValueError, match="base64 of 32 bytes"):
        Settings(data_key="c2hvcnQ=")


def test_in_development_the_keys_are_generated_once_into_the_data_folder(tmp_path) -> None:
    first = Settings(data_dir=tmp_path).data_encryption_key
    assert Settings(data_dir=tmp_path).data_encryption_key == first
    assert Settings(data_dir=tmp_path).blind_index_secret != first


@pytest.mark.parametrize("characters", [0, 1, 2, 3, 100, 201])
def test_a_column_as_wide_as_stored_length_holds_any_text_of_that_many_characters(
    keyring, characters
) -> None:
    """The widest text has every character four bytes long in UTF-8; a narrower one fits as well."""
    widest = keyring.encrypt("🎻" * characters, context="t.c")
    assert len(widest) == encryption.stored_length(characters)
    assert len(keyring.encrypt("a" * characters, context="t.c")) <= encryption.stored_length(characters)
