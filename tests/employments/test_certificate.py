"""The anställningsbevis matches the employment: agreed pay, holiday by length, date and place of issue."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader

from kooperativet.api.dependencies import today
from kooperativet.assignments.rules import ExtentUnit
from kooperativet.auth.models import Role
from kooperativet.employments.certificate import PayEstimate, holiday_pay_with_each_salary, pay_estimate
from kooperativet.employments.service.certificate import extent_text
from kooperativet.parameters import service as parameters_service
from tests.assignments.factories import approve, assignment_body, register, submit
from tests.date_styles import assert_one_date_style
from tests.documents.glyphs import glyph_problems
from tests.employments.test_employments_api import text_of


def test_the_pay_estimate_solves_the_payout_rule_for_the_whole_fee() -> None:
    assert pay_estimate(
        fee_total=Decimal("15000.00"),
        fee_rate=Decimal("0.06"),
        holiday_pay_rate=Decimal("0.12"),
        contribution_rate=Decimal("0.3142"),
    ) == PayEstimate(
        fee=Decimal("900.00"),
        pool=Decimal("14100.00"),
        gross_salary=Decimal("9579.00"),
        holiday_pay=Decimal("1149.00"),
        employer_contributions=Decimal("3372.00"),
    )


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        (date(2026, 10, 5), date(2026, 10, 18), True),  # two weeks
        (date(2026, 10, 5), date(2027, 1, 4), True),  # exactly three months
        (date(2026, 10, 5), date(2027, 1, 5), False),  # a day more
        (date(2026, 11, 30), date(2027, 2, 27), True),  # to the day before 28 February
        (date(2026, 10, 5), date(2027, 3, 4), False),  # five months
    ],
)
def test_holiday_pay_with_each_salary_only_for_at_most_three_months(
    start: date, end: date, allowed: bool
) -> None:
    assert holiday_pay_with_each_salary(start=start, end=end) is allowed


@pytest.fixture
def issued_on(app: FastAPI) -> Iterator[None]:
    app.dependency_overrides[today] = lambda: date(2026, 9, 28)
    yield
    app.dependency_overrides.pop(today, None)


@pytest.fixture
def certificate_text(
    api: TestClient, session, make_member, make_user, cooperative, client_record, issued_on
) -> Callable[..., str]:
    parameters_service.seed_defaults(session)
    cooperative.city = "Malmö"
    session.flush()
    treasurer = make_user(Role.treasurer)

    def text(
        *,
        country: str | None = None,
        lines: bool = False,
        personal_number: str | None = None,
        **changes: object,
    ) -> str:
        member = make_member()
        if personal_number is not None:
            member.member.personal_identity_number = personal_number
            member.member.birth_date = date(
                int(personal_number[:4]), int(personal_number[4:6]), int(personal_number[6:8])
            )
            session.flush()
        if country is not None:
            member.member.street, member.member.postal_code, member.member.city = (
                "Calle Mayor 5",
                "28013",
                "Madrid",
            )
            member.member.country = country
            session.flush()
        body = assignment_body(client_record.id, **changes)
        submitted = submit(api, member.headers, register(api, member.headers, body))
        approve(api, treasurer.headers, submitted, confirm=True)
        employment = api.get("/api/v1/employments", headers=member.headers).json()["items"][0]
        pdf = api.get(
            f"/api/v1/employments/{employment['id']}/certificate.pdf", headers=member.headers
        ).content
        assert glyph_problems(pdf) == []
        return (
            text_of(pdf)
            if not lines
            else "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        )

    return text


def test_a_two_week_employment_pays_holiday_pay_with_each_salary(certificate_text) -> None:
    text = certificate_text(period_end="2026-10-18")
    assert (
        "Anställningen varar högst tre månader. Arbetsgivaren och arbetstagaren är överens om att semester "
        "inte läggs ut under anställningen: semesterersättning med 12 % av bruttolönen betalas i stället ut "
        "med varje lön (semesterlagen, SFS 1977:480, 5 § första stycket och procentregeln i 16 b §)."
    ) in text
    assert "Semesterersättning (12 % av bruttolönen) cirka 1 150 kr" in text


def test_a_five_month_employment_earns_paid_holiday_instead(certificate_text) -> None:
    text = certificate_text(period_end="2027-03-04")
    assert (
        "Anställningen varar längre än tre månader, så semesterersättning med varje lön i stället för betald "
        "semester är inte tillåten (semesterlagen, SFS 1977:480, 5 § första stycket)."
    ) in text
    assert "semesterlön enligt procentregeln, 12 % av lönen under intjänandeåret (16 b §)" in text
    assert "Semesterlön (12 % av bruttolönen) cirka 1 150 kr" in text
    assert "betalas i stället ut med varje lön" not in text


def test_the_certificate_states_the_agreed_pay(certificate_text) -> None:
    text = certificate_text()
    assert (
        "Uppdragets arvode är 15 000,00 kr exklusive moms. Efter kooperativets avgift (6 % av arvodet, "
        "900,00 kr) återstår 14 100,00 kr."
    ) in text
    # Reckoned as payroll reckons it (the payout's own amounts, each in whole kronor): 9 579,xx + 1 149,5x
    # + 3 371,xx of the pool of 14 100.
    assert "Bruttolön, beräknad för hela anställningen cirka 9 579 kr" in text
    assert (
        "Arbetsgivaravgifter (31,42 %), betalas av arbetsgivaren till Skatteverket och ingår inte i lönen "
        "cirka 3 371 kr" in text
    )
    assert "Beloppen är beräknade med arbetstagarens egen avgiftsnivå den dag anställningen börjar" in text


@pytest.mark.parametrize(
    ("personal_number", "gross", "contributions"),
    [
        # Born 1937: no employer contributions at all; the pool is gross pay and holiday pay (14 100 / 1,12).
        ("193712014566", "Bruttolön, beräknad för hela anställningen cirka 12 589 kr", "(0 %)"),
        # 22 years old in October 2026: the youth rate, the whole fee under its monthly cap
        # (14 100 / (1,12 × 1,2081) = 10 420,73).
        ("200408303451", "Bruttolön, beräknad för hela anställningen cirka 10 421 kr", "(20,81 %)"),
    ],
)
def test_the_estimate_uses_the_members_own_contribution_rate(
    certificate_text, personal_number: str, gross: str, contributions: str
) -> None:
    """The full rate for everyone said 5 364 kr to a member born 1937 whose payslip paid 7 050 kr."""
    text = certificate_text(personal_number=personal_number)
    assert gross in text
    assert f"Arbetsgivaravgifter {contributions}, betalas av arbetsgivaren till Skatteverket" in text


def test_the_certificate_states_the_date_and_place_of_issue(certificate_text) -> None:
    assert "Utfärdat i Malmö 2026-09-28." in certificate_text()


def test_the_certificate_writes_every_date_as_an_iso_date(certificate_text) -> None:
    """A form writes its dates in one style (docs/web.md): the day of issue as the employment's days are."""
    assert_one_date_style(" ".join(certificate_text().split()), "iso")


