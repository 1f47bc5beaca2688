"""The AGI from real payslips: FK131 for pay that is no contribution base (born 1937 or earlier, the year's
pay below 1 000 kr), the month that reaches 1 000 kr, and the SINK payee's name, address, citizenship, TIN."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from lxml import etree
from pypdf import PdfReader
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports import service as exports
from kooperativet.parties.models import TaxMode
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.calculation import YearToDatePay
from kooperativet.payroll.documents import render_payslip_pdf
from kooperativet.payroll.models import Payslip
from tests.payroll.conftest import create_and_approve, set_tax
from tests.statement_count import counted

CREATED_AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def fields(content: bytes) -> list[tuple[str, str]]:
    """(faltkod, value) of every field of the file, in document order."""
    return [
        (element.get("faltkod") or "", element.text or "")
        for element in etree.fromstring(content).iter()
        if element.get("faltkod")
    ]


def iu_amounts(content: bytes) -> list[tuple[str, str]]:
    """The IUs' amount fields: FK011, the tax fields and FK131."""
    return [(code, value) for code, value in fields(content) if code in {"011", "001", "274", "275", "131"}]


def fk487(content: bytes) -> str:
    return dict(fields(content))["487"]


def payslip_text(payslip: Payslip, language: str = "sv") -> str:
    pdf = render_payslip_pdf(number=payslip.number, snapshot=payslip.snapshot, language=language)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def export(session: Session, period: str, *, today: date) -> exports.ExportBatch:
    return exports.export_agi(session, period=period, today=today, created_at=CREATED_AT, created_by_id=None)


def test_pay_to_a_person_born_1937_is_declared_in_fk131(
    session: Session, exporter, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    *_, born_1937 = make_member(), make_member(), make_member(), make_member()  # the fourth: 1937-12-01
    assert born_1937.member.birth_date == date(1937, 12, 1)
    paid_assignment(born_1937.member, "10000.00")
    create_and_approve(
        session, today=date(2026, 11, 20), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )

    batch = export(session, "2026-11", today=date(2026, 11, 26))

    # Worked example F: B = 9 400.00, no contributions, tax 30 % = 2 820.
    assert iu_amounts(batch.content) == [("001", "2820"), ("131", "9400")]
    assert fk487(batch.content) == "0"


def test_the_year_below_1000_kr_goes_in_fk131_and_the_month_that_reaches_it_carries_the_whole_year(
    session: Session, exporter, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva = make_member()  # born 1990: full rate
    paid_assignment(alva.member, "500.00", issue_date=date(2026, 1, 15))
    [february] = payroll_service.run_payslips(
        session,
        run_id=create_and_approve(
            session, today=date(2026, 2, 20), pay_date=date(2026, 2, 25), approved_by_id=treasurer.user.id
        ).id,
    )
    paid_assignment(alva.member, "1000.00", issue_date=date(2026, 2, 15))
    [march] = payroll_service.run_payslips(
        session,
        run_id=create_and_approve(
            session, today=date(2026, 3, 20), pay_date=date(2026, 3, 25), approved_by_id=treasurer.user.id
        ).id,
    )

    # February: 470.00 pay, the year below 1 000 kr: no contributions (SFS 2000:980 2 kap. 14 §).
    assert (february.taxable_pay, february.employer_contributions) == (Decimal("470.00"), Decimal("0.00"))
    assert february.lines[0].contribution_parts == []
    # March: 602.88 brings the year to 1 072.88; the contributions on all of it fall due now (2 kap. 24 §).
    assert (march.taxable_pay, march.employer_contributions) == (Decimal("602.88"), Decimal("337.10"))
    assert [part["base"] for part in march.lines[0].contribution_parts] == ["1072.88"]

    february_agi = export(session, "2026-02", today=date(2026, 3, 1))
    assert iu_amounts(february_agi.content) == [("001", "141"), ("131", "470")]
    assert fk487(february_agi.content) == "0"

    # The payslips say why: no contributions below the threshold; the earlier pay inside March's base.
    assert "Arbetsgivaravgifter (ingen avgift: årets lön under 1 000 kr) 0,00" in payslip_text(february)
    assert (
        "Arbetsgivaravgifter (full avgift: 31,42 % på 1 072,88; varav 470,00 betalt tidigare i år utan "
        "avgift) −337,10"
    ) in payslip_text(march)
    assert "(no contributions: the year's pay below 1,000 kr) 0.00" in payslip_text(february, "en")

    march_agi = export(session, "2026-03", today=date(2026, 4, 1))
    assert iu_amounts(march_agi.content) == [("011", "602"), ("001", "180")]
    assert fk487(march_agi.content) == "336"  # 1 072 × 31.42 % = 336.82
    assert march_agi.notes == [
        f"payslip {march.number} (19900514-****): the year's pay reached the 1 000 kr threshold, so the "
        "contributions include 470.00 kr paid earlier in 2026 without contributions (SFS 2000:980 2 kap. "
        "24 §); FK487 is that much base more than this month's FK011"
    ]


def test_year_to_date_pay_of_a_whole_run_is_one_query(
    session: Session, exporter, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    alva, bertil, cleo = make_member(), make_member(), make_member()
    paid_assignment(alva.member, "500.00", issue_date=date(2026, 1, 15))
    paid_assignment(bertil.member, "20000.00", issue_date=date(2026, 1, 15))
    create_and_approve(
        session, today=date(2026, 2, 20), pay_date=date(2026, 2, 25), approved_by_id=treasurer.user.id
    )
    with counted(session) as statements:  # on its bind, the test's connection
        year = payroll_service.year_pay_before(
            session,
            member_ids=[alva.member.id, bertil.member.id, cleo.member.id],
            year=2026,
            threshold=Decimal("1000.00"),
        )

    assert statements.count == 1
    assert year == {
        alva.member.id: YearToDatePay(pay=Decimal("470.00"), deferred_base=Decimal("470.00")),
        # Bertil (born 1956, 10.21 %): 17 058.34 + 1 741.66 = 18 800.00, far over the threshold.
        bertil.member.id: YearToDatePay(pay=Decimal("17058.34"), deferred_base=Decimal("0.00")),
    }


def test_a_sink_payee_is_declared_with_name_address_citizenship_and_tin(
    session: Session, exporter, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    _, pierre = make_member(), make_member()  # the second: born 1956-03-02
    member = pierre.member
    member.first_name, member.last_name = "Pierre", "Dupont"
    member.street, member.postal_code, member.city, member.country = "1 rue de Rivoli", "75001", "Paris", "FR"
    member.citizenship, member.tax_identification_number, member.tax_identification_country = (
        "FR",
        "1234567890123",
        "FR",
    )
    set_tax(session, member, valid_from=date(2026, 1, 1), mode=TaxMode.sink)
    paid_assignment(member, "15000.00")
    create_and_approve(
        session, today=date(2026, 11, 20), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )

    batch = export(session, "2026-11", today=date(2026, 11, 26))

    assert fields(batch.content)[4:] == [
        ("201", "167696001234"),
        ("215", "195603022343"),
        ("216", "Pierre"),
        ("217", "Dupont"),
        ("218", "1 rue de Rivoli"),
        ("219", "75001"),
        ("220", "Paris"),
        ("221", "FR"),
        ("081", "FR"),
        ("252", "1234567890123"),
        ("076", "FR"),
        ("006", "202611"),
        ("570", "002"),
        ("011", "12793"),  # B = 12 793.76 (worked example B's base at 10.21 %)
        ("274", "2878"),  # SINK 22.5 % of 12 793.76 = 2 878.59
    ]
