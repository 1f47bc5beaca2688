"""payroll.md §6: the payslip PDF in Swedish or English from the stored snapshot; a run's payslips zipped."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from kooperativet.auth.models import Role
from kooperativet.documents.render import render_html
from kooperativet.exports.formats.payroll_summary import SWEDISH_HEADERS
from kooperativet.payroll import service
from kooperativet.payroll.documents import (
    LABELS,
    TEMPLATE,
    payslip_context,
    render_in_pool,
    render_payslip_pdf,
)
from kooperativet.payroll.models import Payslip
from kooperativet.web.i18n import translations
from tests.date_styles import assert_one_date_style
from tests.documents.glyphs import glyph_problems
from tests.payroll.conftest import create_and_approve


def _text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def issued(session: Session, payroll_ready, make_user, make_member, paid_assignment) -> dict[str, Any]:
    treasurer = make_user(Role.treasurer)
    alva = make_member()
    alva.member.street, alva.member.postal_code, alva.member.city = "Repslagargatan 3", "118 46", "Stockholm"
    paid_assignment(alva.member, "20000.00")
    run = create_and_approve(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )
    [payslip] = service.run_payslips(session, run_id=run.id)
    return {"payslip": payslip, "alva": alva, "treasurer": treasurer, "run": run}


def _pdf(api: TestClient, issued: dict[str, Any], language: str = "sv") -> bytes:
    payslip: Payslip = issued["payslip"]
    response = api.get(
        f"/api/v1/payslips/{payslip.id}/pdf?language={language}", headers=issued["alva"].headers
    )
    assert response.status_code == 200
    return response.content


def test_the_payslip_shows_what_section_6_asks(api: TestClient, issued: dict[str, Any]) -> None:
    text = _text(_pdf(api, issued))
    for expected in (
        "Lönespecifikation", "L2026-00001", "Utbetalningsdag 2026-11-25", "Löneperiod 2026-11",
        "Testkooperativet", "769600-1234",
        "19900514-****", "Fakturerat belopp för arbete 20 000,00", "Kooperativets avgift (6 %) −1 200,00",
        "Lön för uppdraget 14 305,28", "varav bruttolön 12 772,57",
        "varav semesterersättning (12 %, betalas ut med varje lön) 1 532,71",
        "Skatteavdrag (fast procentsats 30 %) −4 291,00", "Att utbetala 10 014,28", "****6789",
        "31,42 % på 14 305,28) −4 494,72",
    ):  # fmt: skip
        assert expected in text, expected
    assert "199005141230" not in text


def test_the_payslip_names_the_members_address_and_the_time_worked(
    api: TestClient, issued: dict[str, Any]
) -> None:
    text = " ".join(_text(_pdf(api, issued)).split())
    name = issued["alva"].member.full_name
    assert f"Anställd {name} Repslagargatan 3 118 46 Stockholm Personnummer: 19900514-****" in text
    assert "Arbetad tid: 2 dagar, 2026-10-01 – 2026-10-10" in text


def test_no_internal_key_file_name_or_note_reaches_the_member(
    api: TestClient, issued: dict[str, Any]
) -> None:
    text = _text(_pdf(api, issued))
    for internal in (
        "fee_rate",
        "holiday_pay_rate",
        "employer_contribution_rules",
        "payroll.md",
        "verify",
        "_",
    ):
        assert internal not in text, internal
    assert issued["payslip"].snapshot["parameters"]  # still stored on the payslip


def test_each_figure_is_printed_once_and_deductions_carry_a_minus_sign(
    api: TestClient, issued: dict[str, Any]
) -> None:
    text = _text(_pdf(api, issued))
    for figure in ("12 772,57", "1 532,71", "4 291,00"):
        assert text.count(figure) == 1, figure
    assert "−4 291,00" in text
    assert "−1 200,00" in text


def test_the_english_payslip_stays_on_request(api: TestClient, issued: dict[str, Any]) -> None:
    english = _text(_pdf(api, issued, "en"))
    for expected in (
        "Payslip",
        "Pay date 2026-11-25",
        "Pay period 2026-11",
        "of which gross salary 12,772.57",
        "Net pay 10,014.28",
    ):
        assert expected in english, expected


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_payslip_writes_every_date_as_an_iso_date(
    api: TestClient, issued: dict[str, Any], language: str
) -> None:
    """A form writes its dates in one style (docs/web.md): the pay date and the period as the days worked
    are, never "25 november 2026" beside "2026-10-01"."""
    text = " ".join(_text(_pdf(api, issued, language)).split())
    assert "2026-10-01 – 2026-10-10" in text
    assert_one_date_style(text, "iso")


def test_both_languages_pass_the_glyph_check(api: TestClient, issued: dict[str, Any]) -> None:
    for language in ("sv", "en"):
        assert glyph_problems(_pdf(api, issued, language)) == []


def test_the_stored_pdf_is_the_rendered_snapshot_and_the_run_zips_them(
    api: TestClient, session: Session, issued: dict[str, Any]
) -> None:
    payslip, run = issued["payslip"], issued["run"]
    swedish = _pdf(api, issued)
    assert render_payslip_pdf(number=payslip.number, snapshot=payslip.snapshot, language="sv") == swedish
    jobs = service.payslip_render_jobs(session, run_id=run.id)
    service.store_payslip_pdfs(session, pdfs={jobs[0][0]: swedish})
    assert service.payslip_render_jobs(session, run_id=run.id) == []
    archive = api.get(f"/api/v1/payroll-runs/{run.id}/payslips.zip", headers=issued["treasurer"].headers)
    assert archive.status_code == 200
    assert f'filename="lonespecifikationer-korning-{run.id}.zip"' in archive.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(archive.content)) as opened:
        assert opened.namelist() == ["L2026-00001.pdf"]
        assert opened.read("L2026-00001.pdf") == swedish


@pytest.mark.slow
def test_a_pool_of_one_worker_replaces_it_and_renders_every_payslip(issued: dict[str, Any]) -> None:
    """Eighteen payslips on one worker that is replaced after every eight: the worker of a run larger than
    its limit is replaced while payslips are still queued. A ``ProcessPoolExecutor`` with
    ``max_tasks_per_child`` on Python 3.11 never replaced it and waited for ever (gh-115634), so the pool is
    run in a thread that must end in time; every PDF is the one the payslip renders to alone."""
    payslip = issued["payslip"]
    jobs = [(index, f"L2026-{index:05d}", payslip.snapshot, "sv") for index in range(1, 19)]
    done: list[tuple[int, int]] = []
    rendered: dict[int, bytes] = {}

    def render() -> None:
        rendered.update(
            render_in_pool(
                jobs, workers=1, documents_per_worker=8, progress=lambda n, total: done.append((n, total))
            )
        )

    worker = threading.Thread(target=render, daemon=True)
    worker.start()
    worker.join(timeout=180)
    assert not worker.is_alive(), "the pool stopped rendering"
    assert sorted(rendered) == list(range(1, 19))
    assert done[-1] == (18, 18)
    for index, number in ((1, "L2026-00001"), (18, "L2026-00018")):
        assert rendered[index] == render_payslip_pdf(number=number, snapshot=payslip.snapshot, language="sv")


def _snapshot(**employee: object) -> dict[str, Any]:
    """A stored snapshot of one payout with no contributions and no tax (SINK 0 kr): nothing is deducted but
    the fee. ``employee`` changes the member's part (a snapshot from before the country has none)."""
    line = {
        "invoiced_amount": "8000.00", "fee_rate": "0.06", "fee": "480.00", "pool": "7520.00",
        "gross_salary": "6092.27", "holiday_pay_rate": "0.12", "holiday_pay": "731.07",
        "contribution_base_month_to_date_before": "0.00", "employer_contributions": "0.00", "residue": "0.00",
        "taxable_pay": "6823.34", "tax": "0.00", "expense_reimbursement": "0.00", "net_pay": "6823.34",
        "position": 1, "assignment_id": 1, "client_name": "Folkteatern", "invoice_numbers": ["2026-0002"],
        "corrects_payslip_id": None, "correction_reason": None, "contribution_category": "none",
        "contribution_parts": [{"base": "6823.34", "rate": "0", "source": "x"}], "tax_mode": "sink",
        "tax_percent": "22.5", "tax_table_number": None, "tax_column": None, "work_start": "2026-10-16",
        "work_end": "2026-10-17", "extent_quantity": "2.00", "extent_unit": "days",
    }  # fmt: skip
    totals = {key: line[key] for key in (
        "invoiced_amount", "fee", "gross_salary", "holiday_pay", "employer_contributions", "residue",
        "taxable_pay", "tax", "expense_reimbursement", "net_pay",
    )}  # fmt: skip
    return {
        "pay_date": "2026-11-25", "period": "2026-11",
        "employer": {"name": "Interim kultur ekonomisk förening", "organisation_number": "769600-1234"},
        "employee": {"name": "Bertil Holm", "street": "Calle Mayor 5", "postal_code": "28013",
                     "city": "Madrid", "personal_identity_number": "195603022343",
                     "bank_iban": "SE6950000000050001234560",
                     **employee},
        "tax_setting": {"mode": "sink", "tax_information_missing": False}, "parameters": [],
        "lines": [line], "totals": totals,
        "year_to_date": {"gross": "6823.34", "taxable": "6823.34", "tax": "0.00"},
    }  # fmt: skip


