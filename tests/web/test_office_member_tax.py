"""The office adds a member's tax setting on her page (docs/payroll.md §3): a new table, a jämkning percent,
or the extra tax a month she asked for. Refusals are said next to their field with what was typed kept,
nothing is saved then, the auditor gets no form, and the member reads the extra on her own page."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.models import AuditEvent
from kooperativet.auth.models import Role
from kooperativet.parties.models import MemberTaxSetting
from kooperativet.payroll import service as payroll_service
from tests.payroll.conftest import paid_assignment, payroll_ready
from tests.web.conftest import form_token, sign_in

__all__ = ["paid_assignment", "payroll_ready"]  # fixtures the run's test takes


def _client(browser_client: TestClient, actor) -> TestClient:
    client = TestClient(browser_client.app, follow_redirects=False)
    sign_in(client, actor.user.email)
    return client


def _tax_form(page: str) -> dict[str, str]:
    """The new-setting form as the browser sends it untouched: its hidden, typed and chosen values."""
    form = re.search(
        r'<form method="post" action="/office/members/\d+/tax-settings#tax"(.*?)</form>', page, re.S
    )
    assert form, "no tax setting form on the page"
    html = form.group(1)
    values = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    values |= dict(re.findall(r'<input id="f-(tax_\w+)" name="tax_\w+" type="\w+" value="([^"]*)"', html))
    values["tax_mode"] = re.search(r'name="tax_mode".*?<option value="(\w+)" selected', html, re.S).group(1)
    if re.search(r'name="tax_tax_information_missing" checked', html):
        values["tax_tax_information_missing"] = "on"
    return values


def _settings(session: Session, member_id: int) -> list[MemberTaxSetting]:
    session.expire_all()
    return list(
        session.scalars(
            select(MemberTaxSetting)
            .where(MemberTaxSetting.member_id == member_id)
            .order_by(MemberTaxSetting.valid_from)
        )
    )


def test_the_form_starts_from_the_setting_in_force_and_adds_a_table_with_extra_tax(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    alva = make_member()  # flat 30 % since 2025-01-01
    karin = make_user(Role.treasurer)
    client = _client(browser_client, karin)
    page = client.get(f"/office/members/{alva.member.id}").text
    form = _tax_form(page)
    assert (form["tax_mode"], form["tax_percent"], form["tax_valid_from"]) == ("flat", "30", "")
    assert form["tax_extra_monthly_tax"] == "0"

    added = client.post(
        f"/office/members/{alva.member.id}/tax-settings",
        data=form
        | {
            "tax_valid_from": "2026-12-01",
            "tax_mode": "table",
            "tax_table_number": "33",
            "tax_table_column": "1",
            "tax_extra_monthly_tax": "1 500",
        },
    )

    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"/office/members/{alva.member.id}?done=tax_setting_added#done"
    earlier, new = _settings(session, alva.member.id)
    # The percent typed for the flat mode is not the table's: it is left out, not refused.
    assert (new.mode, new.percent, new.table_number, new.table_column) == ("table", None, 33, 1)
    assert new.extra_monthly_tax == Decimal("1500.00")
    assert earlier.percent == Decimal("30.00")
    shown = client.get(added.headers["location"]).text
    assert "Skatteinställningen är tillagd" in shown
    assert "1 500,00 kr i extra skatteavdrag per månad på medlemmens begäran" in shown.replace("\u00a0", " ")
    event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "member_tax_setting_added")).one()
    assert json.loads(event.payload)["changed_by_user_id"] == karin.user.id
    assert _tax_form(shown)["tax_extra_monthly_tax"] == "1500"  # the next form starts from the new one


TABLE_INCOMPLETE = "Skatt enligt tabell behöver tabellnummer (29–42) och kolumn (1–6)."


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        (
            {"tax_extra_monthly_tax": "100,50"},
            "tax_extra_monthly_tax",
            "Extra skatt dras i hela kronor: skriv beloppet utan ören.",
        ),
        (
            {"tax_mode": "sink", "tax_extra_monthly_tax": "500"},
            "tax_extra_monthly_tax",
            "SINK och A-SINK är definitiva skatter: ingen extra skatt dras med dem. Låt den extra skatten "
            "vara 0.",
        ),
        ({"tax_valid_from": ""}, "tax_valid_from", "Fyll i fältet."),  # not "Värdet är inte giltigt."
        (
            {"tax_mode": "table", "tax_table_number": "", "tax_table_column": ""},
            "tax_table_number",
            TABLE_INCOMPLETE,
        ),
        # The number typed, the column left empty: the service names the column, the box to fill in.
        (
            {"tax_mode": "table", "tax_table_number": "33", "tax_table_column": ""},
            "tax_table_column",
            TABLE_INCOMPLETE,
        ),
        # Out of range: said with the limit crossed, written as Swedes write numbers, with the unit.
        ({"tax_extra_monthly_tax": "-5"}, "tax_extra_monthly_tax", "Det här måste vara minst 0\u00a0kr."),
        # Whole kronor: not asked for "kronor och öre, t.ex. 1 250,50", which the next refusal turns down.
        ({"tax_extra_monthly_tax": "tusen"}, "tax_extra_monthly_tax", "Skriv ett heltal."),
        (
            {"tax_extra_monthly_tax": "1000000"},
            "tax_extra_monthly_tax",
            "Det här får vara högst 100\u00a0000\u00a0kr.",
        ),
        ({"tax_percent": "0"}, "tax_percent", "Det här måste vara större än 0\u00a0%."),
        ({"tax_percent": "150"}, "tax_percent", "Det här får vara högst 100\u00a0%."),
        (
            {"tax_mode": "table", "tax_table_number": "28", "tax_table_column": "1"},
            "tax_table_number",
            "Det här måste vara minst 29.",
        ),
        (
            {"tax_mode": "table", "tax_table_number": "43", "tax_table_column": "1"},
            "tax_table_number",
            "Det här får vara högst 42.",
        ),
        (
            {"tax_mode": "table", "tax_table_number": "33", "tax_table_column": "7"},
            "tax_table_column",
            "Det här får vara högst 6.",
        ),
        (
            {"tax_mode": "table", "tax_table_number": "33", "tax_table_column": "0"},
            "tax_table_column",
            "Det här måste vara minst 1.",
        ),
        (
            {"tax_valid_from": "2025-01-01"},
            "tax_valid_from",
            "Det finns redan ett värde som gäller från det datumet; välj ett annat datum.",
        ),
    ],
)
def test_a_refusal_is_said_by_its_field_keeps_what_was_typed_and_saves_nothing(
    browser_client: TestClient,
    session: Session,
    make_user,
    make_member,
    typed: dict[str, str],
    field: str,
    message: str,
) -> None:
    alva = make_member()
    client = _client(browser_client, make_user(Role.treasurer))
    form = _tax_form(client.get(f"/office/members/{alva.member.id}").text) | {"tax_valid_from": "2026-12-01"}

    refused = client.post(f"/office/members/{alva.member.id}/tax-settings", data=form | typed)

    assert refused.status_code == 422, refused.text
    error = re.search(rf'<p class="error" id="e-{field}">([^<]*)</p>', refused.text)
    assert error, f"no error by {field}"
    assert error.group(1) == message
    kept = _tax_form(refused.text)
    assert all(kept[name] == value for name, value in typed.items() if name != "tax_mode" or value)
    assert len(_settings(session, alva.member.id)) == 1
    assert not session.scalars(select(AuditEvent).where(AuditEvent.kind == "member_tax_setting_added")).all()


def test_the_auditor_reads_the_settings_without_a_form_and_cannot_post_one(
    browser_client: TestClient, session: Session, make_user, make_member
) -> None:
    alva = make_member()
    treasurer = _client(browser_client, make_user(Role.treasurer))
    token = form_token(treasurer.get(f"/office/members/{alva.member.id}").text)
    auditor = _client(browser_client, make_user(Role.auditor))
    page = auditor.get(f"/office/members/{alva.member.id}").text
    assert "Skatteinställningar" in page
    assert "/tax-settings" not in page

    refused = auditor.post(
        f"/office/members/{alva.member.id}/tax-settings",
        data={"csrf_token": token, "tax_valid_from": "2026-12-01", "tax_mode": "flat", "tax_percent": "40"},
    )

    assert refused.status_code in (403, 303)
    assert len(_settings(session, alva.member.id)) == 1


def test_the_member_reads_her_extra_tax_on_her_own_page(
    browser_client: TestClient, session: Session, make_member
) -> None:
    alva = make_member()
    alva.member.tax_settings.append(
        MemberTaxSetting(
            valid_from=alva.member.tax_settings[0].valid_from.replace(year=2026),
            mode="flat",
            percent=Decimal("30"),
            extra_monthly_tax=Decimal("800"),
        )
    )
    session.flush()
    page = _client(browser_client, alva).get("/me").text.replace("\u00a0", " ")
    assert "och 800,00 kr i extra skatteavdrag varje månad, som du har bett om" in page


def test_the_runs_page_shows_the_extra_tax_within_the_lines_tax(
    browser_client: TestClient, session: Session, make_user, make_member, payroll_ready, paid_assignment
) -> None:
    alva = make_member()  # born 1990: worked example A
    alva.member.tax_settings[0].extra_monthly_tax = Decimal("1000")
    paid_assignment(alva.member, "20000.00")
    run = payroll_service.create_run(
        session, today=date(2026, 11, 1), pay_date=date(2026, 11, 25), pay_on=None, created_by_id=None
    ).run

    page = _client(browser_client, make_user(Role.treasurer)).get(f"/office/payroll/{run.id}").text
    page = page.replace("\u00a0", " ").replace("\u2212", "-")

    assert "-5 291,00" in page  # 4 291 kr at 30 % and the extra 1 000 kr
    assert re.search(r"varav extra skatteavdrag på medlemmens begäran</dt><dd[^>]*>-1 000,00<", page)
