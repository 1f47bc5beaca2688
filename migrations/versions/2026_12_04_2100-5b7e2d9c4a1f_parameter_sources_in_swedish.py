"""seeded parameter sources in Swedish

The default parameter values were seeded with their sources in English ("semesterlagen 16 a §: 12 % paid with
each salary") on pages that are otherwise Swedish. This data migration rewrites those texts on the seeded rows
to the Swedish sources the catalogue now seeds, matched by key, valid-from date and the exact old text, so a
value an admin or a decision added is left alone. No value changes.

Rewriting is allowed here for the same reasons as in 919af5d57d99: the seeded rows carry no audit entry (only a
value added by an admin or a decision appends ``parameter_value_added``, docs/audit.md), and every payslip keeps
its own copy of the values and sources it used (docs/payroll.md, "Dated parameters"), so no issued document
changes.

Revision ID: 5b7e2d9c4a1f
Revises: d7b3f9a1c5e2
Create Date: 2026-12-04 21:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7e2d9c4a1f"
down_revision: str | None = "d7b3f9a1c5e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_parameter_values = sa.table(
    "parameter_values",
    sa.column("id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("valid_from", sa.Date),
    sa.column("source", sa.String),
)

# (key, valid-from, old source, new source), frozen copies: a migration never imports the application.
SOURCES = [
    (
        "late_interest_margin",
        "2002-07-01",
        "räntelagen (1975:635) 6 §: dröjsmålsränta is the reference rate plus eight percentage points",
        "Räntelagen (1975:635) 6 §: dröjsmålsräntan är referensräntan plus åtta procentenheter",
    ),
    (
        "reminder_fee",
        "2013-03-16",
        "lag (1981:739) om ersättning för inkassokostnader m.m. 4 § 1 (SFS 2013:56): at most 60 kr for a "
        "written payment reminder, owed only if agreed when the debt arose (2 §)",
        "Lag (1981:739) om ersättning för inkassokostnader m.m. 4 § 1 (SFS 2013:56): högst 60 kr för en "
        "skriftlig betalningspåminnelse, och bara om det avtalades när skulden uppkom (2 §)",
    ),
    (
        "reminder_first_days",
        "2025-01-01",
        "Interim kultur: first reminder 10 days after the due date",
        "Interim kultur: första påminnelsen 10 dagar efter förfallodagen",
    ),
    (
        "reminder_interval_days",
        "2025-01-01",
        "Interim kultur: 14 days between reminders",
        "Interim kultur: 14 dagar mellan påminnelserna",
    ),
    (
        "reminder_max_count",
        "2025-01-01",
        "Interim kultur: two reminders, then the treasurer",
        "Interim kultur: två påminnelser, sedan beslutar kassören",
    ),
    (
        "fee_rate",
        "2025-01-01",
        "Interim kultur: the fee its members decided",
        "Interim kultur: avgiften som medlemmarna har beslutat",
    ),
    (
        "holiday_pay_rate",
        "2025-01-01",
        "semesterlagen 16 a §: 12 % paid with each salary",
        "Semesterlagen (1977:480) 16 a §: 12 % betalas med varje lön",
    ),
    (
        "sink_rate",
        "2025-01-01",
        "lag (1991:586) om SINK: 25 % through 2025",
        "Lag (1991:586) om SINK: 25 % till och med 2025",
    ),
    (
        "sink_rate",
        "2026-01-01",
        "Skatteverket: SINK 22.5 % from 2026-01-01; lag (1991:586) om SINK",
        "Skatteverket: SINK 22,5 % från 2026-01-01; lag (1991:586) om SINK",
    ),
    ("asink_rate", "2025-01-01", "lag (1991:591) om A-SINK: 15 %", "Lag (1991:591) om A-SINK: 15 %"),
    (
        "table_surcharge_rate",
        "2025-01-01",
        "Interim kultur: table tax + 10 % until tax information is given",
        "Interim kultur: tabellskatt + 10 % tills skatteuppgift har lämnats",
    ),
    (
        "employer_contribution_rules",
        "2026-01-01",
        "Skatteverket, arbetsgivaravgifter 2026; SFS 2000:980; SFS 2026:100, prop. 2025/26:66 (youth)",
        "Skatteverket, arbetsgivaravgifter 2026; SFS 2000:980; SFS 2026:100, prop. 2025/26:66 (unga)",
    ),
    (
        "employer_contribution_threshold",
        "2025-01-01",
        "socialavgiftslagen (SFS 2000:980) 2 kap. 14 § and 24 § fjärde stycket: under 1 000 kr a year from "
        "one payer no contributions; reaching it, contributions on the year's whole pay that month",
        "Socialavgiftslagen (SFS 2000:980) 2 kap. 14 § och 24 § fjärde stycket: under 1 000 kr om året från "
        "en utbetalare inga avgifter; när beloppet nås, avgifter på årets hela lön den månaden",
    ),
    (
        "minimum_day_rate",
        "2025-01-01",
        "Interim kultur: guidance for fees (cooperative)",
        "Interim kultur: riktlinje för arvoden (kooperativet)",
    ),
    (
        "pay_on",
        "2025-01-01",
        "Interim kultur: salary from money the client has paid",
        "Interim kultur: lön av pengar som kunden har betalat",
    ),
    (
        "pay_day",
        "2025-01-01",
        "Interim kultur: the 25th, or the bank day before",
        "Interim kultur: den 25:e, eller bankdagen före",
    ),
]


def upgrade() -> None:
    _rewrite({(key, day, old): new for key, day, old, new in SOURCES})


def downgrade() -> None:
    _rewrite({(key, day, new): old for key, day, old, new in SOURCES})


def _rewrite(sources: dict[tuple[str, str, str], str]) -> None:
    connection = op.get_bind()
    keys = sorted({key for key, _, _ in sources})
    rows = connection.execute(
        sa.select(
            _parameter_values.c.id,
            _parameter_values.c.key,
            _parameter_values.c.valid_from,
            _parameter_values.c.source,
        ).where(_parameter_values.c.key.in_(keys))
    ).all()
    for row in rows:
        source = sources.get((row.key, row.valid_from.isoformat(), row.source))
        if source is not None:
            connection.execute(
                sa.update(_parameter_values).where(_parameter_values.c.id == row.id).values(source=source)
            )