def test_a_deduction_of_nothing_carries_no_minus_sign() -> None:
    text = " ".join(
        _text(render_payslip_pdf(number="L2026-00002", snapshot=_snapshot(), language="sv")).split()
    )
    assert "−0,00" not in text
    assert "Arbetsgivaravgifter (ingen avgift: 0 % på 6 823,34) 0,00" in text
    assert "Skatteavdrag (SINK 22,5 %) 0,00" in text
    assert "Kooperativets avgift (6 %) −480,00" in text


@pytest.mark.parametrize(("language", "country"), [("sv", "Spanien"), ("en", "Spain")])
def test_a_member_abroad_has_the_country_in_the_address(language: str, country: str) -> None:
    context = payslip_context(number="L1", snapshot=_snapshot(country="ES"), language=language)
    assert context["address"] == ["Calle Mayor 5", "28013 Madrid", country]
    text = " ".join(
        _text(render_payslip_pdf(number="L1", snapshot=_snapshot(country="ES"), language=language)).split()
    )
    assert f"Calle Mayor 5 28013 Madrid {country}" in text


def test_a_member_in_sweden_and_a_snapshot_from_before_the_country_print_no_country() -> None:
    for snapshot in (_snapshot(country="SE"), _snapshot()):
        assert payslip_context(number="L1", snapshot=snapshot, language="sv")["address"] == [
            "Calle Mayor 5",
            "28013 Madrid",
        ]


