"""Demo step: members register assignments, the treasurer approves them, the anställningsbevis are written.

Commissions in October–November 2026 (the demo's today is 2026-11-20): one to the municipality with its
reference KF-4711 at 25 %, a concert at 6 %, a reverse-charged lecture for the Berlin client, Dagny's, and
music at a private person's wedding; and Bertil's season in 2027.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial

from kooperativet.assignments import service as assignments_service
from kooperativet.assignments.rules import ExtentUnit
from kooperativet.assignments.schemas import AssignmentCreate, ExpenseCreate, FeeLineCreate
from kooperativet.auth.models import User
from kooperativet.core.vat import VatCategory
from kooperativet.demo import DemoContext
from kooperativet.employments import service as employments_service
from kooperativet.employments.models import Employment
from kooperativet.parties.models import ClientKind, Member
from kooperativet.parties.schemas import ClientCreate

MUNICIPALITY = "Malmö stad, Kulturförvaltningen"
THEATRE = "Folkteatern i Mellanstad AB"
BERLIN = "Kulturhaus Berlin GmbH"
#: A private person, registered by the member with her commission (only they and the office see her); her
#: invoice is a PDF only, with every amount to pay including VAT.
PRIVATE_PERSON = ClientCreate(
    name="Sara Berg",
    kind=ClientKind.person,
    street="Sjövägen 12",
    postal_code="132 35",
    city="Saltsjö-Boo",
    email="sara.berg@example.se",
    payment_terms_days=15,
)


def _line(
    description: str, quantity: str, unit: str, price: str, category: VatCategory, rate: str
) -> FeeLineCreate:
    return FeeLineCreate(
        description=description,
        quantity=Decimal(quantity),
        unit=unit,
        unit_price=Decimal(price),
        vat_category=category,
        vat_rate=Decimal(rate),
    )


def _assignments(context: DemoContext) -> list[tuple[str, str, AssignmentCreate]]:
    """(context key, member key, assignment) for each demo commission."""
    ids = context.ids
    return [
        (
            "assignment:municipality",
            "member:alva",
            AssignmentCreate(
                client_id=ids[f"client:{MUNICIPALITY}"],
                title="Skrivarverkstad för unga",
                description="Fem dagars skrivarverkstad för högstadieelever på stadsbiblioteket.",
                period_start=date(2026, 10, 5),
                period_end=date(2026, 10, 9),
                place="Stadsbiblioteket, Malmö",
                extent_quantity=Decimal("5"),
                extent_unit=ExtentUnit.days,
                buyer_reference="KF-4711",
                lines=[_line("Workshopdagar", "5", "DAY", "3200.00", VatCategory.STANDARD, "25")],
                expenses=[
                    ExpenseCreate(
                        spent_on=date(2026, 10, 5),
                        description="Tåg Stockholm–Malmö t/r",
                        amount=Decimal("1178.00"),
                        vat_rate=Decimal("6"),
                        reinvoice=True,
                    )
                ],
            ),
        ),
        (
            "assignment:six_percent",
            "member:bertil",
            AssignmentCreate(
                client_id=ids[f"client:{THEATRE}"],
                title="Konsert: Visor från Mellanstad",
                description="Kvällskonsert med egna visor, inklusive repetition på plats.",
                period_start=date(2026, 10, 16),
                period_end=date(2026, 10, 17),
                place="Folkteatern, Göteborg",
                extent_quantity=Decimal("2"),
                extent_unit=ExtentUnit.days,
                buyer_reference="Karin Ek",
                lines=[_line("Konsertframträdande", "1", "LS", "9500.00", VatCategory.STANDARD, "6")],
            ),
        ),
        (
            "assignment:reverse_charge",
            "member:cleo",
            AssignmentCreate(
                client_id=ids[f"client:{BERLIN}"],
                title="Lecture and workshop: Nordic comics",
                description="A lecture and a two-day workshop on Nordic comics for the Kulturhaus staff.",
                period_start=date(2026, 11, 2),
                period_end=date(2026, 11, 4),
                place=None,
                extent_quantity=Decimal("24"),
                extent_unit=ExtentUnit.hours,
                buyer_reference="PO 2026-118",
                lines=[
                    _line(
                        "Lecture and workshop hours", "24", "HUR", "550.00", VatCategory.REVERSE_CHARGE, "0"
                    )
                ],
            ),
        ),
        (
            "assignment:dagny",
            "member:dagny",
            AssignmentCreate(
                client_id=ids[f"client:{MUNICIPALITY}"],
                title="Berättarstunder på äldreboenden",
                description="Sex berättarstunder på kommunens äldreboenden.",
                period_start=date(2026, 11, 9),
                period_end=date(2026, 11, 13),
                place=None,
                extent_quantity=Decimal("3"),
                extent_unit=ExtentUnit.days,
                buyer_reference="KF-4711",
                lines=[_line("Berättarstund", "6", "C62", "1400.00", VatCategory.STANDARD, "25")],
            ),
        ),
        (
            # Five months: the anställningsbevis states paid holiday instead of holiday pay with each salary.
            "assignment:season",
            "member:bertil",
            AssignmentCreate(
                client_id=ids[f"client:{THEATRE}"],
                title="Musiker i vårens föreställning",
                description="Repetitioner och föreställningar under vårsäsongen, två dagar i veckan.",
                period_start=date(2027, 1, 11),
                period_end=date(2027, 6, 10),
                place="Folkteatern, Göteborg",
                extent_quantity=Decimal("42"),
                extent_unit=ExtentUnit.days,
                buyer_reference="Karin Ek",
                lines=[_line("Föreställningsdagar", "42", "DAY", "2800.00", VatCategory.STANDARD, "6")],
            ),
        ),
        (
            "assignment:private_person",
            "member:alva",
            AssignmentCreate(
                client=PRIVATE_PERSON,
                title="Musik vid bröllop",
                description="Sång och piano vid vigseln och under middagen.",
                period_start=date(2026, 10, 24),
                period_end=date(2026, 10, 24),
                place="Boo kyrka och Boo gård, Nacka",
                extent_quantity=Decimal("5"),
                extent_unit=ExtentUnit.hours,
                lines=[
                    _line("Sång och piano", "5", "HUR", "1100.00", VatCategory.STANDARD, "25"),
                    _line("Ljudanläggning", "1", "C62", "650.00", VatCategory.STANDARD, "25"),
                ],
            ),
        ),
    ]


def run(context: DemoContext) -> None:
    """Register, submit and approve the demo assignments; write each anställningsbevis."""
    session = context.session
    treasurer = session.get(User, context.ids["user:treasurer"])
    assert treasurer is not None
    for key, member_key, data in _assignments(context):
        member = session.get(Member, context.ids[member_key])
        assert member is not None
        assert member.user_id is not None
        user = session.get(User, member.user_id)
        assert user is not None
        assignment = assignments_service.create_assignment(session, data=data, actor=user)
        assignments_service.submit_assignment(
            session, assignment=assignment, version=assignment.version, actor=user, now=context.now
        )
        employment = employments_service.approve_assignment(
            session,
            assignment=assignment,
            version=assignment.version,
            actor=treasurer,
            confirm_warnings=True,
            today=context.today,
            now=context.now,
        )
        context.ids[key] = assignment.id
        context.ids[f"employment:{key.removeprefix('assignment:')}"] = employment.id
        write_certificate(context, employment)


def write_certificate(context: DemoContext, employment: Employment) -> None:
    """The employment's anställningsbevis into the demo's folder once its PDF is rendered after the commit."""
    name = f"{employment.start.isoformat()}-{employment.member.last_name.lower()}-{employment.id}"
    context.write_after_commit(
        f"employments/anstallningsbevis-{name}.pdf",
        partial(getattr, employment, "certificate_pdf"),
        kind="employment_certificate_pdf",
        document_id=f"employment:{employment.id}",
    )
