"""personal data purged after retention: what was kept only for the retention duty can be erased

A removed (pseudonymised) member's personnummer, its blind index and birth date were kept for the retention
of räkenskapsinformation (BFL 7 kap. 2 §, SFF 39 kap.). Once that has run out they are erased, so the three
columns become nullable, and ``members.purged_at`` records when it was done. A receipt's file may be erased
the same way (``receipts.content`` nullable).

On PostgreSQL the triggers that keep issued payslips and their snapshots unchanged get one narrow exception,
the purge: a payslip may have its personal columns (employee name and personnummer, bank account, PDF) set
to NULL, and nothing else, and its snapshot may be replaced (by the same JSON with the employee's personal
fields empty: the database cannot read the ciphertext, the purge's code and tests keep every amount), only
when its member has been removed and purged, and the payslip's own retention (31 December of the seventh
year after its pay date) ended before the purge's day. Every other change is still refused.

Downgrade: refused while a member has been purged (the erased values cannot come back).

Revision ID: c4e7a1f9d2b3
Revises: 3f9ba3a53e02
Create Date: 2026-12-03 22:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e7a1f9d2b3"
down_revision: str | None = "3f9ba3a53e02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PDF_COLUMNS = "ARRAY['pdf', 'pdf_sha256']"
_PERSONAL_COLUMNS = (
    "ARRAY['employee_name', 'employee_personal_identity_number', 'bank_clearing_number', "
    "'bank_account_number', 'bank_iban', 'pdf']"
)

#: Whether the member of a payslip (pay date ``pay_date``) is removed and purged on a day after the
#: payslip's own retention ended (BFL 7 kap. 2 §: the end of the seventh year after the year).
_PURGED_AFTER_RETENTION = """EXISTS (
        SELECT 1 FROM members m
        WHERE m.id = {member_id} AND m.pseudonymised_at IS NOT NULL AND m.purged_at IS NOT NULL
          AND make_date(EXTRACT(YEAR FROM {pay_date})::int + 7, 12, 31) < (m.purged_at AT TIME ZONE 'UTC')::date
    )"""

_PAYSLIP_OLD = f"""
CREATE OR REPLACE FUNCTION refuse_change_of_issued_payslip() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued payslip % is never deleted', OLD.number USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - {_PDF_COLUMNS}) IS DISTINCT FROM (to_jsonb(OLD) - {_PDF_COLUMNS})
        OR (OLD.pdf_sha256 IS NOT NULL AND (NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256
                                            OR NEW.pdf IS DISTINCT FROM OLD.pdf)) THEN
        RAISE EXCEPTION 'issued payslip % never changes; pay a correction in a later run', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

_PAYSLIP_PURGEABLE = f"""
CREATE OR REPLACE FUNCTION refuse_change_of_issued_payslip() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued payslip % is never deleted', OLD.number USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - {_PDF_COLUMNS}) IS DISTINCT FROM (to_jsonb(OLD) - {_PDF_COLUMNS})
        OR (OLD.pdf_sha256 IS NOT NULL AND (NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256
                                            OR NEW.pdf IS DISTINCT FROM OLD.pdf)) THEN
        -- The one exception: the purge after retention empties the personal columns and changes nothing else.
        IF (to_jsonb(NEW) - {_PERSONAL_COLUMNS}) IS NOT DISTINCT FROM (to_jsonb(OLD) - {_PERSONAL_COLUMNS})
            AND NEW.employee_name IS NULL AND NEW.employee_personal_identity_number IS NULL
            AND NEW.bank_clearing_number IS NULL AND NEW.bank_account_number IS NULL
            AND NEW.bank_iban IS NULL AND NEW.pdf IS NULL
            AND {_PURGED_AFTER_RETENTION.format(member_id="OLD.member_id", pay_date="OLD.pay_date")} THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'issued payslip % never changes; pay a correction in a later run', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

_SNAPSHOT_OLD = """
CREATE OR REPLACE FUNCTION refuse_change_of_issued_payslip_snapshot() RETURNS trigger AS $$
DECLARE
    run_status text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'a payslip snapshot never changes; a recalculation writes a new one'
            USING ERRCODE = 'restrict_violation';
    END IF;
    SELECT status INTO run_status FROM payroll_runs WHERE id = OLD.run_id;
    IF run_status IN ('approved', 'paid') THEN
        RAISE EXCEPTION 'the snapshot of an issued payslip is never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
"""

_SNAPSHOT_PURGEABLE = f"""
CREATE OR REPLACE FUNCTION refuse_change_of_issued_payslip_snapshot() RETURNS trigger AS $$
DECLARE
    run_status text;
    run_pay_date date;
BEGIN
    SELECT status, pay_date INTO run_status, run_pay_date FROM payroll_runs WHERE id = OLD.run_id;
    IF TG_OP = 'UPDATE' THEN
        -- The one exception: the purge after retention rewrites the snapshot without the personal fields.
        IF NEW.id = OLD.id AND NEW.run_id = OLD.run_id AND NEW.member_id = OLD.member_id
            AND {_PURGED_AFTER_RETENTION.format(member_id="OLD.member_id", pay_date="run_pay_date")} THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'a payslip snapshot never changes; a recalculation writes a new one'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF run_status IN ('approved', 'paid') THEN
        RAISE EXCEPTION 'the snapshot of an issued payslip is never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
"""  # noqa: S608 - constant names, no input

_ERASABLE = (
    ("members", "personal_identity_number", sa.String(length=255)),
    ("members", "personal_identity_number_index", sa.String(length=64)),
    ("members", "birth_date", sa.Date()),
    ("receipts", "content", sa.LargeBinary()),
)


def upgrade() -> None:
    with op.batch_alter_table("members", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    _set_nullable(nullable=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PAYSLIP_PURGEABLE)
        op.execute(_SNAPSHOT_PURGEABLE)


def downgrade() -> None:
    purged = op.get_bind().scalar(sa.text("SELECT count(*) FROM members WHERE purged_at IS NOT NULL"))
    if purged:
        raise RuntimeError(
            f"{purged} member(s) were purged after retention: their personnummer and birth date are gone, "
            "so the columns cannot be made NOT NULL again"
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_SNAPSHOT_OLD)
        op.execute(_PAYSLIP_OLD)
    _set_nullable(nullable=False)
    with op.batch_alter_table("members", recreate="never") as batch_op:
        batch_op.drop_column("purged_at")


def _set_nullable(*, nullable: bool) -> None:
    _set_sqlite_foreign_keys(enabled=False)
    for table in ("members", "receipts"):
        with op.batch_alter_table(table) as batch_op:
            for _, column, kind in (erasable for erasable in _ERASABLE if erasable[0] == table):
                batch_op.alter_column(column, existing_type=kind, nullable=nullable)
    _set_sqlite_foreign_keys(enabled=True)


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one, which its foreign keys refuse while
    payslips, invoices and expenses point at members and receipts. The pragma only takes effect outside a
    transaction; the rows keep their ids, so no reference breaks."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
