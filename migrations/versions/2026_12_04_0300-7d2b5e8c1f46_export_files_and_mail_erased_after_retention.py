"""export files and mail erased after retention: the stored files and messages the purge may empty

The stored file of an export batch (an AGI names every payee by personnummer, a pain.001 holds their bank
accounts, a SIE file names members and clients) is räkenskapsinformation kept until the end of the seventh
year after the calendar year it covers (BFL 7 kap. 2 §, SFF 39 kap.). After that the purge erases the file:
``export_batches.content`` becomes nullable and ``export_batches.erased_at`` records when. The row, its
SHA-256, its audit head and the documents it covered stay. A message of the outbox sent to a purged member
is emptied the same way: ``outgoing_mail.erased_at`` records when.

On PostgreSQL the trigger that keeps export batches unchanged gets one narrow exception: a batch's
``content`` may be set to NULL together with ``erased_at`` (from empty to a time), nothing else, once, and
only when the batch's retention (31 December of the seventh year after the latest year its period, date
range or payroll run's pay date covers) ended before the day of ``erased_at``. Every other change and any
deletion is still refused, and the record of the documents a batch covered never changes.

Downgrade: refused while a file or message has been erased (the content cannot come back).

Revision ID: 7d2b5e8c1f46
Revises: 5d2f8c1e7a64
Create Date: 2026-12-04 03:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d2b5e8c1f46"
down_revision: str | None = "5d2f8c1e7a64"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ERASABLE = "ARRAY['content', 'erased_at']"

#: The last day a batch must be kept: the end of the seventh year after the latest year it covers.
_RETAINED_UNTIL = """make_date(GREATEST(
            CAST(substring(OLD.period FROM 1 FOR 4) AS integer),
            CAST(EXTRACT(YEAR FROM OLD.date_to) AS integer),
            (SELECT CAST(EXTRACT(YEAR FROM r.pay_date) AS integer) FROM payroll_runs r WHERE r.id = OLD.run_id)
        ) + 7, 12, 31)"""

_ERASABLE_FUNCTION = f"""
CREATE FUNCTION refuse_change_of_export_batch_file() RETURNS trigger AS $$
BEGIN
    -- The one exception: the purge after retention empties the file and records when, and changes nothing else.
    IF TG_OP = 'UPDATE'
        AND (to_jsonb(NEW) - {_ERASABLE}) IS NOT DISTINCT FROM (to_jsonb(OLD) - {_ERASABLE})
        AND OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL AND NEW.content IS NULL
        AND {_RETAINED_UNTIL} < (NEW.erased_at AT TIME ZONE 'UTC')::date THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'export batch % never changes; only its file is erased after the retention period', OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;

DROP TRIGGER export_batches_immutable ON export_batches;
CREATE TRIGGER export_batches_immutable BEFORE UPDATE OR DELETE ON export_batches
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_export_batch_file();
"""

_IMMUTABLE_AGAIN = """
DROP TRIGGER export_batches_immutable ON export_batches;
CREATE TRIGGER export_batches_immutable BEFORE UPDATE OR DELETE ON export_batches
    FOR EACH ROW EXECUTE FUNCTION refuse_change_of_export_batch();
DROP FUNCTION refuse_change_of_export_batch_file();
"""


def upgrade() -> None:
    with op.batch_alter_table("outgoing_mail", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    _set_sqlite_foreign_keys(enabled=False)
    with op.batch_alter_table("export_batches") as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
    _set_sqlite_foreign_keys(enabled=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_ERASABLE_FUNCTION)


def downgrade() -> None:
    bind = op.get_bind()
    files = bind.scalar(sa.text("SELECT count(*) FROM export_batches WHERE erased_at IS NOT NULL"))
    messages = bind.scalar(sa.text("SELECT count(*) FROM outgoing_mail WHERE erased_at IS NOT NULL"))
    if files or messages:
        raise RuntimeError(
            f"{files} export file(s) and {messages} message(s) were erased after retention: their content "
            "is gone, so the older schema cannot hold them"
        )
    if bind.dialect.name == "postgresql":
        op.execute(_IMMUTABLE_AGAIN)
    _set_sqlite_foreign_keys(enabled=False)
    with op.batch_alter_table("export_batches") as batch_op:
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("erased_at")
    _set_sqlite_foreign_keys(enabled=True)
    with op.batch_alter_table("outgoing_mail", recreate="never") as batch_op:
        batch_op.drop_column("erased_at")


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one, which its foreign keys refuse while
    the documents a batch covered point at it. The pragma only takes effect outside a transaction; the rows
    keep their ids, so no reference breaks (as in migration ``c4e7a1f9d2b3``)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
