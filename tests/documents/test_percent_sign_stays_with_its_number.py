"""A rate's per cent sign is never parted from its number at the end of a line (docs/documents.md: "25 %"
with a no-break space, as ``render.percent`` writes it): the payslip's contribution rates and tax rule and the
anställningsbevis's fee, holiday pay and contribution rates wrapped "31,42" and "%" onto two lines when the
line ended between them."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.documents.render import render_html
from kooperativet.employments.models import Employment
from kooperativet.payroll.documents import TEMPLATE, payslip_context
from tests.employments.test_certificate import certificate_text, issued_on  # noqa: F401 (fixtures)
from tests.payroll.test_payslip_documents import _snapshot

#: A number, then an ordinary (breakable) space, then the per cent sign.
BREAKABLE = re.compile(r"\d[ \n]+%")


def test_the_payslips_rates_keep_their_per_cent_sign() -> None:
    snapshot = _snapshot()
    snapshot["lines"][0].update(
        contribution_category="youth",
        contribution_parts=[
            {"base": "2500.00", "rate": "0.2081", "source": "x"},
            {"base": "4323.34", "rate": "0.3142", "source": "x"},
        ],
        tax_mode="table", tax_table_number=33, tax_column=1,
    )  # fmt: skip
    snapshot["tax_setting"]["tax_information_missing"] = True
    flat = _snapshot()
    for language in ("sv", "en"):
        for case in (snapshot, flat):
            html = render_html(TEMPLATE, payslip_context(number="L1", snapshot=case, language=language))
            assert not BREAKABLE.search(html), BREAKABLE.findall(html)
        html = render_html(TEMPLATE, payslip_context(number="L1", snapshot=snapshot, language="sv"))
    assert "20,81\N{NO-BREAK SPACE}% på 2\N{NO-BREAK SPACE}500,00; 31,42\N{NO-BREAK SPACE}% på" in html
    assert "tabell 33, kolumn 1 + 10\N{NO-BREAK SPACE}% (skatteuppgifter saknas)" in html


def test_the_anstallningsbevis_rates_keep_their_per_cent_sign(
    session: Session,
    certificate_text: Callable[..., str],  # noqa: F811 (fixture)
) -> None:
    for period_end in ("2026-10-18", "2027-03-04"):  # holiday pay with each salary, and paid holiday
        certificate_text(period_end=period_end)
        newest = select(Employment).order_by(Employment.id.desc()).limit(1)
        html = session.scalars(newest).one().certificate_html
        assert html is not None
        assert not BREAKABLE.search(html), BREAKABLE.findall(html)
        assert "(6&nbsp;% av arvodet" in html or "(6\N{NO-BREAK SPACE}% av arvodet" in html
