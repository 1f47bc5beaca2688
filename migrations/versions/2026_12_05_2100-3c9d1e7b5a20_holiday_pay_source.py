"""holiday pay source: the law's right sections

The seeded source of ``holiday_pay_rate`` named semesterlagen (1977:480) 16 a §, which is the sammalöneregeln
for fixed monthly pay. The rules the value rests on are 5 § första stycket (an employment meant to last at
most three months may be agreed to have no holiday laid out, and holiday pay is then paid as
semesterersättning) and 16 b § (the percentage rule, 12 %). This data migration rewrites the text on the
seeded row, matched by key, valid-from date and the exact old text, so a value an admin or a decision added
is left alone. No value changes.

Rewriting is allowed for the same reasons as in 5b7e2d9c4a1f: the seeded rows carry no audit entry, and every
payslip keeps its own copy of the values and sources it used, so no issued document changes.

Revision ID: 3c9d1e7b5a20
Revises: 8e2c4a6f1d3b
Create Date: 2026-12-05 21:00:00+00:00
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "3c9d1e7b5a20"
down_revision: str | None = "8e2c4a6f1d3b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_parameter_values = sa.table(
    "parameter_values",
    sa.column("key", sa.String),
    sa.column("valid_from", sa.Date),
    sa.column("source", sa.String),
)

# Frozen copies: a migration never imports the application.
KEY = "holiday_pay_rate"
OLD = "Semesterlagen (1977:480) 16 a §: 12 % betalas med varje lön"
NEW = (
    "Semesterlagen (1977:480) 16 b § (procentregeln) och 5 § första stycket: 12 %, som semesterersättning "
    "med varje lön när anställningen är högst tre månader"
)


def upgrade() -> None:
    _rewrite(OLD, NEW)


def downgrade() -> None:
    _rewrite(NEW, OLD)


def _rewrite(old: str, new: str) -> None:
    op.get_bind().execute(
        sa.update(_parameter_values)
        .where(
            _parameter_values.c.key == KEY,
            _parameter_values.c.valid_from == date(2025, 1, 1),
            _parameter_values.c.source == old,
        )
        .values(source=new)
    )
