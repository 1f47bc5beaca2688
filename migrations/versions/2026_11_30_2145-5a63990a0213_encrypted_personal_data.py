"""encrypted personal data: personnummer and bank accounts at rest, pending bank accounts, pseudonymisation

Personnummer (members, clients), bank accounts (members, payslips) and payslip snapshots (which repeat
both) are encrypted with the data key from settings, the same settings the app reads (KOOPERATIVET_DATA_KEY,
or the key generated into the data folder in development). A member's personnummer gets its keyed hash
(KOOPERATIVET_BLIND_INDEX_KEY) as the unique column. The downgrade decrypts everything back to plain text.

On PostgreSQL the payslip immutability trigger is disabled inside this transaction only: encrypting changes
how an issued payslip is stored, never what it says.

Revision ID: 5a63990a0213
Revises: 5b0d7c3e9a41
Create Date: 2026-11-30 21:45:00.000000+00:00
"""

import json
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from kooperativet.encryption import current

revision: str = "5a63990a0213"
down_revision: str | None = "5b0d7c3e9a41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, plain length) of every encrypted string column that existed before.
_STRINGS = [
    ("members", "personal_identity_number", 12),
    ("members", "bank_clearing_number", 5),
    ("members", "bank_account_number", 15),
    ("clients", "personal_identity_number", 12),
    ("payslips", "bank_clearing_number", 5),
    ("payslips", "bank_account_number", 15),
]
_INDEX_CONTEXT = "personal_identity_number"


def upgrade() -> None:
    keyring = current()
    _set_sqlite_foreign_keys(enabled=False)
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_constraint("uq_members_personal_identity_number", type_="unique")
        batch_op.add_column(sa.Column("personal_identity_number_index", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("pending_clearing_number", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("pending_account_number", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("bank_account_changed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("bank_account_changed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("bank_account_confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_members_bank_account_changed_by_id_users"),
            "users",
            ["bank_account_changed_by_id"],
            ["id"],
        )
    _widen(to_encrypted=True)
    with _payslip_triggers_off():
        _convert(lambda value, context: keyring.encrypt(value, context=context))
    members = sa.table(
        "members",
        sa.column("id"),
        sa.column("personal_identity_number"),
        sa.column("personal_identity_number_index"),
    )
    bind = op.get_bind()
    for row_id, stored in bind.execute(sa.select(members.c.id, members.c.personal_identity_number)).all():
        number = keyring.decrypt(stored, context="members.personal_identity_number")
        bind.execute(
            sa.update(members)
            .where(members.c.id == row_id)
            .values(personal_identity_number_index=keyring.blind_index(number, context=_INDEX_CONTEXT))
        )
    with op.batch_alter_table("members") as batch_op:
        batch_op.alter_column(
            "personal_identity_number_index", existing_type=sa.String(length=64), nullable=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_members_personal_identity_number_index"), ["personal_identity_number_index"]
        )
    _set_sqlite_foreign_keys(enabled=True)


def downgrade() -> None:
    keyring = current()
    _set_sqlite_foreign_keys(enabled=False)
    with _payslip_triggers_off():
        _convert(lambda value, context: keyring.decrypt(value, context=context))
    _widen(to_encrypted=False)
    with op.batch_alter_table("members") as batch_op:
        batch_op.drop_constraint("uq_members_personal_identity_number_index", type_="unique")
        batch_op.drop_constraint("fk_members_bank_account_changed_by_id_users", type_="foreignkey")
        for name in (
            "pseudonymised_at",
            "bank_account_confirmed_at",
            "bank_account_changed_by_id",
            "bank_account_changed_at",
            "pending_account_number",
            "pending_clearing_number",
            "personal_identity_number_index",
        ):
            batch_op.drop_column(name)
        batch_op.create_unique_constraint("uq_members_personal_identity_number", ["personal_identity_number"])
    _set_sqlite_foreign_keys(enabled=True)


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one, which its foreign keys refuse while
    payslips point at members. The pragma only takes effect outside a transaction: Alembic's autocommit block
    commits the migration's transaction, and the (empty) one our engine begins inside the block is ended on
    the raw connection before the pragma. The rows keep their ids, so no reference breaks."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")


def _widen(*, to_encrypted: bool) -> None:
    """Ciphertexts are longer than the values; the snapshot becomes text (encrypted JSON) and back."""
    for table_name, column_name, plain_length in _STRINGS:
        before, after = sa.String(length=plain_length), sa.String(length=255)
        with op.batch_alter_table(table_name) as batch_op:
            batch_op.alter_column(
                column_name,
                existing_type=before if to_encrypted else after,
                type_=after if to_encrypted else before,
            )
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("payslips") as batch_op:
        batch_op.alter_column(
            "snapshot",
            existing_type=sa.JSON() if to_encrypted else sa.Text(),
            type_=sa.Text() if to_encrypted else sa.JSON(),
            existing_nullable=False,
            **(
                {"postgresql_using": "snapshot::text" if to_encrypted else "snapshot::json"}
                if postgres
                else {}
            ),
        )


def _convert(change: Callable[[str, str], str]) -> None:
    """Rewrite every stored value with ``change(value, "table.column")``; the snapshot's JSON as text."""
    bind = op.get_bind()
    columns = [(t, c) for t, c, _ in _STRINGS] + [("payslips", "snapshot")]
    for table_name, column_name in columns:
        raw = sa.table(table_name, sa.column("id"), sa.column(column_name, sa.Text()))
        rows = bind.execute(sa.select(raw.c.id, raw.c[column_name]).where(raw.c[column_name].is_not(None)))
        for row_id, value in rows.all():
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            bind.execute(
                sa.update(raw)
                .where(raw.c.id == row_id)
                .values({column_name: change(text, f"{table_name}.{column_name}")})
            )


class _payslip_triggers_off:
    """Disable the user triggers on payslips for this transaction (PostgreSQL only; SQLite has none)."""

    def __enter__(self) -> None:
        if op.get_bind().dialect.name == "postgresql":
            op.execute("ALTER TABLE payslips DISABLE TRIGGER USER")

    def __exit__(self, *exc: object) -> None:
        if op.get_bind().dialect.name == "postgresql":
            op.execute("ALTER TABLE payslips ENABLE TRIGGER USER")
