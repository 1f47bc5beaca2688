"""mail recorded by member: each message addressed to a member says which, so the purge can find it

The purge after retention emptied only the notices of a removed member's payslips, found by their Message-ID;
every other message sent to her (invitation, password reset, notice of changed details, meeting notice, vote
opening, decision on a commission) could not be told apart once the removal had cleared her address and
detached her login. ``outgoing_mail.member_id`` records the member a message was addressed to (her record's
address or her login's); the code that queues a message fills it from now on.

Messages queued before are filled where their member can be found reliably:

- a payslip notice (``<payslip-<id>@kooperativet.local>``) by its payslip's member;
- any other message of a template sent to members or logins, by its recipient's address, when that address
  is today the address of exactly one member (her record's or her linked login's) and of no login linked to
  nobody. Mail to clients (invoices, credit notes, reminders) and the office's test messages are not
  members' mail and are left empty.

What cannot be found stays empty (docs/personal-data.md): messages to a member already removed (the removal
cleared her address and her login's), and messages to an address she no longer has.

The password reset's job kept the address it was asked for in its payload for good. A finished one no longer
needs it (the job empties it from now on): the upgrade empties it in every finished reset job.

Downgrade: drops the column (what it recorded cannot be needed by the older schema); the emptied reset-job
addresses do not come back.

Revision ID: a3c9e5f1b7d2
Revises: 7d2b5e8c1f46
Create Date: 2026-12-04 07:00:00+00:00
"""

import re
from collections import defaultdict
from collections.abc import Sequence
from email.utils import parseaddr

import sqlalchemy as sa
from alembic import op

revision: str = "a3c9e5f1b7d2"
down_revision: str | None = "7d2b5e8c1f46"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAIL = sa.table(
    "outgoing_mail",
    sa.column("id", sa.Integer),
    sa.column("template", sa.String),
    sa.column("to_addresses", sa.JSON),
    sa.column("message_id", sa.String),
    sa.column("member_id", sa.Integer),
)
PAYSLIPS = sa.table("payslips", sa.column("id", sa.Integer), sa.column("member_id", sa.Integer))
MEMBERS = sa.table(
    "members", sa.column("id", sa.Integer), sa.column("email", sa.String), sa.column("user_id", sa.Integer)
)
USERS = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String))
JOBS = sa.table(
    "jobs", sa.column("kind", sa.String), sa.column("state", sa.String), sa.column("payload", sa.JSON)
)

PAYSLIP_NOTICE = re.compile(r"<payslip-(\d+)@kooperativet\.local>")
#: The templates sent to a member's record or to a login (a treasurer's too, who may be a member), as they
#: were when this migration was written; invoices, credit notes, reminders and test messages are not.
MEMBERS_MAIL = (
    "invitation",
    "password_reset",
    "member_details_changed",
    "meeting_notice",
    "vote_opened",
    "commission_approved",
    "commission_rejected",
    "commission_submitted",
    "payment_unmatched",
    "payslip_ready",
)
FK_NAME = "fk_outgoing_mail_member_id_members"
INDEX_NAME = "ix_outgoing_mail_member_id"


def upgrade() -> None:
    _set_sqlite_foreign_keys(enabled=False)
    with op.batch_alter_table("outgoing_mail") as batch_op:
        batch_op.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch_op.create_index(INDEX_NAME, ["member_id"], unique=False)
        batch_op.create_foreign_key(FK_NAME, "members", ["member_id"], ["id"])
    _set_sqlite_foreign_keys(enabled=True)
    found = {**_by_address(), **_payslip_notices()}  # a payslip notice's payslip decides over its address
    if found:
        op.get_bind().execute(
            sa.update(MAIL)
            .where(MAIL.c.id == sa.bindparam("mail_id"))
            .values(member_id=sa.bindparam("member")),
            [{"mail_id": mail_id, "member": member_id} for mail_id, member_id in sorted(found.items())],
        )
    op.get_bind().execute(
        sa.update(JOBS)
        .where(JOBS.c.kind == "password_reset_link", JOBS.c.state == "done")
        .values(payload={"email": None})
    )


def downgrade() -> None:
    _set_sqlite_foreign_keys(enabled=False)
    with op.batch_alter_table("outgoing_mail") as batch_op:
        batch_op.drop_constraint(FK_NAME, type_="foreignkey")
        batch_op.drop_index(INDEX_NAME)
        batch_op.drop_column("member_id")
    _set_sqlite_foreign_keys(enabled=True)


def _payslip_notices() -> dict[int, int]:
    """Each payslip notice's message id → its payslip's member."""
    bind = op.get_bind()
    notices = bind.execute(
        sa.select(MAIL.c.id, MAIL.c.message_id).where(MAIL.c.template == "payslip_ready")
    ).all()
    payslips = {
        int(match.group(1)): mail_id
        for mail_id, message_id in notices
        if (match := PAYSLIP_NOTICE.fullmatch(message_id)) is not None
    }
    if not payslips:
        return {}
    members = bind.execute(
        sa.select(PAYSLIPS.c.id, PAYSLIPS.c.member_id).where(PAYSLIPS.c.id.in_(sorted(payslips)))
    ).all()
    return {payslips[payslip_id]: member_id for payslip_id, member_id in members}


def _by_address() -> dict[int, int]:
    """Each member's message (by template) whose every recipient is the address of that one member only."""
    owners = _owners_of_addresses()
    bind = op.get_bind()
    messages = bind.execute(
        sa.select(MAIL.c.id, MAIL.c.to_addresses).where(MAIL.c.template.in_(MEMBERS_MAIL))
    ).all()
    found = {}
    for mail_id, recipients in messages:
        members = {frozenset(owners.get(_address(recipient), ())) for recipient in recipients or []}
        if len(members) == 1 and len(only := next(iter(members))) == 1:
            found[mail_id] = next(iter(only))
    return found


def _owners_of_addresses() -> dict[str, set[int | None]]:
    """Each address today → the members it is the address of (her record's or her linked login's); ``None``
    among them for a login linked to no member, whose messages are nobody's to claim."""
    bind = op.get_bind()
    owners: dict[str, set[int | None]] = defaultdict(set)
    for member_id, email in bind.execute(sa.select(MEMBERS.c.id, MEMBERS.c.email)).all():
        if email:
            owners[_address(email)].add(member_id)
    logins = bind.execute(
        sa.select(USERS.c.email, MEMBERS.c.id).select_from(
            USERS.outerjoin(MEMBERS, MEMBERS.c.user_id == USERS.c.id)
        )
    ).all()
    for email, member_id in logins:
        if email:
            owners[_address(email)].add(member_id)
    return owners


def _address(recipient: str) -> str:
    """``"Alva <Alva@Example.se>"`` → ``alva@example.se``."""
    return parseaddr(recipient)[1].strip().lower()


def _set_sqlite_foreign_keys(*, enabled: bool) -> None:
    """SQLite alters a table by copying it and dropping the old one, which its foreign keys refuse while
    the invoices' dispatches point at the messages. The pragma only takes effect outside a transaction; the
    rows keep their ids, so no reference breaks (as in migration ``7d2b5e8c1f46``)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.get_context().autocommit_block():
        raw = op.get_bind().connection.driver_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        raw.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
