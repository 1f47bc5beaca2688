"""The office's log page (Händelselogg): the chain checked when asked and said in Swedish with the moment of
the check, the entries with a Swedish name for each kind and their payload as a list, the filters, the
paging, who may open it, and that every kind the sources append has its name (docs/audit.md, "Reading the
log")."""

from __future__ import annotations

import ast
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

import kooperativet
from kooperativet.audit.models import AuditEvent
from kooperativet.audit.service import SEAL_KIND, append_event, chain_head
from kooperativet.auth.models import Role
from kooperativet.exports.entries import ACCOUNT_ROLES
from kooperativet.invoices.models import InvoiceKind
from kooperativet.web.audit_words import KINDS
from tests.audit.test_audit_log import disable_guards
from tests.statement_count import counted
from tests.web.conftest import sign_in
from tests.web.test_office_auditor import ACTING_FORM

PAGE = "/office/audit"
CHECK = {"verify": "1"}  # what the button "Kontrollera kedjan" sends
CHECKED_AT = re.compile(r"Kontrollerad \d{4}-\d\d-\d\d \d\d:\d\d med serverns revisionsnyckel\.")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SOURCES = Path(kooperativet.__file__).resolve().parent


def appended(session: Session, kind: str, at: datetime = NOW, **payload: object) -> AuditEvent:
    return append_event(session, kind=kind, payload=payload, now=at)


@pytest.fixture
def auditor(browser_client, make_user):
    actor = make_user(Role.auditor)
    sign_in(browser_client, actor.user.email)
    return actor


# Who may open it


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ((Role.treasurer,), 200),
        ((Role.admin,), 200),
        ((Role.auditor,), 200),
        ((Role.member,), 403),
        ((Role.board,), 403),
        ((Role.member, Role.board), 403),
    ],
)
def test_the_office_and_the_auditor_open_it_and_nobody_else(browser_client, make_user, roles, status) -> None:
    sign_in(browser_client, make_user(*roles).user.email)
    answer = browser_client.get(PAGE)
    assert answer.status_code == status
    assert ("Händelselogg" in answer.text) is (status == 200)


def test_without_signing_in_it_asks_for_the_sign_in(browser_client) -> None:
    answer = browser_client.get(PAGE)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/signin")


def test_the_office_start_page_links_to_it_for_the_auditor(browser_client, auditor) -> None:
    html = browser_client.get("/office").text
    assert f'href="{PAGE}"' in html
    assert "Händelselogg" in html


# What it shows


def test_the_chain_is_checked_when_asked_and_said_with_its_count_head_and_moment(
    browser_client, session, auditor
) -> None:
    appended(session, "vote_opened", vote_id=3, meeting_id=1, method="open", question="Budget?")
    appended(session, "vote_closed", vote_id=3, meeting_id=1)
    head = chain_head(session)
    assert head.entries > 1
    html = browser_client.get(PAGE, params=CHECK).text
    assert f"Kedjan är obruten: {head.entries} händelser, senaste hash" in html
    assert head.hash in html
    assert CHECKED_AT.search(html)
    assert "BRUTEN" not in html


def test_a_chain_of_one_event_is_said_in_the_singular(browser_client, session, auditor) -> None:
    """A fresh install's log holds one event; "1 händelser" is not Swedish."""
    head = chain_head(session)
    if head.entries == 0:
        appended(session, "vote_opened", vote_id=3, meeting_id=1, method="open", question="Budget?")
        head = chain_head(session)
    assert head.entries == 1, "the test needs a log of one event"
    html = browser_client.get(PAGE, params=CHECK).text
    assert "Kedjan är obruten: 1 händelse, senaste hash" in html


def test_opening_the_page_lists_the_events_without_checking_the_chain(
    browser_client, session, auditor
) -> None:
    events = [appended(session, "vote_opened", NOW + timedelta(minutes=i), vote_id=i) for i in range(2)]
    disable_guards(session)
    session.execute(
        text("UPDATE audit_events SET payload = :p WHERE id = :id"),
        {"p": '{"vote_id":9}', "id": events[0].id},
    )
    session.expire_all()
    answer = browser_client.get(PAGE)
    assert answer.status_code == 200
    assert 'id="chain"' not in answer.text  # broken, but not checked: nothing said either way
    assert "Kontrollerad" not in answer.text
    assert '<button type="submit" name="verify" value="1">Kontrollera kedjan</button>' in answer.text
    assert f'id="event-{events[1].id}"' in answer.text
    assert "Kedjan är BRUTEN." in browser_client.get(PAGE, params=CHECK).text


