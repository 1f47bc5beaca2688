"""The AGI export refuses a month whose file Skatteverket would refuse for a field's format: one 422 listing
every field (whose, which, what it must be), nothing stored; and the cooperative's contact and a member's TIN,
which serve the AGI, are refused where they are typed (docs/exports.md, "Field formats")."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.exports.models import ExportBatch, ExportedDocument
from kooperativet.parties.models import Cooperative, Member
from tests.exports.conftest import PayeesAbroad
from tests.exports.test_agi_contributions import fields
from tests.parties.test_members_api import new_member

EXPORTS = "/api/v1/exports"


def _stored(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count(ExportBatch.id))) or 0,
        session.scalar(select(func.count(ExportedDocument.id))) or 0,
    )


def test_every_field_skatteverket_would_refuse_is_listed_at_once_and_nothing_is_stored(
    api: TestClient, session: Session, exporter: Cooperative, payees_abroad: PayeesAbroad, export_day: date
) -> None:
    """Details stored before the input rules (or imported): a 21-character phone, an e-mail with å, Pierre's
    10-character postal code, Anna's 21-character TIN and a < in it. The treasurer gets them all in one
    answer, with the members by id and name, and exports once they are corrected."""
    pierre, anna = payees_abroad.pierre, payees_abroad.anna
    exporter.contact_phone = "+46 (0)8-123 456 0000"  # 21 characters
    exporter.contact_email = "åsa@exempel.se"
    pierre.postal_code = "F-75001 PA"  # 10 characters
    anna.tax_identification_number = "FR<" + "1" * 18  # 21 characters, and a <
    session.flush()
    headers = payees_abroad.treasurer.headers  # type: ignore[attr-defined]

    refused = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "agi_fields_invalid"
    assert [
        (entry["who"], entry["member_id"], entry["member_name"], entry["field"], entry["element"])
        for entry in problem["invalid_fields"]
    ] == [
        ("cooperative", None, None, "contact_phone", "Telefon"),
        ("cooperative", None, None, "contact_email", "Epostadress"),
        ("member", pierre.id, "Pierre Dupont", "postal_code", "Postnummer"),  # born 1956: Anna's IU follows
        ("member", anna.id, "Anna Dupont", "tax_identification_number", "TIN"),
    ]
    by_field = {entry["field"]: entry for entry in problem["invalid_fields"]}
    assert by_field["postal_code"]["field_code"] == "219"
    assert "9 characters" in by_field["postal_code"]["requirement"]
    assert by_field["tax_identification_number"]["field_code"] == "252"
    assert "20 characters" in by_field["tax_identification_number"]["requirement"]
    assert [error["field"] for error in problem["errors"]] == [
        "cooperative.contact_phone",
        "cooperative.contact_email",
        f"members.{pierre.id}.postal_code",
        f"members.{anna.id}.tax_identification_number",
    ]
    assert f"member {pierre.id} (Pierre Dupont)" in problem["detail"]
    assert "1234567890" not in problem["detail"]  # no TIN in the answer
    assert _stored(session) == (0, 0)

    exporter.contact_phone = "+46 8 123 456 00"
    exporter.contact_email = "asa@exempel.se"
    pierre.postal_code = "75001"
    anna.tax_identification_number = "F" * 20  # 20 characters: the most
    session.flush()
    made = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)
    assert made.status_code == 201, made.text
    content = api.get(f"{EXPORTS}/{made.json()['id']}/file", headers=headers).content
    written = fields(content)
    assert ("219", "75001") in written
    assert ("252", "F" * 20) in written
    assert b"<agd:Telefon>+46 8 123 456 00</agd:Telefon>" in content
    assert _stored(session)[0] == 1


def test_a_payees_name_or_town_with_an_angle_bracket_is_named_with_its_field(
    api: TestClient, session: Session, exporter: Cooperative, payees_abroad: PayeesAbroad, export_day: date
) -> None:
    """Pierre's record, imported from before any input rule, has "<" in his last name and ">" in his town:
    FK217 and FK220 would make Skatteverket refuse the file, so the export names both, in the IU's order."""
    pierre = payees_abroad.pierre
    pierre.last_name = "Dupont <ext>"
    pierre.city = "Paris >"
    session.flush()
    headers = payees_abroad.treasurer.headers  # type: ignore[attr-defined]

    refused = api.post(f"{EXPORTS}/agi", json={"period": "2026-11"}, headers=headers)

    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "agi_fields_invalid"
    assert [
        (e["member_id"], e["field"], e["element"], e["field_code"]) for e in problem["invalid_fields"]
    ] == [
        (pierre.id, "last_name", "Efternamn", "217"),
        (pierre.id, "city", "Postort", "220"),
    ]
    assert [error["field"] for error in problem["errors"]] == [
        f"members.{pierre.id}.last_name",
        f"members.{pierre.id}.city",
    ]
    assert _stored(session) == (0, 0)


