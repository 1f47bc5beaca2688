"""Demo step: the cooperative, its officers, one member per contribution category and three clients."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from kooperativet.auth import service as auth_service
from kooperativet.auth.models import Role
from kooperativet.config import Settings
from kooperativet.demo import DemoContext
from kooperativet.parameters import service as parameters_service
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import TaxMode
from kooperativet.parties.schemas import ClientCreate, MemberCreate, TaxSettingCreate

# Printed in the README: the demo is for looking around, never for real use.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105

DEMO_COOPERATIVE = Settings(
    cooperative_name="Interim kultur ekonomisk förening",
    cooperative_organisation_number="769600-1234",
    cooperative_vat_number="SE769600123401",
    cooperative_street="Kulturgatan 7",
    cooperative_postal_code="118 20",
    cooperative_city="Stockholm",
    cooperative_bankgiro="505-0109",
    cooperative_iban="SE4550000000058398257466",
    cooperative_bic="ESSESESS",
    cooperative_contact_name="Karin Kassör",
    cooperative_contact_email="kassor@interimkultur.example.se",
    cooperative_contact_phone="+46 8 123 456 00",
)

# One member per employer-contribution category (payroll.md §2) and two tax modes.
DEMO_MEMBERS = [
    MemberCreate(
        first_name="Alva",
        last_name="Lindqvist",
        personal_identity_number="19900514-1230",
        street="Repslagargatan 3",
        postal_code="118 46",
        city="Stockholm",
        email="alva@example.se",
        bank_clearing_number="6000",
        bank_account_number="123456789",
        joined_on=date(2024, 2, 1),
    ),
    MemberCreate(
        first_name="Bertil",
        last_name="Holm",
        personal_identity_number="19560302-2343",
        street="Calle Mayor 5",
        postal_code="28013",
        city="Madrid",
        country="ES",
        # The AGI carries a payee abroad's citizenship and Spanish tax number (FK081, FK252, FK076).
        citizenship="SE",
        tax_identification_number="12345678Z",
        tax_identification_country="ES",
        email="bertil@example.se",
        bank_clearing_number="5000",
        bank_account_number="1234560",
        # The same SEB account as IBAN, which he gave: the salary file pays him to it and the others to their
        # clearing and account numbers (exports.md, pain.001).
        bank_iban="SE69 5000 0000 0500 0123 4560",
        joined_on=date(2023, 9, 1),
        # Lives in Spain with a SINK decision: 22.5 % from 2026 (payroll.md §3).
        tax=TaxSettingCreate(valid_from=date(2023, 9, 1), mode=TaxMode.sink),
    ),
    MemberCreate(
        first_name="Cleo",
        last_name="Nilsson",
        personal_identity_number="20040830-3451",
        street="Möllevångsgatan 8",
        postal_code="214 20",
        city="Malmö",
        email="cleo@example.se",
        bank_clearing_number="9570",
        bank_account_number="1234567897",
        joined_on=date(2025, 5, 1),
        tax=TaxSettingCreate(valid_from=date(2025, 5, 1), mode=TaxMode.flat, percent=Decimal("30")),
    ),
    MemberCreate(
        first_name="Dagny",
        last_name="Ek",
        personal_identity_number="19371201-4566",
        street="Linnégatan 40",
        postal_code="413 04",
        city="Göteborg",
        email="dagny@example.se",
        bank_clearing_number="3300",
        bank_account_number="3712014566",
        joined_on=date(2020, 1, 1),
    ),
]

DEMO_CLIENTS = [
    ClientCreate(
        name="Malmö stad, Kulturförvaltningen",
        organisation_number="212000-1124",
        vat_number="SE212000112401",
        street="Box 30",
        postal_code="201 20",
        city="Malmö",
        email="faktura@malmo.example.se",
        peppol_scheme="0007",
        peppol_id="2120001124",
        default_buyer_reference="KF-4711",
        public_sector=True,
    ),
    ClientCreate(
        name="Folkteatern i Mellanstad AB",
        organisation_number="556677-8899",
        vat_number="SE556677889901",
        street="Teatergatan 1",
        postal_code="411 38",
        city="Göteborg",
        email="ekonomi@folkteatern.example.se",
    ),
    ClientCreate(
        name="Kulturhaus Berlin GmbH",
        vat_number="DE136695976",
        country="DE",
        street="Oranienstraße 25",
        postal_code="10999",
        city="Berlin",
        email="buchhaltung@kulturhaus.example.de",
        language="en",
        # Peppol EAS 9930, a German VAT number: Peppol needs the buyer's address (PEPPOL-EN16931-R010).
        peppol_scheme="9930",
        peppol_id="DE136695976",
    ),
]


def run(context: DemoContext) -> None:
    """Create the cooperative, its officers' logins, the members and the clients."""
    session = context.session
    parameters_service.seed_defaults(session)
    cooperative = parties_service.seed_cooperative(session, settings=DEMO_COOPERATIVE)
    assert cooperative is not None, "the demo needs a new, empty database"
    context.manifest.cooperative_name = cooperative.name
    context.manifest.organisation_number = cooperative.organisation_number or ""
    for key, email, name, roles in [
        ("admin", "admin@interimkultur.example.se", "Ada Admin", [Role.admin]),
        ("treasurer", "kassor@interimkultur.example.se", "Karin Kassör", [Role.treasurer, Role.member]),
        ("chair", "ordforande@interimkultur.example.se", "Olle Ordförande", [Role.board, Role.member]),
    ]:
        user = auth_service.create_user(
            session, email=email, full_name=name, password=DEMO_PASSWORD, roles=roles
        )
        context.ids[f"user:{key}"] = user.id
    for data in DEMO_MEMBERS:
        user = auth_service.create_user(
            session,
            email=str(data.email),
            full_name=f"{data.first_name} {data.last_name}",
            password=DEMO_PASSWORD,
            roles=[Role.member],
        )
        member = parties_service.create_member(session, data=data.model_copy(update={"user_id": user.id}))
        context.ids[f"member:{data.first_name.lower()}"] = member.id
    for client_data in DEMO_CLIENTS:
        client = parties_service.create_client(session, data=client_data)
        context.ids[f"client:{client_data.name}"] = client.id
    # The auditor (revisor) last, so that the ids of everything above stay as they were: she reads the
    # office's pages and changes nothing (docs/separation-of-duties.md, "The auditor").
    auditor = auth_service.create_user(
        session,
        email="revisor@interimkultur.example.se",
        full_name="Rut Revisor",
        password=DEMO_PASSWORD,
        roles=[Role.auditor],
    )
    context.ids["user:auditor"] = auditor.id
