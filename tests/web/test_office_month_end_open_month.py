"""A month that has not ended may be exported (a run paid early in it may be declared early), but the
month-end page warns, by the AGI and SIE forms and under what is left to export, that later runs of the
month are in no file yet and will need the AGI made again (a correction of the month, with the same
specification numbers)."""

from __future__ import annotations

import re
from datetime import date

from fastapi import FastAPI
from fastapi.testclient import TestClient

from kooperativet.api.dependencies import today
from tests.exports.conftest import approved_run, export_day, exporter
from tests.payroll.conftest import paid_assignment, payroll_ready
from tests.web.conftest import form_token, sign_in

__all__ = ["approved_run", "export_day", "exporter", "paid_assignment", "payroll_ready"]

PAGE = "/office/month-end?month=2026-11"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace("\N{NO-BREAK SPACE}", " ")


def test_a_month_still_running_is_exported_with_a_warning_that_later_runs_need_a_correction(
    browser_client: TestClient, approved_run, export_day
) -> None:
    """On 26 November the November run is exported; the page then shows nothing left, and says why that is
    not the month's last word."""
    sign_in(browser_client, approved_run.treasurer.user.email)
    before = _text(browser_client.get(PAGE).text)
    assert (
        "Månaden 2026-11 är inte slut: filen tar med lönespecifikationerna som har betalats ut hittills. En "
        "körning som betalas ut senare i månaden kräver att AGI:n görs om: den nya filen redovisar hela "
        "månaden med samma specifikationsnummer, så att Skatteverket ersätter de tidigare individuppgifterna "
        "(en rättelse). Lämna även den senast 2026-12-14."
    ) in before
    assert "Månaden 2026-11 är inte slut: verifikationer med senare datum i månaden" in before

    made = browser_client.post(
        "/office/month-end/agi",
        data={"csrf_token": form_token(browser_client.get(PAGE).text), "period": "2026-11"},
    )
    assert made.status_code == 303, made.text  # not refused
    after = browser_client.get(PAGE).text
    assert re.search(r"Lönespecifikationer utan AGI-fil</dt><dd class=\"num\">0<", after)
    assert (
        "Månaden 2026-11 är inte slut (sista dagen är 2026-11-30): det här är vad som är kvar i dag. "
        "Körningar som betalas ut senare i månaden, och fakturor och inbetalningar med senare datum, är inte "
        "räknade än; när de kommer måste en AGI-fil som redan är skapad göras om för hela månaden (en "
        "rättelse av den lämnade deklarationen)"
    ) in _text(after)


def test_a_month_that_has_ended_has_no_such_warning(
    app: FastAPI, browser_client: TestClient, approved_run
) -> None:
    app.dependency_overrides[today] = lambda: date(2026, 12, 7)
    try:
        sign_in(browser_client, approved_run.treasurer.user.email)
        page = browser_client.get(PAGE).text
        december = browser_client.get("/office/month-end?month=2026-12").text
    finally:
        app.dependency_overrides.pop(today, None)
    for warning in ("month-open-left", "month-open-agi", "month-open-sie"):
        assert warning not in page
        assert warning in december  # 7 December: December runs on