def test_the_check_keeps_the_filters_and_turning_a_page_does_not_check_again(
    browser_client, session, auditor
) -> None:
    for i in range(3):
        appended(session, "paged", vote_id=i)
    html = browser_client.get(PAGE, params={"kind": "paged", "limit": 2, **CHECK}).text
    assert "Kedjan är obruten" in html
    assert '<input type="hidden" name="kind" value="paged">' in html  # the check's form keeps the filter
    assert 'href="/office/audit?kind=paged&amp;offset=2"' in html  # the pager does not carry the check


def test_a_broken_chain_is_flagged_with_where_it_breaks(browser_client, session, auditor) -> None:
    events = [appended(session, "vote_opened", NOW + timedelta(minutes=i), vote_id=i) for i in range(3)]
    disable_guards(session)
    session.execute(
        text("UPDATE audit_events SET payload = :p WHERE id = :id"),
        {"p": '{"vote_id":9}', "id": events[1].id},
    )
    session.expire_all()
    answer = browser_client.get(PAGE, params=CHECK)
    assert answer.status_code == 200
    assert 'role="alert" id="chain"' in answer.text
    assert CHECKED_AT.search(answer.text)
    assert "Kedjan är BRUTEN." in answer.text
    assert f"Vid händelse nr {events[1].id} (Omröstning öppnad, registrerad 2026-11-20 13:01)" in answer.text
    assert "obruten" not in answer.text


def test_entries_are_named_in_swedish_with_their_payload_as_a_list(browser_client, session, auditor) -> None:
    paid = appended(
        session,
        "payment_recorded",
        invoice_number="2026-0042",
        amount="12772.57",
        bank_entry_reference=None,
        source="manual",
    )
    changed = appended(
        session,
        "login_changed",
        user_id=7,
        roles={"before": ["member"], "after": ["board", "member"]},
        password_set=True,
    )
    unknown = appended(session, "something_new", widget=1)
    html = browser_client.get(PAGE).text
    assert f"Nr {paid.id}: Betalning registrerad" in html
    assert "<dt>Fakturanummer</dt>\n  <dd>2026-0042</dd>" in html
    assert "12\xa0772,57" in html  # the amount the Swedish way
    assert "<dt>Bankreferens</dt>\n  <dd>–</dd>" in html
    assert "<dt>Källa</dt>\n  <dd>Registrerad för hand</dd>" in html  # a key with words of its own
    assert f"Nr {changed.id}: Inloggning ändrad" in html
    assert "<dt>Före</dt>\n  <dd>Medlem</dd>" in html  # roles in words
    assert "<dt>Efter</dt>\n  <dd>Styrelse, Medlem</dd>" in html
    assert "<dt>Lösenord satt</dt>\n  <dd>Ja</dd>" in html
    assert f"Nr {unknown.id}: <code>something_new</code>" in html
    assert "<dt><code>widget</code></dt>" in html
    assert '{"' not in html  # no raw JSON


def test_a_list_breaks_between_its_items_and_never_at_a_payslip_number_s_hyphen(
    browser_client, session, auditor
) -> None:
    """An approved run lists its payslips: on a narrow column ``L2026-00002`` broke after ``L2026-``, and the
    auditor read half a number at the end of a line."""
    appended(
        session,
        "payroll_run_approved",
        run_id=2,
        payslips=["L2026-00001", "L2026-00002"],
        approved_by_id=2,
    )
    appended(session, "vote_closed", elected=["Revisionsbyrån Norr", "Revisionsbyrån Väst"])
    html = browser_client.get(PAGE).text
    assert '<span class="nowrap">L2026-00001</span>, <span class="nowrap">L2026-00002</span>' in html
    # Names of several words still wrap between their words.
    assert "<dd>Revisionsbyrån Norr, Revisionsbyrån Väst</dd>" in html


