"""The arbetsgivarintyg as the reader sees it: every column on the page however long the title, an
employment not yet begun described as such, and the leave line: stated by the office, else not recorded."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kooperativet.api.dependencies import today
from kooperativet.auth.models import Role
from kooperativet.employments.service.employer_certificate import (
    CertifiedEmployment,
    EmployerCertificate,
    employer_certificate_pdf,
    member_employer_certificate,
)
from kooperativet.errors import RuleViolation
from tests.documents.glyphs import glyph_problems
from tests.employments.test_employments_api import employed, text_of  # noqa: F401 (fixture)

#: The right margin of an A4 page with the documents' 16 mm side margins, in points.
RIGHT_MARGIN = 595.28 - 16 / 25.4 * 72


def _right_edge(pdf: bytes) -> float:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "certificate.pdf"
        path.write_bytes(pdf)
        boxes = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return max(float(right) for right in re.findall(r'xMax="([\d.]+)"', boxes))


def test_a_long_unbroken_title_keeps_every_column_on_the_page() -> None:
    party = SimpleNamespace(
        name="Interim kultur", organisation_number="769600-1234", street="Gatan 1", postal_code="111 22",
        city="Stockholm", full_name="Alva Lindqvist", personal_identity_number="199005141230",
    )  # fmt: skip
    row = CertifiedEmployment(
        employment_id=1, start=date(2026, 10, 5), end=date(2026, 10, 9),
        employment_type="Särskild visstidsanställning (LAS 5 § 1)", title="Skrivarverkstad" + "T" * 185,
        extent="1 500 timmar", end_reason_code="fixed_term_ended", end_reason="Upphörde",
    )  # fmt: skip
    certificate = EmployerCertificate(
        employer=party, member=party, period_from=date(2026, 1, 1), period_to=date(2026, 12, 31),  # type: ignore[arg-type]
        issued_on=date(2026, 11, 20), employments=[row], leave="Ingen", severance="Inget",
    )  # fmt: skip
    pdf = employer_certificate_pdf(certificate)
    assert _right_edge(pdf) <= RIGHT_MARGIN + 1
    text = text_of(pdf)
    for words in ("Omfattning", "1 500 timmar", "Upphörde"):
        assert words in text.replace("\xa0", " "), words
    assert glyph_problems(pdf) == []


@pytest.fixture
def before_the_start(app: FastAPI) -> Iterator[None]:
    app.dependency_overrides[today] = lambda: date(2026, 9, 28)
    yield
    app.dependency_overrides.pop(today, None)


def test_an_employment_not_yet_begun_is_not_said_to_be_going_on(
    api: TestClient,
    employed,  # noqa: F811 (fixture)
    before_the_start,
) -> None:
    member, *_ = employed
    path = f"/api/v1/members/{member.member.id}/employer-certificate"
    params = {"from": "2026-01-01", "to": "2026-12-31"}
    [row] = api.get(path, params=params, headers=member.headers).json()["employments"]
    reason = "Anställningen har ännu inte börjat; den börjar 2026-10-05 och upphör 2026-10-09"
    assert (row["end_reason_code"], row["end_reason"]) == ("not_started", reason)
    text = text_of(api.get(f"{path}.pdf", params=params, headers=member.headers).content)
    assert reason in text
    assert "pågår" not in text


# The leave line: the office states it, or the certificate says that none is recorded (employment.md).

NOT_RECORDED = "Ingen ledighet har registrerats hos arbetsgivaren under perioden"


def test_without_a_statement_the_certificate_says_no_leave_is_recorded(
    api: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, treasurer, *_ = employed
    path = f"/api/v1/members/{member.member.id}/employer-certificate"
    for headers in (member.headers, treasurer.headers):
        certificate = api.get(path, headers=headers).json()
        assert (certificate["leave"], certificate["leave_stated"]) == (NOT_RECORDED, False)
        assert certificate["severance"] == "Inget avgångsvederlag"
    text = text_of(api.get(f"{path}.pdf", headers=member.headers).content)
    assert f"{NOT_RECORDED}." in text
    assert "Ingen ledighet under perioden" not in text


def test_the_treasurer_states_the_leave_and_the_certificate_prints_it(
    api: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, treasurer, *_ = employed
    path = f"/api/v1/members/{member.member.id}/employer-certificate"
    leave = "  Sjukledig 2026-10-07 – 2026-10-08 "
    certificate = api.get(path, params={"leave": leave}, headers=treasurer.headers).json()
    assert (certificate["leave"], certificate["leave_stated"]) == ("Sjukledig 2026-10-07 – 2026-10-08", True)
    text = text_of(api.get(f"{path}.pdf", params={"leave": leave}, headers=treasurer.headers).content)
    assert "Ledighet Sjukledig 2026-10-07 – 2026-10-08. Avgångsvederlag" in text
    assert NOT_RECORDED not in text
    # A statement with a stop of its own gets no second one; blank is no statement.
    text = text_of(
        api.get(f"{path}.pdf", params={"leave": "Tjänstledig i oktober."}, headers=treasurer.headers).content
    )
    assert "Tjänstledig i oktober. Avgångsvederlag" in text
    blank = api.get(path, params={"leave": "   "}, headers=treasurer.headers).json()
    assert (blank["leave"], blank["leave_stated"]) == (NOT_RECORDED, False)


@pytest.mark.parametrize("reader", ["member", "auditor"])
def test_only_the_office_states_leave(
    api: TestClient,
    employed,  # noqa: F811 (fixture)
    make_user,
    reader: str,
) -> None:
    member, *_ = employed
    headers = member.headers if reader == "member" else make_user(Role.auditor).headers
    path = f"/api/v1/members/{member.member.id}/employer-certificate"
    for address in (path, f"{path}.pdf"):
        refused = api.get(address, params={"leave": "Ingen ledighet"}, headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert (refused.json()["code"], refused.json()["field"]) == ("leave_by_office", "leave")


def test_nobody_states_the_leave_on_their_own_certificate(api: TestClient, make_member, cooperative) -> None:
    treasurer = make_member(Role.treasurer)
    path = f"/api/v1/members/{treasurer.member.id}/employer-certificate"
    assert api.get(path, headers=treasurer.headers).status_code == 200
    refused = api.get(path, params={"leave": "Ingen"}, headers=treasurer.headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "own_leave"


@pytest.mark.parametrize("leave", ["x" * 201, "Sjuk\nledig", "Sjuk\x00ledig"])
def test_leave_is_one_short_line(
    api: TestClient,
    employed,  # noqa: F811 (fixture)
    leave: str,
) -> None:
    member, treasurer, *_ = employed
    answer = api.get(
        f"/api/v1/members/{member.member.id}/employer-certificate",
        params={"leave": leave},
        headers=treasurer.headers,
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_longest_leave_is_allowed_and_the_rule_is_the_services(
    api: TestClient,
    employed,  # noqa: F811 (fixture)
    session,
) -> None:
    member, treasurer, *_ = employed
    path = f"/api/v1/members/{member.member.id}/employer-certificate"
    assert api.get(path, params={"leave": "x" * 200}, headers=treasurer.headers).status_code == 200
    with pytest.raises(RuleViolation) as refused:
        member_employer_certificate(
            session,
            member_id=member.member.id,
            actor=treasurer.user,
            today=date(2026, 11, 20),
            start=None,
            end=None,
            leave="x" * 201,
        )
    assert (refused.value.code, refused.value.extra["field"]) == ("leave_too_long", "leave")


def test_a_period_turned_round_is_refused_by_its_last_day(
    api: TestClient,
    employed,  # noqa: F811 (fixture)
) -> None:
    member, *_ = employed
    refused = api.get(
        f"/api/v1/members/{member.member.id}/employer-certificate.pdf",
        params={"from": "2026-06-01", "to": "2026-05-31"},
        headers=member.headers,
    )
    assert refused.status_code == 422
    assert (refused.json()["code"], refused.json()["field"]) == ("date_range_reversed", "to")


def test_the_longest_stated_leave_stays_on_the_page() -> None:
    """A statement of 200 characters without a space wraps inside the margin; an erased personnummer (a
    member purged after the retention period) leaves its line out rather than failing."""
    party = SimpleNamespace(
        name="Interim kultur", organisation_number="769600-1234", street="Gatan 1", postal_code="111 22",
        city="Stockholm", full_name="Alva Lindqvist", personal_identity_number=None,
    )  # fmt: skip
    certificate = EmployerCertificate(
        employer=party, member=party, period_from=date(2026, 1, 1), period_to=date(2026, 12, 31),  # type: ignore[arg-type]
        issued_on=date(2026, 11, 20), employments=[], leave="Sjukledig" + "x" * 191, severance="Inget",
        leave_stated=True,
    )  # fmt: skip
    pdf = employer_certificate_pdf(certificate)
    assert _right_edge(pdf) <= RIGHT_MARGIN + 1
    assert "Personnummer" not in text_of(pdf)
    assert glyph_problems(pdf) == []
