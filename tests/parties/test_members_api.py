from __future__ import annotations

from fastapi.testclient import TestClient

from kooperativet.auth.models import Role


def new_member(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "first_name": "Anna",
        "last_name": "Andersson",
        "personal_identity_number": "19850131-5678",
        "email": "anna@example.se",
        "bank_clearing_number": "6000",
        "bank_account_number": "123456789",
        "joined_on": "2026-01-01",
    }
    body.update(overrides)
    return body


def test_treasurer_registers_a_member_with_birth_date_and_default_flat_tax(
    api: TestClient, make_user
) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.post("/api/v1/members", json=new_member(), headers=treasurer.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["personal_identity_number"] == "198501315678"
    assert body["birth_date"] == "1985-01-31"
    assert body["is_coordination_number"] is False
    assert body["tax_settings"] == [
        {
            "id": body["tax_settings"][0]["id"],
            "valid_from": "2026-01-01",
            "mode": "flat",
            "percent": "30.00",
            "table_number": None,
            "table_column": None,
            "tax_information_missing": False,
            "extra_monthly_tax": "0.00",
            "note": None,
        }
    ]


def test_a_samordningsnummer_gives_the_birth_date_without_the_sixty(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.post(
        "/api/v1/members",
        json=new_member(personal_identity_number="19900574-1237"),
        headers=treasurer.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["birth_date"] == "1990-05-14"
    assert response.json()["is_coordination_number"] is True


def test_an_invalid_personnummer_is_a_422_naming_the_field_and_nothing_is_stored(
    api: TestClient, make_user
) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.post(
        "/api/v1/members",
        json=new_member(personal_identity_number="19850131-5679"),
        headers=treasurer.headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_identifier"
    assert problem["errors"] == [{"field": "personal_identity_number", "reason": problem["detail"]}]
    assert "check digit" in problem["detail"]
    assert api.get("/api/v1/members", headers=treasurer.headers).json()["total"] == 0


def test_a_ten_digit_personnummer_is_refused_because_the_century_is_ambiguous(
    api: TestClient, make_user
) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.post(
        "/api/v1/members", json=new_member(personal_identity_number="850131-5678"), headers=treasurer.headers
    )
    assert response.status_code == 422
    assert "12 digits" in response.json()["detail"]


def test_an_invalid_bank_account_is_a_422_naming_the_account(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.post(
        "/api/v1/members", json=new_member(bank_account_number="123456788"), headers=treasurer.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "bank_account_number"


def test_the_same_personnummer_twice_is_a_409(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    assert api.post("/api/v1/members", json=new_member(), headers=treasurer.headers).status_code == 201
    again = api.post("/api/v1/members", json=new_member(first_name="Other"), headers=treasurer.headers)
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_personal_identity_number"
    assert api.get("/api/v1/members", headers=treasurer.headers).json()["total"] == 1


def test_lists_mask_personnummer_and_bank_account(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    api.post("/api/v1/members", json=new_member(), headers=treasurer.headers)
    item = api.get("/api/v1/members", headers=treasurer.headers).json()["items"][0]
    assert item["personal_identity_number_masked"] == "19850131-****"
    assert item["bank_account_masked"] == "****6789"
    assert "personal_identity_number" not in item
    assert "bank_account_number" not in item


def test_the_list_masks_the_iban_of_a_member_who_gave_only_an_iban(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    only_iban = {"bank_clearing_number": None, "bank_account_number": None}
    body = new_member(**only_iban, bank_iban="SE35 5000 0000 0549 1000 0003")
    assert api.post("/api/v1/members", json=body, headers=treasurer.headers).status_code == 201
    item = api.get("/api/v1/members", headers=treasurer.headers).json()["items"][0]
    assert item["bank_account_masked"] == "SE35****0003"


def test_a_member_reads_their_own_record_and_gets_404_for_another(api: TestClient, make_member) -> None:
    mine, other = make_member(), make_member()
    assert api.get(f"/api/v1/members/{mine.member.id}", headers=mine.headers).status_code == 200
    assert api.get("/api/v1/members/me", headers=mine.headers).json()["id"] == mine.member.id
    response = api.get(f"/api/v1/members/{other.member.id}", headers=mine.headers)
    assert response.status_code == 404
    listed = api.get("/api/v1/members", headers=mine.headers).json()
    assert [m["id"] for m in listed["items"]] == [mine.member.id]
    assert listed["total"] == 1


def test_a_member_changes_contact_fields_only(api: TestClient, make_member) -> None:
    mine = make_member()
    url = f"/api/v1/members/{mine.member.id}"
    changed = api.patch(
        url, json={"version": 1, "phone": "+46 70 000 00 00", "city": "Lund"}, headers=mine.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["city"] == "Lund"
    assert changed.json()["version"] == 2
    refused = api.patch(url, json={"version": 2, "bank_account_number": "987654321"}, headers=mine.headers)
    assert refused.status_code == 403
    assert "bank_account_number" in refused.json()["detail"]
    assert api.get(url, headers=mine.headers).json()["bank_account_number"] == "123456789"


def test_a_stale_version_is_a_409_and_changes_nothing(api: TestClient, make_user, make_member) -> None:
    treasurer, member = make_user(Role.treasurer), make_member()
    url = f"/api/v1/members/{member.member.id}"
    assert api.patch(url, json={"version": 1, "city": "Umeå"}, headers=treasurer.headers).status_code == 200
    stale = api.patch(url, json={"version": 1, "city": "Luleå"}, headers=treasurer.headers)
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert api.get(url, headers=treasurer.headers).json()["city"] == "Umeå"


def test_tax_settings_are_dated_and_an_existing_date_is_a_409(
    api: TestClient, make_user, make_member
) -> None:
    treasurer, member = make_user(Role.treasurer), make_member()
    url = f"/api/v1/members/{member.member.id}/tax-settings"
    table = {"valid_from": "2026-07-01", "mode": "table", "table_number": 33, "table_column": 1}
    created = api.post(url, json=table, headers=treasurer.headers)
    assert created.status_code == 201, created.text
    assert created.json()["percent"] is None
    assert api.post(url, json=table, headers=treasurer.headers).status_code == 409
    modes = [s["mode"] for s in api.get(url, headers=member.headers).json()]
    assert modes == ["flat", "table"]


def test_table_mode_without_a_table_number_is_a_422(api: TestClient, make_user, make_member) -> None:
    treasurer, member = make_user(Role.treasurer), make_member()
    response = api.post(
        f"/api/v1/members/{member.member.id}/tax-settings",
        json={"valid_from": "2026-07-01", "mode": "table"},
        headers=treasurer.headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "table_incomplete"
    assert response.json()["errors"][0]["field"] == "table_number"


def test_table_mode_with_a_number_and_no_column_names_the_column(
    api: TestClient, make_user, make_member
) -> None:
    treasurer, member = make_user(Role.treasurer), make_member()
    response = api.post(
        f"/api/v1/members/{member.member.id}/tax-settings",
        json={"valid_from": "2026-07-01", "mode": "table", "table_number": 33},
        headers=treasurer.headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "table_incomplete"
    assert response.json()["errors"][0]["field"] == "table_column"


def test_a_member_cannot_register_members(api: TestClient, make_member) -> None:
    member = make_member()
    response = api.post("/api/v1/members", json=new_member(), headers=member.headers)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_member_resident_abroad_has_citizenship_and_a_tin_with_its_country(
    api: TestClient, make_user
) -> None:
    """The AGI of a SINK or A-SINK payee carries FK081, FK252 and FK076 (docs/exports.md)."""
    treasurer = make_user(Role.treasurer)
    abroad = {
        "citizenship": "FR",
        "tax_identification_number": "1234567890123",
        "tax_identification_country": "FR",
    }
    response = api.post("/api/v1/members", json=new_member(country="FR", **abroad), headers=treasurer.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert {key: body[key] for key in abroad} == abroad

    changed = api.patch(
        f"/api/v1/members/{body['id']}",
        json={"version": body["version"], "tax_identification_country": None},
        headers=treasurer.headers,
    )
    assert changed.status_code == 422, changed.text
    assert changed.json()["field"] == "tax_identification_country"
    assert "given together" in changed.json()["detail"]


def test_a_members_swedish_postal_code_is_five_digits_and_stored_as_123_45(
    api: TestClient, make_user, make_member
) -> None:
    treasurer = make_user(Role.treasurer)
    member = make_member().member  # in Sweden
    path = f"/api/v1/members/{member.id}"

    refused = api.patch(path, json={"version": 1, "postal_code": "1184"}, headers=treasurer.headers)
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_postal_code")
    assert refused.json()["errors"][0]["field"] == "postal_code"
    changed = api.patch(path, json={"version": 1, "postal_code": "11846"}, headers=treasurer.headers)
    assert (changed.status_code, changed.json()["postal_code"]) == (200, "118 46")
    abroad = api.patch(
        path, json={"version": 2, "postal_code": "ABCDE", "country": "GB"}, headers=treasurer.headers
    )
    assert (abroad.status_code, abroad.json()["postal_code"]) == (200, "ABCDE")
    # Moving back to Sweden with the British code is refused too.
    moved = api.patch(path, json={"version": 3, "country": "SE"}, headers=treasurer.headers)
    assert (moved.status_code, moved.json()["code"]) == (422, "invalid_postal_code")