def test_a_name_over_50_characters_is_still_cut_with_a_note_not_refused(
    api: TestClient, session: Session, exporter: Cooperative, payees_abroad: PayeesAbroad, export_day: date
) -> None:
    exporter.contact_name = "Karin " + "K" * 60
    session.flush()
    made = api.post(
        f"{EXPORTS}/agi",
        json={"period": "2026-11"},
        headers=payees_abroad.treasurer.headers,  # type: ignore[attr-defined]
    )
    assert made.status_code == 201, made.text
    assert any("at most 50 characters" in note for note in made.json()["notes"])


# --- At the source: the cooperative's contact and a member's TIN, which serve the AGI


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("contact_phone", "1" * 21, "agi_contact_phone_format"),
        ("contact_phone", "08 <123>", "agi_contact_phone_format"),
        ("contact_email", "åsa@exempel.se", "agi_contact_email_format"),
        ("contact_name", "<Karin>", "agi_contact_name_format"),
    ],
)
def test_a_contact_the_agi_cannot_take_is_refused_naming_the_field(
    api: TestClient, make_user, cooperative: Cooperative, session: Session, field: str, value: str, code: str
) -> None:
    admin = make_user(Role.admin)
    refused = api.patch("/api/v1/cooperative", json={"version": 1, field: value}, headers=admin.headers)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert (problem["code"], problem["field"]) == (code, field)
    assert problem["errors"][0]["field"] == field
    assert "employer declaration (AGI)" in problem["detail"]
    session.refresh(cooperative)
    assert getattr(cooperative, field) is None
    assert cooperative.version == 1


def test_a_contact_at_the_agis_limits_is_taken(api: TestClient, make_user, cooperative: Cooperative) -> None:
    admin = make_user(Role.admin)
    changed = api.patch(
        "/api/v1/cooperative",
        json={
            "version": 1,
            "contact_name": "Karin Kassör " + "K" * 80,  # cut to 50 in the AGI, with a note
            "contact_phone": "1" * 20,
            "contact_email": "a@b.se",
        },
        headers=admin.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["contact_phone"] == "1" * 20


def test_a_tin_the_agi_cannot_take_is_refused_and_one_of_20_characters_taken(
    api: TestClient, make_user, make_member
) -> None:
    treasurer = make_user(Role.treasurer)
    member = make_member().member
    url = f"/api/v1/members/{member.id}"
    body = {"version": 1, "tax_identification_country": "FR"}
    too_long = api.patch(url, json={**body, "tax_identification_number": "1" * 21}, headers=treasurer.headers)
    assert too_long.status_code == 422, too_long.text
    assert (too_long.json()["code"], too_long.json()["field"]) == (
        "agi_tin_format",
        "tax_identification_number",
    )
    bracket = api.patch(url, json={**body, "tax_identification_number": "12<34"}, headers=treasurer.headers)
    assert bracket.json()["code"] == "agi_tin_format"
    taken = api.patch(url, json={**body, "tax_identification_number": "1" * 20}, headers=treasurer.headers)
    assert taken.status_code == 200, taken.text


def test_a_new_member_with_a_tin_the_agi_cannot_take_is_refused_and_not_registered(
    api: TestClient, make_user, session: Session
) -> None:
    treasurer = make_user(Role.treasurer)
    abroad = {"citizenship": "FR", "tax_identification_number": "T" * 21, "tax_identification_country": "FR"}
    members = session.scalar(select(func.count(Member.id)))
    refused = api.post("/api/v1/members", json=new_member(country="FR", **abroad), headers=treasurer.headers)
    assert refused.status_code == 422, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == (
        "agi_tin_format",
        "tax_identification_number",
    )
    assert session.scalar(select(func.count(Member.id))) == members


def test_a_foreign_postal_code_longer_than_the_agi_takes_is_kept_on_the_members_record(
    api: TestClient, make_user, make_member
) -> None:
    """The postal code is the member's address, on payslips and letters too: a long one is legitimate, and
    only the AGI export names it (for a SINK or A-SINK payee)."""
    treasurer = make_user(Role.treasurer)
    member = make_member().member
    changed = api.patch(
        f"/api/v1/members/{member.id}",
        json={"version": 1, "postal_code": "BT-12345-678", "country": "GB"},
        headers=treasurer.headers,
    )
    assert changed.status_code == 200, changed.text


def test_every_contact_field_the_agi_cannot_take_is_listed_in_one_answer(
    api: TestClient, make_user, cooperative: Cooperative
) -> None:
    admin = make_user(Role.admin)
    refused = api.patch(
        "/api/v1/cooperative",
        json={"version": 1, "contact_phone": "1" * 21, "contact_email": "åsa@exempel.se"},
        headers=admin.headers,
    )
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["contact_email", "contact_phone"]
