"""The month-end page says what is true: an AGI file made is not a declaration filed; a salary file's run is
known by its pay date; the chart's months read as months; an unpaid invoice links to its page."""

from __future__ import annotations

import re
from datetime import UTC
from decimal import Decimal
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.core.money import drop_ore
from kooperativet.documents.render import money
from kooperativet.exports.models import ExportBatch, ExportKind
from kooperativet.invoices.models import Invoice, InvoiceStatus
from kooperativet.payroll.models import Payslip
from tests.exports.conftest import approved_run, export_day, exporter
from tests.payroll.conftest import paid_assignment, payroll_ready
from tests.web.conftest import form_token, sign_in

__all__ = ["approved_run", "export_day", "exporter", "paid_assignment", "payroll_ready"]

PAGE = "/office/month-end?month=2026-11"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_an_agi_file_made_is_said_as_made_with_the_day_to_file_it_not_as_declared(
    browser_client: TestClient, session: Session, approved_run, export_day
) -> None:
    sign_in(browser_client, approved_run.treasurer.user.email)
    before = browser_client.get(PAGE).text
    assert "AGI-fil: inte skapad än – skapa den nedan och lämna den hos Skatteverket senast 2026-12-14." in (
        _text(before)
    )
    assert "Deklarerat" not in before
    # The due date is a value of the numbers column, aligned with the amounts above it.
    assert re.search(r'<dd class="num"><time class="nowrap" datetime="2026-12-14">', before)

    made = browser_client.post(
        PAGE.split("?")[0] + "/agi", data={"csrf_token": form_token(before), "period": "2026-11"}
    )
    assert made.status_code == 303, made.text
    batch = session.scalars(select(ExportBatch).where(ExportBatch.kind == ExportKind.agi)).one()
    created = batch.created_at if batch.created_at.tzinfo else batch.created_at.replace(tzinfo=UTC)
    made_on = created.astimezone(ZoneInfo("Europe/Stockholm")).date().isoformat()

    after = _text(browser_client.get(PAGE).text)
    assert f"AGI-fil: skapad {made_on} – lämna den hos Skatteverket senast 2026-12-14." in after
    assert "AGI är exporterad" not in after


def test_a_salary_file_names_its_run_by_the_pay_date_not_its_id(
    browser_client: TestClient, session: Session, approved_run, export_day
) -> None:
    sign_in(browser_client, approved_run.treasurer.user.email)
    token = form_token(browser_client.get(PAGE).text)
    made = browser_client.post(
        "/office/month-end/pain001",
        data={"csrf_token": token, "run_id": str(approved_run.run.id), "month": "2026-11"},
    )
    assert made.status_code == 303, made.text
    page = _text(browser_client.get(made.headers["location"]).text)
    assert "lönekörningen med utbetalning 2026-11-25" in page
    assert f"lönekörning {approved_run.run.id}" not in page


def test_the_chart_names_months_and_the_headings_and_hints_read_as_swedish(
    browser_client: TestClient, approved_run, export_day
) -> None:
    sign_in(browser_client, approved_run.treasurer.user.email)
    html = browser_client.get(PAGE).text
    chart = html[html.index("<svg") : html.index("</svg>")]
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", chart)
    for month in ("dec", "jan", "feb", "mars", "juni", "nov"):
        assert month in labels
    assert not any(re.fullmatch(r"\d\d-\d\d", label) for label in labels)
    assert "De senaste tolv månaderna" in html
    assert "De månader kassören ser" not in html
    assert "ÅÅÅÅ-MM" not in html
    assert "Månaden då lönerna betalades ut." in html


def test_an_unpaid_invoice_links_to_its_page(
    browser_client: TestClient, session: Session, approved_run, export_day
) -> None:
    invoice = session.scalars(select(Invoice).order_by(Invoice.id)).first()
    assert invoice is not None
    invoice.status = InvoiceStatus.open  # not paid: it is listed as unpaid
    session.commit()
    sign_in(browser_client, approved_run.treasurer.user.email)
    html = browser_client.get(PAGE).text
    section = html[html.index("Obetalda fakturor") :]
    assert f'<a href="/office/invoices/{invoice.id}">{invoice.number}</a>' in section


def test_a_month_without_payslips_says_there_is_nothing_to_put_in_an_agi_file(
    browser_client: TestClient, approved_run, export_day
) -> None:
    sign_in(browser_client, approved_run.treasurer.user.email)
    page = _text(browser_client.get("/office/month-end?month=2026-10").text)
    assert "AGI-fil: ingen skapad – månaden har ingen lönespecifikation att ta med." in page
    assert "skapa den nedan" not in page


