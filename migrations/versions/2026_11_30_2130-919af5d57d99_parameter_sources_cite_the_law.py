"""seeded parameter sources cite the law or authority

The default parameter values seeded by earlier versions named internal documents or said "verify" in their
``source``; the employer-contribution rules named a vendor's table. This data migration rewrites those texts
on the seeded rows (matched by key, valid-from date and the exact old text, so a value an admin or a decision
added is left alone) to the sources the catalogue now seeds. No number changes.

Revision ID: 919af5d57d99
Revises: 89a38f91c905
Create Date: 2026-11-30 21:30:00+00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "919af5d57d99"
down_revision: str | None = "89a38f91c905"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_parameter_values = sa.table(
    "parameter_values",
    sa.column("id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("valid_from", sa.Date),
    sa.column("value", sa.Text),
    sa.column("source", sa.String),
)

# (key, valid-from, old source, new source), frozen copies: a migration never imports the application.
SOURCES = [
    (
        "fee_rate",
        "2025-01-01",
        "Interim kultur: the cooperative's fee (payroll.md §1)",
        "Interim kultur: the fee its members decided",
    ),
    (
        "sink_rate",
        "2026-01-01",
        "SINK 22.5 % from 2026-01-01 (budget 2026 — verify)",
        "Skatteverket: SINK 22.5 % from 2026-01-01; lag (1991:586) om SINK",
    ),
    (
        "table_surcharge_rate",
        "2025-01-01",
        "payroll.md §3: table + 10 % without tax information",
        "Interim kultur: table tax + 10 % until tax information is given",
    ),
    (
        "employer_contribution_rules",
        "2025-01-01",
        "Skatteverket, arbetsgivaravgifter 2025 (payroll.md §2)",
        "Skatteverket, arbetsgivaravgifter 2025; SFS 2000:980 2 kap. 26 §",
    ),
    (
        "employer_contribution_rules",
        "2026-01-01",
        "Skatteverket 2026; SFS 2026:100 and prop. 2025/26:66 (youth reduction) (payroll.md §2)",
        "Skatteverket, arbetsgivaravgifter 2026; SFS 2000:980; SFS 2026:100, prop. 2025/26:66 (youth)",
    ),
    (
        "invoice_rounding",
        "2025-01-01",
        "invoicing.md: öresavrundning by default",
        "Interim kultur: öresavrundning (Peppol BIS Billing 3.0, PayableRoundingAmount)",
    ),
    (
        "pay_on",
        "2025-01-01",
        "overview.md: salary from money the client has paid",
        "Interim kultur: salary from money the client has paid",
    ),
    (
        "pay_day",
        "2025-01-01",
        "payroll.md §5: the 25th, or the bank day before",
        "Interim kultur: the 25th, or the bank day before",
    ),
    ("account_map", "2025-01-01", "BAS-kontoplanen", "BAS-kontoplanen (BAS-intressenternas Förening)"),
]

# The sources inside the 2026 employer-contribution rules (JSON), old → new.
RULE_SOURCES = {
    'Skatteverket; Fortnox "Belopp och procentsatser" 2026: 31.42 % above': "Skatteverket, arbetsgivaravgifter 2026; SFS 2000:980: 31.42 % above",
    "prop. 2021/22:181 (ålderspensionsavgift); Fortnox 2026 table: born 1938 … Y-68": "prop. 2021/22:181 (ålderspensionsavgift); Skatteverket 2026: born 1938 … Y-68",
    'Skatteverket; Fortnox "Belopp och procentsatser" 2026: 31.42 %, born Y-67 or later': "Skatteverket, arbetsgivaravgifter 2026; SFS 2000:980: 31.42 %, born Y-67 or later",
}
_RULE_SOURCE_FIELDS = ("source", "rate_above_cap_source")


def upgrade() -> None:
    _rewrite(sources={(key, day, old): new for key, day, old, new in SOURCES}, rule_sources=RULE_SOURCES)


def downgrade() -> None:
    _rewrite(
        sources={(key, day, new): old for key, day, old, new in SOURCES},
        rule_sources={new: old for old, new in RULE_SOURCES.items()},
    )


def _rewrite(*, sources: dict[tuple[str, str, str], str], rule_sources: dict[str, str]) -> None:
    connection = op.get_bind()
    keys = sorted({key for key, _, _ in sources})
    rows = connection.execute(
        sa.select(
            _parameter_values.c.id,
            _parameter_values.c.key,
            _parameter_values.c.valid_from,
            _parameter_values.c.value,
            _parameter_values.c.source,
        ).where(_parameter_values.c.key.in_(keys))
    ).all()
    for row in rows:
        source = sources.get((row.key, row.valid_from.isoformat(), row.source))
        if source is None:
            continue
        value = (
            _rewrite_rules(row.value, rule_sources) if row.key == "employer_contribution_rules" else row.value
        )
        connection.execute(
            sa.update(_parameter_values)
            .where(_parameter_values.c.id == row.id)
            .values(source=source, value=value)
        )


def _rewrite_rules(value: str, rule_sources: dict[str, str]) -> str:
    """The rules JSON with its inner sources replaced, written the way the service stores JSON values."""
    rules = json.loads(value)
    for rule in rules:
        for field in _RULE_SOURCE_FIELDS:
            if rule.get(field) in rule_sources:
                rule[field] = rule_sources[rule[field]]
    return json.dumps(rules, sort_keys=True, ensure_ascii=False)