def test_a_tax_setting_is_in_words_its_percent_and_extra_tax_written_as_swedes_write_them(
    browser_client, session, auditor
) -> None:
    added = appended(
        session,
        "member_tax_setting_added",
        member_id=1,
        valid_from="2026-12-01",
        tax_mode="flat",
        tax_percent="32.50",
        tax_table_number=None,
        tax_table_column=None,
        tax_information_missing=False,
        extra_monthly_tax="1500.00",
        changed_by_user_id=2,
    )
    html = browser_client.get(PAGE).text
    assert f"Nr {added.id}: Medlemmens skatteinställning tillagd" in html
    assert "<dt>Hur skatten dras</dt>\n  <dd>fast procentsats</dd>" in html
    assert "<dt>Procentsats</dt>\n  <dd>32,5\xa0%</dd>" in html  # not 32.50
    assert "<dt>Extra skatteavdrag per månad</dt>\n  <dd>1\xa0500,00</dd>" in html
    assert "<dt>Skattetabell</dt>\n  <dd>–</dd>" in html


def test_a_parameter_is_named_and_its_value_written_as_the_parameter_pages_write_them(
    browser_client, session, auditor
) -> None:
    """Not "Parameter fee_rate, Värde 0.055": the parameter's Swedish name, the rate as a percent, an amount
    in kronor, the day as a day, and a decision reference in Swedish (one a decision wrote in English before
    said in the page's words; one a person typed as typed)."""
    fee = appended(
        session,
        "parameter_value_added",
        parameter_value_id=33,
        key="fee_rate",
        valid_from="2027-01-01",
        value="0.055",
        source="the board, per capsulam: Sänks avgiften?",
        decision_reference="meeting 1 item 3, vote 2",
        by_user_id=3,
    )
    threshold = appended(
        session,
        "parameter_value_added",
        key="employer_contribution_threshold",
        valid_from="2027-01-01",
        value="1000.00",
        source="Skatteverket 2027",
        decision_reference="Årsmötet 2026-05-20, § 12",
    )
    appended(session, "parameter_value_added", key="pay_on", value="invoice", decision_reference=None)
    html = browser_client.get(PAGE).text
    assert f"Nr {fee.id}: Parametervärde tillagt" in html
    assert "<dt>Parameter</dt>\n  <dd>Kooperativets avgift</dd>" in html
    assert "<dt>Värde</dt>\n  <dd>5,5\xa0%</dd>" in html
    assert (
        '<dt>Gäller från</dt>\n  <dd><time class="nowrap" datetime="2027-01-01">2027-01-01</time></dd>'
        in html
    )
    assert "<dd>möte 1, punkt 3, omröstning nr 2</dd>" in html
    assert "<dd>Styrelsen per capsulam: Sänks avgiften?</dd>" in html
    assert f"Nr {threshold.id}: Parametervärde tillagt" in html
    assert "<dd>Gräns för arbetsgivaravgifter</dd>" in html
    assert "<dd>1\xa0000,00\xa0kr</dd>" in html
    assert "<dd>Årsmötet 2026-05-20, § 12</dd>" in html  # as the person typed it
    assert "<dd>när fakturan är utfärdad</dd>" in html  # a choice in words
    for key in ("fee_rate", "employer_contribution_threshold", "0.055", "pay_on", "vote 2"):
        assert key not in html, key
    english = browser_client.get(PAGE, cookies={"kooperativet_language": "en"}).text
    assert "<dd>The cooperative&#39;s fee</dd>" in english or "<dd>The cooperative's fee</dd>" in english


def test_a_json_parameter_s_value_is_the_table_in_words_of_its_page_not_json(
    browser_client, session, auditor
) -> None:
    """A new account map in the log reads as on the parameter's page: what is booked on which account, not
    ``{"bank": "1930", …}``. A value that no longer reads as a map is shown as it was written."""
    accounts = json.dumps(
        {role: "1930" if role == "bank" else "1510" for role in ACCOUNT_ROLES} | {"bank": "1940"}
    )
    appended(
        session,
        "parameter_value_added",
        key="account_map",
        valid_from="2027-01-01",
        value=accounts,
        source="Revisorns förslag",
        decision_reference=None,
    )
    appended(
        session,
        "parameter_value_added",
        key="account_map",
        valid_from="2024-01-01",
        value='{"bank": "1930"}',
        source="Äldre värde",
        decision_reference=None,
    )
    html = browser_client.get(PAGE).text
    bank = "Bank (inbetalningar, utbetalda löner och utlägg)"
    assert (
        f'<td data-label="Vad som bokförs">{bank}</td><td data-label="Konto" class="nowrap">1940</td>' in html
    )
    assert (
        '<td data-label="Konto" class="nowrap">1510</td><td data-label="Kontots namn">Kundfordringar</td>'
        in html
    )
    assert "&#34;receivables&#34;" not in html
    assert '"receivables"' not in html
    assert "<dd>{&#34;bank&#34;: &#34;1930&#34;}</dd>" in html  # not a map: as written