def test_the_month_end_s_refusals_read_in_swedish_by_their_fields(
    browser_client: TestClient, approved_run, export_day
) -> None:
    """A month not begun, a range turned round and a run not chosen: said in Swedish by the field, not in the
    service's English ("2027-02 lies in the future …") or as "Skriv ett heltal." for a list left at Välj."""
    sign_in(browser_client, approved_run.treasurer.user.email)
    token = form_token(browser_client.get(PAGE).text)

    agi = browser_client.post("/office/month-end/agi", data={"csrf_token": token, "period": "2999-02"})
    assert agi.status_code == 422
    assert "Månaden har inte börjat: dess fil kan göras från månadens första dag." in _text(agi.text)
    assert "lies in the future" not in agi.text
    assert 'value="2999-02"' in agi.text  # what she typed is kept

    sie = browser_client.post(
        "/office/month-end/sie", data={"csrf_token": token, "from": "2026-11-30", "to": "2026-11-01"}
    )
    assert sie.status_code == 422
    assert "Sista dagen ligger före den första." in _text(sie.text)
    assert "the range ends before it starts" not in sie.text

    salary = browser_client.post("/office/month-end/pain001", data={"csrf_token": token, "run_id": ""})
    assert salary.status_code == 422
    assert '<p class="error" id="e-run_id">Välj ett av alternativen.</p>' in salary.text
    assert "Skriv ett heltal." not in salary.text


def test_a_large_employer_is_told_to_pay_by_the_12th_and_to_file_the_agi_by_the_26th(
    browser_client: TestClient, session: Session, approved_run, export_day, exporter
) -> None:
    """Above 40 million kronor of VAT base (26 kap. 30 §, 62 kap. 3 § SFL) the two days differ: the amount
    owed is due on the 12th (a Saturday: the 14th), the AGI file on the 26th (a Saturday: the 28th)."""
    exporter.vat_base_above_40_million = True
    session.flush()
    sign_in(browser_client, approved_run.treasurer.user.email)
    page = browser_client.get(PAGE).text
    assert re.search(r'<dd class="num"><time class="nowrap" datetime="2026-12-14">', page)
    assert "AGI-fil: inte skapad än – skapa den nedan och lämna den hos Skatteverket senast 2026-12-28." in (
        _text(page)
    )


def test_what_is_owed_to_skatteverket_is_what_the_agi_declares_in_whole_kronor(
    browser_client: TestClient, session: Session, approved_run, export_day
) -> None:
    """The treasurer pays what Skatteverket debits: the AGI's FK487 and FK497 in whole kronor (10 657 kr of
    contributions against the payslips' 10 658,52), and the page says why the payslips add up to more."""
    sign_in(browser_client, approved_run.treasurer.user.email)
    payslips = session.scalars(select(Payslip).where(Payslip.run_id == approved_run.run.id)).all()
    tax = sum(drop_ore(payslip.tax) for payslip in payslips)
    payslips_total = sum((payslip.tax + payslip.employer_contributions for payslip in payslips), Decimal(0))

    page = _text(browser_client.get(PAGE).text)
    # Each term and its amount, as the card's list gives them (the text without its tags runs them together,
    # and its no-break spaces are spaces).
    assert f"Avdragen skatt{_plain(tax)} " in page
    assert f"Arbetsgivaravgifter{_plain(10657)} " in page
    assert f"Att betala{_plain(tax + 10657)} " in page
    # The gap is kronor, not öre (1,52 kr here; 1,69 kr in the treasurer's November): said as it is, and why.
    difference = payslips_total - (tax + 10657)
    assert difference == Decimal("1.52")
    assert (
        "I hela kronor, som AGI:n redovisar dem och Skatteverket drar dem. "
        f"Lönespecifikationerna summerar till {_plain(payslips_total)} kr, alltså 1,52 kr mer. AGI:n "
        "redovisar varje persons lön och skatt i hela kronor, utan ören, och räknar arbetsgivaravgifterna "
        "för varje avgiftssats på de hela kronorna och stryker ören igen"
    ) in page
    assert "ören däremellan" not in page


def _plain(amount: Decimal | int) -> str:
    """An amount as ``_text`` leaves it: written as the page writes it, its no-break spaces plain."""
    return " ".join(money(Decimal(amount)).split())
