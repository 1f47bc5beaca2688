"""The arbetsgivarintyg as the reader sees it: every column on the page however long the title, and an
employment not yet begun described as such."""

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
from kooperativet.employments.service.employer_certificate import (
    CertifiedEmployment,
    EmployerCertificate,
    employer_certificate_pdf,
)
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
