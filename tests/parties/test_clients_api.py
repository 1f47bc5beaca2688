from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kooperativet.auth.models import Role

MUNICIPALITY = {
    "name": "Malmö stad, Kulturförvaltningen",
    "organisation_number": "2120001124",
    "vat_number": "se 2120 0011 2401",
    "peppol_scheme": "0007",
    "peppol_id": "212000-1124",
    "default_buyer_reference": "KF-4711",
    "public_sector": True,
}


def test_treasurer_registers_a_municipality_with_normalised_numbers(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.post("/api/v1/clients", json=MUNICIPALITY, headers=treasurer.headers)
    assert response.status_code == 201, response.text
    client = response.json()
    assert client["organisation_number"] == "212000-1124"
    assert client["vat_number"] == "SE212000112401"
    assert client["peppol_id"] == "2120001124"
    assert client["payment_terms_days"] == 30
    assert client["language"] == "sv"


def test_an_eu_business_is_registered_by_its_vat_number(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    body = {"name": "Kulturhaus Berlin GmbH", "vat_number": "DE136695976", "country": "DE", "language": "en"}
    response = api.post("/api/v1/clients", json=body, headers=treasurer.headers)
    assert response.status_code == 201, response.text
    assert response.json()["vat_number"] == "DE136695976"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("organisation_number", "2120001125", "check digit"),
        ("vat_number", "SE212000112402", "VAT number"),
        ("peppol_id", "123", "organisation number"),
    ],
)
def test_invalid_numbers_are_a_422_naming_the_field(
    api: TestClient, make_user, field: str, value: str, reason: str
) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.post("/api/v1/clients", json={**MUNICIPALITY, field: value}, headers=treasurer.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert reason in response.json()["detail"]
    assert api.get("/api/v1/clients", headers=treasurer.headers).json()["total"] == 0


def test_a_vat_number_of_another_country_is_refused(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    body = {"name": "Mismatch", "vat_number": "DE136695976", "country": "SE"}
    response = api.post("/api/v1/clients", json=body, headers=treasurer.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "vat_number"


def test_the_same_organisation_number_twice_is_a_409(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    assert api.post("/api/v1/clients", json=MUNICIPALITY, headers=treasurer.headers).status_code == 201
    again = api.post(
        "/api/v1/clients",
        json={**MUNICIPALITY, "name": "Copy", "vat_number": None},
        headers=treasurer.headers,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_organisation_number"


def test_clients_are_filtered_and_paged_with_a_total(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    for index in range(3):
        api.post(
            "/api/v1/clients",
            json={"name": f"Skola {index}", "public_sector": True},
            headers=treasurer.headers,
        )
    api.post("/api/v1/clients", json={"name": "Privat AB"}, headers=treasurer.headers)
    page = api.get(
        "/api/v1/clients", params={"public_sector": True, "limit": 2, "offset": 0}, headers=treasurer.headers
    ).json()
    assert page["total"] == 3
    assert [c["name"] for c in page["items"]] == ["Skola 0", "Skola 1"]
    assert api.get("/api/v1/clients", params={"limit": 101}, headers=treasurer.headers).status_code == 422


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("Östra", ["Östra Teatern"]),
        ("östra", ["Östra Teatern"]),
        ("ÖSTRA", ["Östra Teatern"]),
        ("ÅÄÖ", ["Ljud ÅÄÖ AB"]),
        # A wildcard is itself: no name here has "_", one has "%".
        ("_", []),
        ("%", ["Rabatt 50% AB"]),
        ("50%", ["Rabatt 50% AB"]),
    ],
)
def test_a_search_by_name_finds_swedish_letters_in_any_case_and_takes_wildcards_as_themselves(
    api: TestClient, make_user, q: str, found: list[str]
) -> None:
    """SQLite's own lower() changes A–Z only, so "östra" did not find "Östra"; "_" found every client."""
    treasurer = make_user(Role.treasurer)
    for name in ("Östra Teatern", "Ljud ÅÄÖ AB", "Malmö stad", "Rabatt 50% AB"):
        assert api.post("/api/v1/clients", json={"name": name}, headers=treasurer.headers).status_code == 201
    page = api.get("/api/v1/clients", params={"q": q}, headers=treasurer.headers).json()
    assert sorted(client["name"] for client in page["items"]) == found


def test_members_may_read_clients_but_not_write_them(api: TestClient, make_user, make_member) -> None:
    treasurer, member = make_user(Role.treasurer), make_member()
    created = api.post("/api/v1/clients", json=MUNICIPALITY, headers=treasurer.headers).json()
    assert api.get(f"/api/v1/clients/{created['id']}", headers=member.headers).status_code == 200
    update = api.patch(
        f"/api/v1/clients/{created['id']}", json={"version": 1, "name": "X"}, headers=member.headers
    )
    assert update.status_code == 403


def test_updating_a_client_checks_the_version(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    created = api.post("/api/v1/clients", json=MUNICIPALITY, headers=treasurer.headers).json()
    url = f"/api/v1/clients/{created['id']}"
    assert (
        api.patch(url, json={"version": 1, "payment_terms_days": 20}, headers=treasurer.headers).status_code
        == 200
    )
    assert (
        api.patch(url, json={"version": 1, "payment_terms_days": 10}, headers=treasurer.headers).status_code
        == 409
    )
    assert api.get(url, headers=treasurer.headers).json()["payment_terms_days"] == 20


def test_an_unknown_client_is_a_404_problem(api: TestClient, make_user) -> None:
    treasurer = make_user(Role.treasurer)
    response = api.get("/api/v1/clients/999999", headers=treasurer.headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_swedish_postal_code_is_five_digits_stored_as_123_45_and_other_countries_are_free(
    api: TestClient, make_user
) -> None:
    treasurer = make_user(Role.treasurer)
    for postal_code in ("ABCDE", "1184"):
        body = {"name": "Teater Väst", "postal_code": postal_code}  # SE when no country is given
        refused = api.post("/api/v1/clients", json=body, headers=treasurer.headers)
        assert (refused.status_code, refused.json()["code"]) == (422, "invalid_postal_code")
        assert refused.json()["errors"][0]["field"] == "postal_code"
    assert api.get("/api/v1/clients", headers=treasurer.headers).json()["total"] == 0
    created = api.post(
        "/api/v1/clients", json={"name": "Teater Väst", "postal_code": "12345"}, headers=treasurer.headers
    )
    assert (created.status_code, created.json()["postal_code"]) == (201, "123 45")
    foreign = {"name": "London Stage Ltd", "country": "GB", "postal_code": "SW1A 1AA"}
    assert api.post("/api/v1/clients", json=foreign, headers=treasurer.headers).json()["postal_code"] == (
        "SW1A 1AA"
    )

    changed = api.patch(
        f"/api/v1/clients/{created.json()['id']}",
        json={"version": 1, "postal_code": "ABCDE"},
        headers=treasurer.headers,
    )
    assert (changed.status_code, changed.json()["code"]) == (422, "invalid_postal_code")