def test_the_kind_filter_is_a_select_of_swedish_names(browser_client, session, auditor) -> None:
    opened = appended(session, "vote_opened", vote_id=1)
    cast = appended(session, "vote_cast", vote_id=1, member_id=2, cast_by_member_id=2, choice="yes")
    html = browser_client.get(PAGE, params={"kind": "vote_cast"}).text
    assert '<option value="vote_cast" selected>Röst avgiven</option>' in html
    assert f'id="event-{cast.id}"' in html
    assert f'id="event-{opened.id}"' not in html


def test_the_days_filter_is_swedish_days(browser_client, session, auditor) -> None:
    late = appended(session, "day_test", datetime(2026, 11, 19, 23, 30, tzinfo=UTC))  # 20 Nov 00:30 in Sweden
    early = appended(session, "day_test", datetime(2026, 11, 19, 22, 30, tzinfo=UTC))  # 19 Nov 23:30
    html = browser_client.get(
        PAGE, params={"kind": "day_test", "from": "2026-11-20", "to": "2026-11-20"}
    ).text
    assert f'id="event-{late.id}"' in html
    assert f'id="event-{early.id}"' not in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "20 nov"}, "from", "Skriv datumet som ÅÅÅÅ-MM-DD."),
        ({"from": "2026-11-21", "to": "2026-11-20"}, "to", "Sista dagen kommer före den första."),
        ({"anchor": "3f2a"}, "anchor", "N:HASH"),
    ],
)
def test_a_bad_filter_is_said_next_to_its_field(browser_client, auditor, params, field, message) -> None:
    answer = browser_client.get(PAGE, params=params)
    assert answer.status_code == 422
    assert f'id="e-{field}"' in answer.text
    assert message in answer.text


def test_an_anchor_the_chain_never_passed_through_is_flagged(browser_client, session, auditor) -> None:
    appended(session, "vote_opened", vote_id=1)
    html = browser_client.get(PAGE, params={"anchor": "ab" * 32, **CHECK}).text
    assert "Kedjan är BRUTEN." in html
    assert "Kedjan har aldrig passerat huvudet du angav" in html


def test_an_anchor_the_chain_passed_through_is_confirmed(browser_client, session, auditor) -> None:
    appended(session, "vote_opened", vote_id=1)
    anchor = str(chain_head(session))
    appended(session, "vote_closed", vote_id=1)
    html = browser_client.get(PAGE, params={"anchor": anchor, **CHECK}).text
    assert "Kedjan är obruten" in html
    assert "Kedjan passerade huvudet du angav" in html


def test_a_head_typed_in_is_checked_also_without_the_button(browser_client, session, auditor) -> None:
    appended(session, "vote_opened", vote_id=1)
    html = browser_client.get(PAGE, params={"anchor": str(chain_head(session))}).text
    assert "Kedjan passerade huvudet du angav" in html


def test_the_pages_keep_the_filters(browser_client, session, auditor) -> None:
    for i in range(3):
        appended(session, "paged", vote_id=i)
    html = browser_client.get(PAGE, params={"kind": "paged", "limit": 2}).text
    assert 'href="/office/audit?kind=paged&amp;offset=2"' in html
    assert "Rad 1–2 av 3" in html or "Rader 1–2 av 3" in html


def test_a_page_past_the_last_leads_back_to_the_last_page(browser_client, session, auditor) -> None:
    for i in range(3):
        appended(session, "paged", vote_id=i)
    html = browser_client.get(PAGE, params={"kind": "paged", "limit": 2, "offset": 40}).text
    assert "Inga händelser." in html
    assert 'href="/office/audit?kind=paged&amp;offset=2">Föregående sida</a>' in html  # the last page, not 38


