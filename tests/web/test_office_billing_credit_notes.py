# ruff: noqa: F811 - the fixtures imported from test_office_billing are used as arguments
"""Crediting an invoice from the office: the form chooses nothing and requires a reason, the confirmation
shows exactly what will be issued, and only its button issues it, unless the invoice changed meanwhile."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from sqlalchemy import func, select

from kooperativet.assignments.rules import AssignmentStatus
from kooperativet.invoices import payments
from kooperativet.invoices import service as invoices_service
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.invoices.schemas import CreditNoteIssue, CreditPart, PaymentCreate
from kooperativet.invoices.snapshot import snapshot_from_json
from tests.web.conftest import confirmed, form_token
from tests.web.test_office_billing import (  # noqa: F401 - fixtures
    DAY,
    NOW,
    commission,
    issue,
    library,
    on_day,
    post,
    seller,
    treasurer,
    worker,
)

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
MINUS, NBSP = "\N{MINUS SIGN}", "\N{NO-BREAK SPACE}"
REASON_MISSING = "Skriv varför fakturan krediteras: skälet skrivs på kreditfakturan."
NOTHING_CHOSEN = "Välj allt som inte krediterats än, eller fyll i vad som ska krediteras på minst en rad."


def invoiced(session, treasurer, worker, library) -> Invoice:
    """Two days at 6 000.00 and 25 % VAT: 15 000.00 to pay."""
    return issue(
        session, commission(session, worker.member, library, status=AssignmentStatus.approved), treasurer
    )


def credit_notes(session) -> int:
    return session.scalar(
        select(func.count()).select_from(Invoice).where(Invoice.kind == InvoiceKind.credit_note)
    )


def hidden_fields(page: str) -> dict[str, str]:
    """What the confirmation's form sends: its hidden fields, as a browser reads them."""
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def test_the_form_chooses_nothing_for_the_treasurer(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    page = browser_client.get(f"/office/invoices/{invoice.id}/credit").text
    assert 'name="everything" value="yes">' in page  # not checked
    assert " checked" not in page
    line = invoice.lines[0]
    assert f'name="quantity-{line.id}" value=""' in page
    assert f'name="amount-{line.id}" value=""' in page
    assert '<textarea id="f-reason" name="reason" rows="2" required></textarea>' in page


def test_a_form_without_a_reason_or_a_choice_says_both_by_their_fields(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    answer = post(browser_client, f"/office/invoices/{invoice.id}/credit", {"reason": "  "})
    assert answer.status_code == 422
    assert f'<p class="error" id="e-reason">{REASON_MISSING}</p>' in answer.text
    assert f'<p class="error" id="e-everything">{NOTHING_CHOSEN}</p>' in answer.text
    assert credit_notes(session) == 0


def test_a_missing_reason_keeps_what_was_typed(browser_client, session, treasurer, worker, library) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    line = invoice.lines[0]
    answer = post(
        browser_client,
        f"/office/invoices/{invoice.id}/credit",
        {f"quantity-{line.id}": "0,5", f"amount-{line.id}": ""},
    )
    assert answer.status_code == 422
    assert 'id="e-reason"' in answer.text
    assert 'id="e-everything"' not in answer.text
    assert f'name="quantity-{line.id}" value="0,5"' in answer.text
    assert credit_notes(session) == 0


def test_everything_and_lines_together_are_refused_with_a_message(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    line = invoice.lines[0]
    answer = post(
        browser_client,
        f"/office/invoices/{invoice.id}/credit",
        {"everything": "yes", f"quantity-{line.id}": "1", "reason": "Inställd föreställning"},
    )
    assert answer.status_code == 422
    assert (
        '<p class="error" id="e-everything">Du valde allt som inte krediterats än och fyllde i rader också: '
        "välj det ena (töm raderna, eller kryssa ur allt).</p>"
    ) in answer.text
    assert 'value="yes" checked' in answer.text
    assert f'name="quantity-{line.id}" value="1"' in answer.text
    assert "Inställd föreställning</textarea>" in answer.text
    assert credit_notes(session) == 0


def test_the_confirmation_shows_exactly_what_is_issued_and_only_its_button_issues_it(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    line = invoice.lines[0]
    reason = "Föreställningen\nkortades <en dag>"
    answer = post(
        browser_client,
        f"/office/invoices/{invoice.id}/credit",
        {f"quantity-{line.id}": "1", "reason": reason},
    )
    assert answer.status_code == 200
    page = answer.text
    assert "6\xa0000,00" in page  # the line
    assert "Moms: Svensk moms 25\xa0%" in page
    assert "1\xa0500,00" in page  # its VAT
    assert '<td class="num" id="credit-note-total"><strong>7\xa0500,00</strong></td>' in page
    assert "Föreställningen\nkortades &lt;en dag&gt;" in page
    assert '<dd id="credit-note-after"><strong>7\xa0500,00 kr</strong></dd>' in page  # left to pay
    assert credit_notes(session) == 0  # shown, not issued
    sent = hidden_fields(page)
    planned = invoices_service.plan_credit_note(
        session,
        invoice_id=invoice.id,
        data=CreditNoteIssue(
            parts=[CreditPart(invoice_line_id=line.id, quantity=Decimal("1"))], reason=reason
        ),
        actor=treasurer.user,
    )
    assert sent["shown_sha256"] == planned.sha256
    assert (sent[f"quantity-{line.id}"], sent["reason"]) == ("1", reason)

    issued = browser_client.post(f"/office/invoices/{invoice.id}/credit/issue", data=sent)

    assert issued.status_code == 303
    note = session.scalars(select(Invoice).where(Invoice.kind == InvoiceKind.credit_note)).one()
    assert issued.headers["location"] == f"/office/invoices/{note.id}?done=credit_note_issued"
    confirmed(browser_client, issued, "Kreditfakturan är utfärdad.")
    assert (note.net_total, note.vat_total, note.payable) == (
        Decimal("6000.00"),
        Decimal("1500.00"),
        Decimal("7500.00"),
    )
    assert snapshot_from_json(note.snapshot).document.notes == (reason,)
    shown = browser_client.get(issued.headers["location"]).text
    assert 'id="credit-note-reason">Föreställningen\nkortades &lt;en dag&gt;</dd>' in shown


def test_a_credit_note_changed_meanwhile_is_not_issued_and_the_new_one_is_shown(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    confirm = post(
        browser_client,
        f"/office/invoices/{invoice.id}/credit",
        {"everything": "yes", "reason": "Inställt"},
    )
    assert confirm.status_code == 200
    sent = hidden_fields(confirm.text)
    assert "everything" in sent
    # The client pays while the treasurer looks at it.
    payments.record_payment(
        session,
        data=PaymentCreate(invoice_id=invoice.id, amount=Decimal("15000.00"), paid_on=DAY),
        actor=treasurer.user,
        today=DAY,
        now=NOW,
    )

    changed = browser_client.post(f"/office/invoices/{invoice.id}/credit/issue", data=sent)

    assert changed.status_code == 409
    assert "Fakturan har ändrats sedan du tittade på kreditfakturan" in changed.text
    assert '<dd id="credit-note-after"><strong>15\xa0000,00 kr</strong></dd>' in changed.text
    assert "Att betala tillbaka till kunden efteråt" in changed.text
    assert credit_notes(session) == 0
    again = hidden_fields(changed.text)
    assert again["shown_sha256"] != sent["shown_sha256"]
    assert browser_client.post(f"/office/invoices/{invoice.id}/credit/issue", data=again).status_code == 303
    assert credit_notes(session) == 1


def test_without_the_fingerprint_the_confirmation_comes_first(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    token = form_token(browser_client.get(f"/office/invoices/{invoice.id}/credit").text)
    answer = browser_client.post(
        f"/office/invoices/{invoice.id}/credit/issue",
        data={"csrf_token": token, "everything": "yes", "reason": "Inställt"},
    )
    assert answer.status_code == 200
    assert 'name="shown_sha256"' in answer.text
    assert credit_notes(session) == 0


def test_change_goes_back_to_the_form_with_everything_typed(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    line = invoice.lines[0]
    confirm = post(
        browser_client,
        f"/office/invoices/{invoice.id}/credit",
        {f"amount-{line.id}": "1 000,00", "reason": "Rabatt"},
    )
    answer = browser_client.post(
        f"/office/invoices/{invoice.id}/credit/change", data=hidden_fields(confirm.text)
    )
    assert answer.status_code == 200
    assert f'name="amount-{line.id}" value="1 000,00"' in answer.text
    assert "Rabatt</textarea>" in answer.text
    assert credit_notes(session) == 0


def test_too_much_of_a_line_is_said_by_the_line_and_an_amount_is_credited(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    line = invoice.lines[0]
    url = f"/office/invoices/{invoice.id}/credit"
    data = {f"amount-{line.id}": "13 000,00", "reason": "Fel antal"}
    answer = post(browser_client, url, data)
    assert answer.status_code == 422
    assert f'id="e-amount-{line.id}"' in answer.text
    assert 'value="13 000,00"' in answer.text
    data[f"amount-{line.id}"] = "1 000,00"
    confirm = post(browser_client, url, data)
    assert confirm.status_code == 200
    answer = browser_client.post(f"{url}/issue", data=hidden_fields(confirm.text))
    assert answer.status_code == 303
    note = session.scalars(select(Invoice).where(Invoice.kind == InvoiceKind.credit_note)).one()
    assert (note.refers_to_id, note.net_total, note.payable) == (
        invoice.id,
        Decimal("1000.00"),
        Decimal("1250.00"),
    )
    session.refresh(invoice)
    assert invoice.credited_amount == Decimal("1250.00")
    assert "Kreditfaktura" in browser_client.get(answer.headers["location"]).text


def test_a_reason_too_long_is_said_by_its_field(browser_client, session, treasurer, worker, library) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    answer = post(
        browser_client, f"/office/invoices/{invoice.id}/credit", {"everything": "yes", "reason": "x" * 5000}
    )
    assert answer.status_code == 422
    assert 'aria-describedby="e-reason"' in answer.text
    assert '<p class="error" id="e-reason">' in answer.text
    assert "x" * 5000 in answer.text
    assert credit_notes(session) == 0


def test_a_credit_note_is_listed_as_money_back_and_its_invoice_as_credited(
    browser_client, session, treasurer, worker, library
) -> None:
    """A credit note is money back to the client: a negative amount that credits an invoice, never "to pay"
    with a state of its own; the invoice keeps its payment state and says it was credited, in part or in
    full. The states agree with "faktura" (common gender)."""
    partly = invoiced(session, treasurer, worker, library)
    fully = invoiced(session, treasurer, worker, library)
    part = CreditPart(invoice_line_id=partly.lines[0].id, amount=Decimal("1000.00"))
    note = invoices_service.issue_credit_note(
        session,
        invoice_id=partly.id,
        data=CreditNoteIssue(parts=[part], reason="Fel antal"),
        actor=treasurer.user,
        today=DAY,
        now=NOW,
    )
    whole = invoices_service.issue_credit_note(
        session,
        invoice_id=fully.id,
        data=CreditNoteIssue(reason="Inställt"),
        actor=treasurer.user,
        today=DAY,
        now=NOW,
    )
    session.flush()

    page = browser_client.get("/office/invoices").text
    rows = {
        number: row
        for row in page.split("<tr>")[2:]
        for number in (partly.number, fully.number, note.number, whole.number)
        if f">{number}</a>" in row
    }
    assert f'<span class="visually-hidden">Kredit </span>{MINUS}1{NBSP}250,00</td>' in rows[note.number]
    assert f'<span class="status nowrap">Krediterar {partly.number}</span>' in rows[note.number]
    assert "Att betala" not in rows[note.number].replace('data-label="Att betala"', "")
    assert (
        '<span class="status nowrap">Obetald</span> <span class="status nowrap">Delvis krediterad</span>'
        in rows[partly.number]
    )
    assert '<span class="status nowrap">Krediterad</span>' in rows[fully.number]
    assert "Krediterat" not in page
    assert ">Obetalda fakturor</a>" in page
    assert ">Förfallna fakturor</a>" in page

    shown = browser_client.get(f"/office/invoices/{note.id}").text
    assert f'<span class="status nowrap">Krediterar {partly.number}</span>' in shown
    assert f'Kredit till kunden</th><td class="num"><strong>{MINUS}1{NBSP}250,00</strong>' in shown
    assert "Att betala" not in shown
    original = browser_client.get(f"/office/invoices/{partly.id}").text
    assert (
        '<span class="status nowrap">Obetald</span> <span class="status nowrap">Delvis krediterad</span>'
        in original
    )


def test_a_line_with_both_a_quantity_and_an_amount_is_told_to_keep_one(
    browser_client, session, treasurer, worker, library
) -> None:
    """Not the schema's bare "the value is not valid": which boxes to choose between, by the line."""
    invoice = invoiced(session, treasurer, worker, library)
    line = invoice.lines[0]
    data = {f"quantity-{line.id}": "0,5", f"amount-{line.id}": "100", "reason": "Fel pris"}
    answer = post(browser_client, f"/office/invoices/{invoice.id}/credit", data)
    assert answer.status_code == 422
    assert (
        f'<p class="error" id="e-quantity-{line.id}">'
        "Fyll i ett antal eller ett belopp för raden, inte båda.</p>"
    ) in answer.text
    assert "Värdet är inte giltigt." not in answer.text
    assert f'name="amount-{line.id}" value="100"' in answer.text
    assert credit_notes(session) == 0


def test_an_amount_of_zero_or_less_is_said_with_its_limit_as_a_quantity_is(
    browser_client, session, treasurer, worker, library
) -> None:
    invoice = invoiced(session, treasurer, worker, library)
    line = invoice.lines[0]
    url = f"/office/invoices/{invoice.id}/credit"
    for what, typed in (("amount", "-5"), ("amount", "0"), ("quantity", "0")):
        answer = post(browser_client, url, {f"{what}-{line.id}": typed, "reason": "Fel pris"})
        assert answer.status_code == 422
        said = f'<p class="error" id="e-{what}-{line.id}">Det här måste vara större än 0.</p>'
        assert said in answer.text, (what, typed)
    assert credit_notes(session) == 0
