"""The treasurer and the admin on the web: an AGI refused for fields Skatteverket would refuse lists them all
in Swedish on the month-end page, and the cooperative's contact is refused by its field where it is typed."""

from __future__ import annotations

from datetime import date
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports.models import ExportBatch
from kooperativet.parties.models import Cooperative
from tests.exports.conftest import PayeesAbroad, export_day, exporter, payees_abroad
from tests.payroll.conftest import paid_assignment, payroll_ready
from tests.web.conftest import form_token, sign_in

__all__ = ["export_day", "exporter", "paid_assignment", "payees_abroad", "payroll_ready"]


def refused_month_end(
    client: TestClient, session: Session, exporter: Cooperative, payees: PayeesAbroad, *, email: str = ""
) -> str:
    """The month-end page as the treasurer (or the office user with ``email``) gets it back for an AGI with
    four fields Skatteverket would refuse: the cooperative's phone and e-mail, Pierre's postal code and Anna's
    TIN."""
    exporter.contact_phone = "+46 (0)8-123 456 0000"
    exporter.contact_email = "åsa@exempel.se"
    payees.pierre.postal_code = "F-75001 PA"
    payees.anna.tax_identification_number = "FR<" + "1" * 18
    session.flush()
    sign_in(client, email or payees.treasurer.user.email)  # type: ignore[attr-defined]
    token = form_token(client.get("/office/month-end?month=2026-11").text)
    answer = client.post("/office/month-end/agi", data={"csrf_token": token, "period": "2026-11"})
    assert answer.status_code == 422, answer.text
    return answer.text


def test_the_month_end_page_lists_every_field_in_swedish_and_nothing_is_exported(
    browser_client: TestClient,
    session: Session,
    exporter: Cooperative,
    payees_abroad: PayeesAbroad,
    export_day: date,
) -> None:
    page = unescape(refused_month_end(browser_client, session, exporter, payees_abroad))
    problems = page[page.index('id="agi-problems"') :]
    problems = problems[: problems.index("</div>")]
    assert "Skatteverket skulle avvisa hela deklarationen" in problems
    assert "Ingenting exporterades" in problems
    pierre, anna = payees_abroad.pierre, payees_abroad.anna
    lines = [line.split("</li>")[0] for line in problems.split("<li>")[1:]]
    assert len(lines) == 4
    assert "Föreningens uppgifter" in lines[0]
    assert "/admin/cooperative" not in problems  # the treasurer is no admin: an admin changes them
    assert "telefonnummer får ha högst 20 tecken" in lines[0]
    assert "e-postadress ska ha 5–254 tecken" in lines[1]
    assert f'<a href="/office/members/{pierre.id}">Pierre Dupont</a>' in lines[2]
    assert "postnumret får ha högst 9 tecken" in lines[2]
    assert f'<a href="/office/members/{anna.id}">Anna Dupont</a>' in lines[3]
    assert "skatteregistreringsnumret (TIN) får ha högst 20 tecken" in lines[3]
    assert "contact_phone" not in page  # no internal keys
    assert "tax_identification_number" not in page
    assert 'value="2026-11"' in page  # the month typed is kept
    assert session.scalar(select(func.count(ExportBatch.id))) == 0


def test_an_admin_in_the_office_is_linked_to_the_cooperatives_details(
    browser_client: TestClient,
    session: Session,
    make_user,
    exporter: Cooperative,
    payees_abroad: PayeesAbroad,
    export_day: date,
) -> None:
    admin = make_user(Role.admin, Role.treasurer, email="ada@example.se")
    page = refused_month_end(browser_client, session, exporter, payees_abroad, email=admin.user.email)
    assert page.count('<a href="/admin/cooperative">Föreningens uppgifter</a>') == 2


def test_the_cooperatives_contact_is_refused_by_its_field_in_swedish_and_what_was_typed_is_kept(
    browser_client: TestClient, make_user, cooperative: Cooperative, session: Session
) -> None:
    admin = make_user(Role.admin, email="ada@example.se")
    sign_in(browser_client, admin.user.email)
    fields = {
        "version": cooperative.version,
        "name": "Interimkultur ek. för.",
        "organisation_number": "769600-1234",
        "country": "SE",
        "contact_name": "Karin Kassör",
        "contact_email": "åsa@exempel.se",
        "contact_phone": "+46 (0)8-123 456 0000",
    }
    token = form_token(browser_client.get("/admin/cooperative").text)
    refused = browser_client.post("/admin/cooperative", data={**fields, "csrf_token": token})
    assert refused.status_code == 422
    page = unescape(refused.text)
    # The first field refused is named by its own message; the other stays as typed, to be refused next.
    email_error = page[page.index('id="e-contact_email"') :]
    assert "Arbetsgivardeklarationen tar emot en e-postadress på 5–254 tecken" in email_error.split("</p>")[0]
    assert 'value="åsa@exempel.se"' in page
    assert 'value="+46 (0)8-123 456 0000"' in page
    assert 'value="Interimkultur ek. för."' in page
    session.refresh(cooperative)
    assert (cooperative.name, cooperative.contact_email) == ("Testkooperativet", None)

    token = form_token(refused.text)
    phone = browser_client.post(
        "/admin/cooperative", data={**fields, "contact_email": "asa@exempel.se", "csrf_token": token}
    )
    assert phone.status_code == 422
    phone_error = unescape(phone.text)
    phone_error = phone_error[phone_error.index('id="e-contact_phone"') :].split("</p>")[0]
    assert "telefonnummer på högst 20 tecken" in phone_error

    token = form_token(phone.text)
    saved = browser_client.post(
        "/admin/cooperative",
        data={
            **fields,
            "contact_email": "asa@exempel.se",
            "contact_phone": "08-123 456 00",
            "csrf_token": token,
        },
    )
    assert saved.status_code == 303, saved.text
    session.refresh(cooperative)
    assert (cooperative.contact_email, cooperative.contact_phone) == ("asa@exempel.se", "08-123 456 00")


def test_a_payees_name_with_an_angle_bracket_is_named_in_swedish(
    browser_client: TestClient,
    session: Session,
    exporter: Cooperative,
    payees_abroad: PayeesAbroad,
    export_day: date,
) -> None:
    """Pierre's first name and street from before any input rule, with < and >: two lines, each in Swedish,
    linked to his record, with no field's key shown."""
    pierre = payees_abroad.pierre
    pierre.first_name = "<Pierre>"
    pierre.street = "Rue >12"
    session.flush()
    sign_in(browser_client, payees_abroad.treasurer.user.email)  # type: ignore[attr-defined]
    token = form_token(browser_client.get("/office/month-end?month=2026-11").text)
    answer = browser_client.post("/office/month-end/agi", data={"csrf_token": token, "period": "2026-11"})
    assert answer.status_code == 422, answer.text
    page = unescape(answer.text)
    problems = page[page.index('id="agi-problems"') :]
    problems = problems[: problems.index("</div>")]
    lines = [line.split("</li>")[0] for line in problems.split("<li>")[1:]]
    assert len(lines) == 2
    assert all(f'href="/office/members/{pierre.id}"' in line for line in lines)
    assert "förnamnet får inte innehålla < eller >" in lines[0]
    assert "gatuadressen får inte innehålla < eller >" in lines[1]
    assert "first_name" not in page
    assert "street" not in problems