@pytest.mark.parametrize("params", [{}, CHECK], ids=["list", "list-and-check"])
def test_the_page_runs_as_many_statements_for_a_hundred_entries_as_for_two(
    browser_client, session, auditor, count_statements, params
) -> None:
    def statements() -> int:
        with count_statements() as counter:
            answer = browser_client.get(PAGE, params={"kind": "counted", "limit": 100, **params})
            assert answer.status_code == 200
        return counter.count

    for i in range(2):
        appended(session, "counted", n=i)
    few = statements()
    for i in range(98):
        appended(session, "counted", n=i)
    assert statements() == few  # the check reads 5000 entries a statement: one batch here


def test_a_page_of_the_list_reads_the_log_in_two_statements(
    browser_client, session, auditor, connection
) -> None:
    for i in range(3):
        appended(session, "counted", n=i)

    def of_the_log(statement: str) -> bool:
        return "audit_events" in statement or "audit_head" in statement

    with counted(connection, only=of_the_log) as reads:
        assert browser_client.get(PAGE, params={"limit": 2}).status_code == 200
        listed = reads.count
        assert browser_client.get(PAGE, params={"limit": 2, **CHECK}).status_code == 200
    assert listed == 2  # the total and the rows: the chain is not read on a plain view
    assert reads.count - listed > 2  # the check reads it


def test_the_auditor_sees_no_form_that_acts(browser_client, auditor) -> None:
    for params in ({}, CHECK):
        html = browser_client.get(PAGE, params=params).text
        assert ACTING_FORM.search(html) is None
        assert html.count('<form method="get" action="/office/audit"') == 2  # the check and the filter


# Every kind the sources append has its Swedish name


#: Kinds the sources make from a value rather than write out: the call site and the kinds it can make.
MADE_KINDS = {
    ("invoices/service/store.py", "f'{invoice.kind}_issued'"): {f"{kind}_issued" for kind in InvoiceKind},
    ("audit/service.py", "SEAL_KIND"): {SEAL_KIND},
    ("audit/service.py", "kind"): set(),  # append_event's own parameter, handed on
}


def appended_kinds() -> set[str]:
    """Every kind an ``append_event``/``append_events`` (or the seal) call in the sources can append."""
    kinds: set[str] = set()
    for path in sorted(SOURCES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in {"append_event", "append_events", "_chain_onto"}:
                continue
            kind = next(k.value for k in node.keywords if k.arg == "kind")
            if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
                kinds.add(kind.value)
                continue
            site = (path.relative_to(SOURCES).as_posix(), ast.unparse(kind))
            assert site in MADE_KINDS, f"{site}: a kind made from a value; say in MADE_KINDS what it can be"
            kinds |= MADE_KINDS[site]
    return kinds


def test_every_kind_the_sources_append_has_a_swedish_name() -> None:
    kinds = appended_kinds()
    assert {"payment_recorded", "invoice_issued", "credit_note_issued", SEAL_KIND} <= kinds  # the scan works
    assert sorted(kinds - set(KINDS)) == []


def test_a_closed_meeting_names_the_items_it_left_not_dealt_with(browser_client, session, auditor) -> None:
    """``meeting_closed`` records the business the meeting left over: the auditor reads each item's id and
    title in Swedish words, and "none" as a dash."""
    left = appended(
        session,
        "meeting_closed",
        meeting_id=3,
        items_not_dealt_with=[{"id": 17, "title": "Verksamhetsplan 2027"}, {"id": 18, "title": "Övrigt"}],
    )
    appended(session, "meeting_closed", meeting_id=4, items_not_dealt_with=[])
    html = browser_client.get(PAGE, params={"kind": "meeting_closed"}).text
    flat = " ".join(html.split())
    assert f"Nr {left.id}: Mötet avslutat" in flat
    assert (
        '<dt>Punkter som inte behandlades</dt> <dd><ol class="payload-list"><li><dl class="facts payload"> '
        "<dt>Id</dt> <dd>17</dd> <dt>Rubrik</dt> <dd>Verksamhetsplan 2027</dd></dl></li>"
        '<li><dl class="facts payload"> <dt>Id</dt> <dd>18</dd> <dt>Rubrik</dt> <dd>Övrigt</dd>' in flat
    )
    assert "<dt>Punkter som inte behandlades</dt> <dd>–</dd>" in flat  # none left
    assert "items_not_dealt_with" not in html
    assert "<code>title</code>" not in html
