"""account map: BAS 2025's accounts for services sold abroad, and the residue left on the sale

The seeded ``account_map`` booked services sold to another EU country under reverse charge on 3046 and
services sold to a country outside the EU on 3045. BAS-kontoplanen 2025 has neither: its accounts are 3308
(Försäljning tjänster till annat EU-land) and 3305 (Försäljning tjänster till land utanför EU), in group 33,
Försäljning av tjänster utanför Sverige; in EU-BAS 99, where 3045 and 3046 come from, 3046 was a sale to
another EU country *with* Swedish VAT, the opposite of reverse charge. The seeded map also moved each payroll
run's residue R from 3041 to 3740 (roles ``residue_source`` and ``residue``); R is part of the sale, which
stays on its sales account, so the roles go.

This data migration rewrites the value of the seeded row, matched by key, valid-from date and the exact old
value, so a map an admin added (from any date) is left alone and keeps working: the export reads only the
roles it knows, and an admin's ``residue`` keys are now unused. The source stays (BAS-kontoplanen).
Rewriting is allowed for the same reasons as in 5b7e2d9c4a1f and 3c9d1e7b5a20: the seeded rows carry no audit
entry, and export batches keep the files they wrote, so a SIE file already made is downloaded as it was; a
file made from now on books sales abroad on 3305 and 3308.

Revision ID: 9d4b7e1c3a52
Revises: 3c9d1e7b5a20
Create Date: 2026-12-05 23:00:00+00:00
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "9d4b7e1c3a52"
down_revision: str | None = "3c9d1e7b5a20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_parameter_values = sa.table(
    "parameter_values",
    sa.column("key", sa.String),
    sa.column("valid_from", sa.Date),
    sa.column("value", sa.String),
)

# Frozen copies (``json.dumps(…, sort_keys=True)`` of the catalogue's map): a migration never imports the
# application.
KEY = "account_map"
VALID_FROM = date(2025, 1, 1)
OLD = (
    '{"bank": "1930", "employer_contributions": "7510", "employer_contributions_payable": "2731", '
    '"holiday_pay": "7285", "input_vat": "2641", "output_vat_12": "2621", "output_vat_25": "2611", '
    '"output_vat_6": "2631", "receivables": "1510", "reimbursed_expenses": "6990", "residue": "3740", '
    '"residue_source": "3041", "rounding": "3740", "salaries": "7210", "sales_12": "3042", "sales_25": "3041", '
    '"sales_6": "3043", "sales_eu_reverse_charge": "3046", "sales_exempt": "3044", "sales_outside_eu": "3045", '
    '"tax_withheld": "2710"}'
)
NEW = (
    '{"bank": "1930", "employer_contributions": "7510", "employer_contributions_payable": "2731", '
    '"holiday_pay": "7285", "input_vat": "2641", "output_vat_12": "2621", "output_vat_25": "2611", '
    '"output_vat_6": "2631", "receivables": "1510", "reimbursed_expenses": "6990", "rounding": "3740", '
    '"salaries": "7210", "sales_12": "3042", "sales_25": "3041", "sales_6": "3043", '
    '"sales_eu_reverse_charge": "3308", "sales_exempt": "3044", "sales_outside_eu": "3305", '
    '"tax_withheld": "2710"}'
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
            _parameter_values.c.valid_from == VALID_FROM,
            _parameter_values.c.value == old,
        )
        .values(value=new)
    )