def test_a_new_payslip_stores_the_members_country(
    api: TestClient, session: Session, payroll_ready, make_user, make_member, paid_assignment
) -> None:
    treasurer = make_user(Role.treasurer)
    bertil = make_member()
    bertil.member.street, bertil.member.postal_code, bertil.member.city = "Calle Mayor 5", "28013", "Madrid"
    bertil.member.country = "ES"
    paid_assignment(bertil.member, "20000.00")
    run = create_and_approve(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), approved_by_id=treasurer.user.id
    )
    [payslip] = service.run_payslips(session, run_id=run.id)
    assert payslip.snapshot["employee"]["country"] == "ES"
    pdf = api.get(f"/api/v1/payslips/{payslip.id}/pdf", headers=bertil.headers).content
    assert "Calle Mayor 5 28013 Madrid Spanien Personnummer" in " ".join(_text(pdf).split())


def test_a_correction_reason_keeps_its_line_breaks() -> None:
    snapshot = _snapshot()
    snapshot["lines"][0].update(
        corrects_payslip_id=1,
        corrects_payslip_number="L2026-00001",
        correction_reason="Fakturan krediterades delvis.\nAndra raden: semesterersättningen.",
    )
    html = render_html(TEMPLATE, payslip_context(number="L2", snapshot=snapshot, language="sv"))
    assert "Rättelse av lönespecifikation L2026-00001: Fakturan krediterades delvis.<br>Andra raden" in html


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("sv", "Öresavrundning (behålls av kooperativet) −0,01"),
        ("en", "Rounding (kept by the cooperative) −0.01"),
    ],
)
def test_the_rounding_the_cooperative_keeps_is_named_as_on_the_runs_page(language: str, line: str) -> None:
    """The few öre of the pool that split into no salary (payroll.md §1, R) are "Öresavrundning" on the
    payslip, as on the run's page in the web interface (its catalog's word for the same message) and in the
    payroll summary's column."""
    snapshot = _snapshot()
    snapshot["lines"][0]["residue"] = snapshot["totals"]["residue"] = "0.01"

    text = " ".join(_text(render_payslip_pdf(number="L1", snapshot=snapshot, language=language)).split())

    assert line in text
    web = translations(language).gettext("Rounding (kept by the cooperative)")
    assert LABELS[language]["residue"] == web
    if language == "sv":
        assert SWEDISH_HEADERS["residue"] == "Öresavrundning" == web.split(" (")[0]
