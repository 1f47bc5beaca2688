"""``kooperativet demo``: a whole demo cooperative built through the same services the API uses.

The demo's data is fixed (its "today" is a parameter), so two runs into two new folders give the same
documents. Each feature adds its part of the journey here and lists its documents in ``manifest.json``
(``shared/design/demo-manifest.md``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from kooperativet import __version__, migrate
from kooperativet.auth import service as auth_service
from kooperativet.auth.models import Role
from kooperativet.config import Settings
from kooperativet.db import make_engine, make_session_factory, transaction
from kooperativet.parties import service as parties_service
from kooperativet.parties.models import Client, Member, TaxMode
from kooperativet.parties.schemas import ClientCreate, MemberCreate, TaxSettingCreate

# Printed in the README: the demo is for looking around, never for real use.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105


@dataclass
class Manifest:
    cooperative_name: str
    organisation_number: str
    files: list[dict[str, str]] = field(default_factory=list)

    def add(self, *, out: Path, path: Path, kind: str, document_id: str) -> None:
        self.files.append(
            {
                "path": path.relative_to(out).as_posix(),
                "kind": kind,
                "document_id": document_id,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
        )

    def write(self, out: Path) -> Path:
        body = {
            "generator": f"kooperativet {__version__}",
            "cooperative": {"name": self.cooperative_name, "organisation_number": self.organisation_number},
            "files": self.files,
        }
        path = out / "manifest.json"
        path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


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
        street="Storgatan 12",
        postal_code="753 20",
        city="Uppsala",
        email="bertil@example.se",
        bank_clearing_number="5000",
        bank_account_number="1234560",
        joined_on=date(2023, 9, 1),
        tax=TaxSettingCreate(valid_from=date(2023, 9, 1), mode=TaxMode.flat, percent=None),
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
        tax=TaxSettingCreate(
            valid_from=date(2025, 5, 1), mode=TaxMode.table, table_number=32, table_column=1
        ),
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
    ),
]


def run_demo(*, out: Path, today: date, database_url: str | None = None) -> Path:
    """Build the demo cooperative in ``out`` and return the path of its manifest."""
    out.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{(out / 'demo.sqlite3').resolve()}"
    if database_url is None:
        (out / "demo.sqlite3").unlink(missing_ok=True)
    migrate.upgrade(url)
    engine = make_engine(url)
    manifest = Manifest(
        cooperative_name=DEMO_COOPERATIVE.cooperative_name,
        organisation_number=DEMO_COOPERATIVE.cooperative_organisation_number or "",
    )
    for session in transaction(make_session_factory(engine)):
        _people(session)
    engine.dispose()
    return manifest.write(out)


def _people(session: Session) -> tuple[list[Member], list[Client]]:
    parties_service.seed_cooperative(session, settings=DEMO_COOPERATIVE)
    for email, name, roles in [
        ("admin@interimkultur.example.se", "Ada Admin", [Role.admin]),
        ("kassor@interimkultur.example.se", "Karin Kassör", [Role.treasurer, Role.member]),
        ("ordforande@interimkultur.example.se", "Olle Ordförande", [Role.board, Role.member]),
    ]:
        auth_service.create_user(session, email=email, full_name=name, password=DEMO_PASSWORD, roles=roles)
    members = []
    for data in DEMO_MEMBERS:
        user = auth_service.create_user(
            session,
            email=str(data.email),
            full_name=f"{data.first_name} {data.last_name}",
            password=DEMO_PASSWORD,
            roles=[Role.member],
        )
        members.append(
            parties_service.create_member(session, data=data.model_copy(update={"user_id": user.id}))
        )
    clients = [parties_service.create_client(session, data=data) for data in DEMO_CLIENTS]
    return members, clients