def test_every_comma_is_followed_by_a_space(certificate_text) -> None:
    text = certificate_text()
    assert [
        text[i - 15 : i + 15]
        for i, c in enumerate(text)
        if c == "," and not text[i + 1 : i + 2].isspace() and not text[i + 1 : i + 2].isdigit()
    ] == []


@pytest.mark.parametrize(
    ("amount", "unit", "language", "expected"),
    [
        ("1", ExtentUnit.days, "sv", "1 dag"),
        ("1.00", ExtentUnit.hours, "sv", "1 timme"),
        ("5.00", ExtentUnit.days, "sv", "5 dagar"),
        ("2.5", ExtentUnit.days, "sv", "2,5 dagar"),
        ("1500", ExtentUnit.hours, "sv", "1\xa0500 timmar"),
        ("1", ExtentUnit.days, "en", "1 day"),
        ("1500", ExtentUnit.hours, "en", "1,500 hours"),
    ],
)
def test_the_extent_is_singular_for_one_and_written_as_swedes_write_numbers(
    amount: str, unit: ExtentUnit, language: str, expected: str
) -> None:
    assert extent_text(Decimal(amount), unit, language) == expected


def test_one_day_of_work_is_one_dag(certificate_text) -> None:
    text = certificate_text(extent_quantity="1", period_end="2026-10-05")
    assert "Normal arbetstid: uppdragets omfattning, 1 dag under anställningsperioden" in text


def test_the_duties_keep_their_line_breaks(certificate_text) -> None:
    text = certificate_text(description="Leda skrivarverkstad.\nAndra raden: läsa texterna.", lines=True)
    assert "Leda skrivarverkstad.\nAndra raden: läsa texterna." in text


def test_a_member_abroad_has_the_country_in_the_address(certificate_text) -> None:
    assert "Calle Mayor 5 28013 Madrid Spanien" in certificate_text(country="ES")
    assert "Sverige" not in certificate_text(country="SE")
