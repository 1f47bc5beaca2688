"""Approval employs the member: the anställningsbevis, the employments list and the arbetsgivarintyg."""

from __future__ import annotations

import hashlib
import io

import pypdf
import pytest
from fastapi.testclient import TestClient

from kooperativet.auth.models import Role
from tests.assignments.factories import approve, assignment_body, register, submit

#: LAS 6 c § items (employment.md) and the words the certificate uses for each.
LAS_6C_ITEMS = {
    "employer's name": "Testkooperativet",
    "employer's organisation number": "769600-1234",
    "employee's name and address": "Storgatan 1",
    "start date": "Tillträdesdag",
    "workplace": "Stadsbiblioteket, Malmö",
    "title": "Skrivarverkstad för unga",
    "duties": "Fem dagars skrivarverkstad på stadsbiblioteket",
    "särskild visstidsanställning": "Särskild visstidsanställning",
    "end date": "2026-10-09",
    "pay form": "Lön enligt uppdragets lönekalkyl",
    "gross salary": "Bruttolön",
    "holiday pay 12 % with the salary": "Semesterersättning: 12 %",
    "employer contributions to the state": "Arbetsgivaravgifter: betalas av arbetsgivaren till Skatteverket",
    "how often and how paid": "en gång per månad, den 25:e",
    "normal working time": "Normal arbetstid: uppdragets omfattning, 5 dagar",
    "overtime": "Övertid",
    "holiday": "semesterlagen, SFS 1977:480, 5 § första stycket",
    "procedure when the employment ends": "Anställningens upphörande",
    "collective agreement": "Inget kollektivavtal",
    "insurances": "arbetsskadeförsäkringen",
}


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def employed(api: TestClient, session, make_member, make_user, cooperative, client_record):
    member = make_member()
    member.member.street, member.member.postal_code, member.member.city = "Storgatan 1", "111 22", "Stockholm"
    session.flush()
    treasurer = make_user(Role.treasurer)
    approved = approve(
        api,
        treasurer.headers,
        submit(api, member.headers, register(api, member.headers, assignment_body(client_record.id))),
    )
    employment = api.get("/api/v1/employments", headers=member.headers).json()["items"][0]
    return member, treasurer, approved, employment


def test_the_certificate_states_every_las_6c_item(api: TestClient, employed) -> None:
    member, _, _, employment = employed
    pdf = api.get(f"/api/v1/employments/{employment['id']}/certificate.pdf", headers=member.headers).content
    text = text_of(pdf)
    missing = [item for item, words in LAS_6C_ITEMS.items() if words not in text]
    assert missing == []


def test_the_certificate_download_gives_the_stored_bytes_every_time(api: TestClient, employed) -> None:
    member, treasurer, _, employment = employed
    path = f"/api/v1/employments/{employment['id']}/certificate.pdf"
    first, second = (
        api.get(path, headers=member.headers).content,
        api.get(path, headers=treasurer.headers).content,
    )
    assert first == second
    assert hashlib.sha256(first).hexdigest() == employment["certificate_sha256"]


def test_user_text_in_the_certificate_is_printed_as_text(
    api: TestClient, make_member, make_user, cooperative, client_record
) -> None:
    member = make_member()
    treasurer = make_user(Role.treasurer)
    hostile = '<img src="file:///etc/passwd"> & co'
    submitted = submit(
        api,
        member.headers,
        register(api, member.headers, assignment_body(client_record.id, description=hostile)),
    )
    approve(api, treasurer.headers, submitted)
    employment = api.get("/api/v1/employments", headers=member.headers).json()["items"][0]
    text = text_of(
        api.get(f"/api/v1/employments/{employment['id']}/certificate.pdf", headers=member.headers).content
    )
    assert hostile in text


def test_a_member_sees_only_their_own_employments(api: TestClient, employed, make_member) -> None:
    member, treasurer, _, employment = employed
    other = make_member()
    assert api.get("/api/v1/employments", headers=other.headers).json()["total"] == 0
    assert api.get(f"/api/v1/employments/{employment['id']}", headers=other.headers).status_code == 404
    assert (
        api.get(f"/api/v1/employments/{employment['id']}/certificate.pdf", headers=other.headers).status_code
        == 404
    )
    assert (
        api.get(f"/api/v1/members/{member.member.id}/save-counter", headers=other.headers).status_code == 404
    )
    listed = api.get("/api/v1/employments", params={"member_id": member.member.id}, headers=treasurer.headers)
    assert listed.json()["total"] == 1


def test_the_employer_certificate_lists_the_periods_as_json(api: TestClient, employed) -> None:
    member, _, _, employment = employed
    response = api.get(
        f"/api/v1/members/{member.member.id}/employer-certificate",
        params={"from": "2026-01-01", "to": "2026-12-31"},
        headers=member.headers,
    )
    assert response.status_code == 200, response.text
    certificate = response.json()
    assert certificate["employer"]["organisation_number"] == "769600-1234"
    assert certificate["employee"]["personal_identity_number"] == member.member.personal_identity_number
    assert (certificate["period_from"], certificate["period_to"]) == ("2026-01-01", "2026-12-31")
    [row] = certificate["employments"]
    assert row["employment_id"] == employment["id"]
    assert (row["start"], row["end"], row["extent"]) == ("2026-10-05", "2026-10-09", "5 dagar")
    assert row["employment_type"].startswith("Särskild visstidsanställning")
    assert row["end_reason_code"] in {"fixed_term_ended", "ongoing"}
    assert certificate["leave"] == "Ingen ledighet har registrerats hos arbetsgivaren under perioden"
    assert certificate["leave_stated"] is False
    assert certificate["severance"] == "Inget avgångsvederlag"
    empty = api.get(
        f"/api/v1/members/{member.member.id}/employer-certificate",
        params={"from": "2025-01-01", "to": "2025-12-31"},
        headers=member.headers,
    )
    assert empty.json()["employments"] == []


def test_the_employer_certificate_as_pdf(api: TestClient, employed) -> None:
    member, treasurer, _, _ = employed
    response = api.get(
        f"/api/v1/members/{member.member.id}/employer-certificate.pdf",
        params={"from": "2026-01-01", "to": "2026-12-31"},
        headers=treasurer.headers,
    )
    assert response.status_code == 200
    text = text_of(response.content)
    for words in (
        "Arbetsgivarintyg",
        "769600-1234",
        "2026-10-05",
        "Särskild visstidsanställning",
        "5 dagar",
        "Ledighet",
        "Avgångsvederlag",
    ):
        assert words in text


def test_an_employer_certificate_period_that_ends_before_it_starts_is_refused(
    api: TestClient, employed
) -> None:
    member, *_ = employed
    response = api.get(
        f"/api/v1/members/{member.member.id}/employer-certificate",
        params={"from": "2026-12-31", "to": "2026-01-01"},
        headers=member.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to"
