"""Fixtures for invoicing: a cooperative that can issue Peppol invoices, clients, approved assignments."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from pypdf import PdfReader
from sqlalchemy.orm import Session

from kooperativet.api.dependencies import today
from kooperativet.assignments.models import Assignment, AssignmentLine, Expense
from kooperativet.assignments.rules import AssignmentStatus, ExtentUnit
from kooperativet.core.vat import VatCategory
from kooperativet.parameters import service as parameters_service
from kooperativet.parties.models import Client, Cooperative, Language, Member
from kooperativet.parties.service import get_cooperative
from tests.conftest import REFERENCE

XSD_DIR = REFERENCE / "peppol" / "ubl-2.1" / "xsd"
DATA = Path(__file__).resolve().parent / "data"

#: A Monday; 30 days later (1 April 2026) is a Wednesday.
ISSUE_DAY = date(2026, 3, 2)

Line = tuple[str, str, str, str, VatCategory, str]  # description, quantity, unit, price, category, rate
FEE_25: Line = ("Föreställning", "2", "DAY", "6000.00", VatCategory.STANDARD, "25")


@pytest.fixture
def seller(session: Session, cooperative: Cooperative) -> Cooperative:
    """The cooperative with everything a Peppol invoice needs, and the dated parameters seeded."""
    parameters_service.seed_defaults(session)
    seller = get_cooperative(session)
    seller.name = "Interim Kultur ekonomisk förening"
    seller.organisation_number = "769621-2344"
    seller.vat_number = "SE769621234401"
    seller.f_tax_approved = True
    seller.street = "Kulturgatan 1"
    seller.postal_code = "211 20"
    seller.city = "Malmö"
    seller.bankgiro = "5050-1055"
    session.flush()
    return seller


@pytest.fixture
def municipality(session: Session) -> Client:
    client = Client(
        name="Lunds kommun",
        organisation_number="212000-1124",
        street="Box 41",
        postal_code="221 00",
        city="Lund",
        public_sector=True,
        default_buyer_reference="KF-4711",
        payment_terms_days=30,
    )
    session.add(client)
    session.flush()
    return client


@pytest.fixture
def eu_business(session: Session) -> Client:
    client = Client(
        name="Kulturhaus Berlin GmbH",
        vat_number="DE136695976",
        country="DE",
        street="Oranienstraße 25",
        postal_code="10999",
        city="Berlin",
        language=Language.en,
        peppol_scheme="9930",
        peppol_id="DE136695976",
    )
    session.add(client)
    session.flush()
    return client


@pytest.fixture
def make_assignment(session: Session) -> Callable[..., Assignment]:
    def make(
        member: Member,
        client: Client,
        *lines: Line,
        status: AssignmentStatus = AssignmentStatus.approved,
        expenses: tuple[tuple[str, str, str], ...] = (),
        buyer_reference: str | None = None,
    ) -> Assignment:
        assignment = Assignment(
            member_id=member.id,
            client_id=client.id,
            title="Barnteater på biblioteket",
            period_start=date(2026, 2, 9),
            period_end=date(2026, 2, 20),
            place="Stadsbiblioteket",
            extent_quantity=Decimal("2"),
            extent_unit=ExtentUnit.days,
            buyer_reference=buyer_reference,
            status=status,
        )
        assignment.lines = [
            AssignmentLine(
                position=position,
                description=description,
                quantity=Decimal(quantity),
                unit=unit,
                unit_price=Decimal(price),
                vat_category=category,
                vat_rate=Decimal(rate),
            )
            for position, (description, quantity, unit, price, category, rate) in enumerate(
                lines or (FEE_25,), 1
            )
        ]
        assignment.expenses = [
            Expense(
                spent_on=date(2026, 2, 10),
                description=description,
                amount=Decimal(amount),
                vat_rate=Decimal(rate),
            )
            for description, amount, rate in expenses
        ]
        session.add(assignment)
        session.flush()
        return assignment

    return make


@pytest.fixture
def on_day(app: FastAPI) -> Iterator[Callable[[date], None]]:
    """Set the API's 'today'."""

    def set_day(day: date) -> None:
        app.dependency_overrides[today] = lambda: day

    set_day(ISSUE_DAY)
    yield set_day
    app.dependency_overrides.pop(today, None)


def pdf_text(content: bytes) -> str:
    """The extractable text of a PDF, with the no-break spaces of Swedish amounts as plain spaces."""
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\xa0", " ")


def embedded_files(content: bytes) -> dict[str, Any]:
    reader = PdfReader(io.BytesIO(content))
    return {name: data[0] for name, data in reader.attachments.items()}
