"""Fixtures for the month-end exports: a cooperative with everything the files need, an approved run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import today
from kooperativet.auth.models import Role
from kooperativet.parties.models import Cooperative, Member, TaxMode
from kooperativet.payroll import service as payroll_service
from kooperativet.payroll.models import PayrollRun
from tests.payroll.conftest import create_and_approve, paid_assignment, payroll_ready, set_tax

__all__ = ["paid_assignment", "payroll_ready"]

PAY_DATE = date(2026, 11, 25)
#: The day the tests export on: after the pay date, in the same month.
EXPORT_DAY = date(2026, 11, 26)


@pytest.fixture
def exporter(session: Session, payroll_ready: Cooperative) -> Cooperative:
    """The cooperative with an organisation number, a contact for Skatteverket and a bank account."""
    payroll_ready.name = "Testkooperativet ekonomisk förening"
    payroll_ready.contact_name = "Karin Kassör"
    payroll_ready.contact_phone = "+46 8 123 456 00"
    payroll_ready.contact_email = "kassor@example.se"
    payroll_ready.iban = "SE4550000000058398257466"
    payroll_ready.bic = "ESSESESS"
    session.flush()
    return payroll_ready


@pytest.fixture
def export_day(app: FastAPI) -> Iterator[date]:
    """The API's today, fixed at ``EXPORT_DAY``."""
    app.dependency_overrides[today] = lambda: EXPORT_DAY
    yield EXPORT_DAY
    app.dependency_overrides.pop(today, None)


@dataclass
class ApprovedRun:
    run: PayrollRun
    treasurer: object


@pytest.fixture
def approved_run(
    session: Session, exporter: Cooperative, make_user, make_member, paid_assignment
) -> ApprovedRun:
    """A run for 25 November 2026: Alva (full contributions, flat 30 %, an outlay with 6 % VAT), Bertil
    (born 1956: pension only, SINK) and Cleo (born 2004: youth), approved by the treasurer."""
    treasurer = make_user(Role.treasurer)
    alva, bertil, cleo = make_member(), make_member(), make_member()
    set_tax(session, bertil.member, valid_from=date(2026, 1, 1), mode=TaxMode.sink)
    paid_assignment(alva.member, "20000.00", expenses="789.00")
    paid_assignment(bertil.member, "15000.00")
    paid_assignment(cleo.member, "30000.00")
    draft = payroll_service.create_run(
        session, today=EXPORT_DAY, pay_date=PAY_DATE, pay_on=None, created_by_id=treasurer.user.id
    ).run
    run = payroll_service.approve_run(
        session,
        run_id=draft.id,
        approved_by_id=treasurer.user.id,
        now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
    )
    return ApprovedRun(run=run, treasurer=treasurer)


@dataclass
class PayeesAbroad:
    treasurer: object
    pierre: Member
    anna: Member


@pytest.fixture
def payees_abroad(
    session: Session, exporter: Cooperative, make_user, make_member, paid_assignment
) -> PayeesAbroad:
    """November 2026 paid to Alva (flat tax) and to Pierre and Anna, taxed by SINK and living in France."""
    treasurer = make_user(Role.treasurer)
    alva, pierre, anna = make_member(), make_member(), make_member()
    for actor, first in ((pierre, "Pierre"), (anna, "Anna")):
        member = actor.member
        member.first_name, member.last_name = first, "Dupont"
        member.street, member.postal_code, member.city, member.country = (
            "1 rue de Rivoli",
            "75001",
            "Paris",
            "FR",
        )
        member.citizenship, member.tax_identification_number, member.tax_identification_country = (
            "FR",
            "1234567890123",
            "FR",
        )
        set_tax(session, member, valid_from=date(2026, 1, 1), mode=TaxMode.sink)
    for actor in (alva, pierre, anna):
        paid_assignment(actor.member, "15000.00")
    create_and_approve(session, today=date(2026, 11, 20), pay_date=PAY_DATE, approved_by_id=treasurer.user.id)
    return PayeesAbroad(treasurer=treasurer, pierre=pierre.member, anna=anna.member)
