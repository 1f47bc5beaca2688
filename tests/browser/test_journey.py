"""The whole chain in a real browser, as the people do it: the admin registers a new member with her login;
she signs in on her own, registers a commission with a fee and an expense with its receipt, and hands it in;
the treasurer approves it, invoices it, records the client's payment, and pays it in a payroll run; the
member downloads her payslip.

Only pages are used. The demo database is shared with the other browser tests, in any order: the member is new
(her own personnummer and e-mail), and the run may hold other tests' payouts, so the assertions are about her
payslip, not the run's totals.
"""

from __future__ import annotations

import io
import random
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, page_width, screenshot, sign_in

ADMIN = "admin@interimkultur.example.se"
TREASURER = "kassor@interimkultur.example.se"
CLIENT = "Folkteatern i Mellanstad AB"
PAY_DATE = "2026-12-23"
INITIAL_PASSWORD = "ett-startlosenord-2026"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def luhn_digit(digits: str) -> int:
    """The check digit that makes ``digits`` + it pass the Luhn test (a personnummer's last digit)."""
    total = 0
    for position, digit in enumerate(int(d) for d in digits):
        doubled = digit * 2 if position % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return (10 - total % 10) % 10


def new_personnummer(chance: random.Random) -> str:
    """A valid personnummer of someone born in 1991, not used by the demo."""
    born = f"1991{chance.randint(1, 12):02d}{chance.randint(1, 28):02d}"
    serial = f"{chance.randint(100, 999)}"
    return f"{born}-{serial}{luhn_digit(born[2:] + serial)}"


def test_luhn_digit_matches_known_personnummer() -> None:
    assert luhn_digit("811218987") == 6  # Skatteverket's example 19811218-9876
    assert luhn_digit("900514123") == 0  # 19900514-1230, the tests' Alva


@contextmanager
def person(browser: Browser, live_url: str) -> Iterator[Page]:
    """A person's own browser: a context of her own, so signing in does not touch the others'."""
    context = browser.new_context(base_url=live_url, viewport=DESKTOP, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def test_from_a_new_member_to_her_payslip(browser: Browser, live_url: str) -> None:
    chance = random.Random(secrets.randbits(64))
    first_name = "Siv"
    last_name = chance.choice(["Ek", "Lind", "Holm", "Sjö", "Dahl", "Strand"]) + chance.choice(
        ["gren", "qvist", "ström", "lund", "mark", "vik"]
    )
    full_name = f"{first_name} {last_name}"
    email = "siv@example.se"
    number = new_personnummer(chance)
    title = "Scenografi för Julspelet"

    with person(browser, live_url) as admin:
        _register_the_member(admin, first_name, last_name, email, number)
    with person(browser, live_url) as member:
        _hand_in_a_commission(member, email, title)
    with person(browser, live_url) as treasurer:
        _approve_invoice_and_record_payment(treasurer, title)
        _pay_in_a_run(browser, live_url, treasurer, full_name)
    with person(browser, live_url) as member:
        _download_the_payslip(member, email, full_name)


def _register_the_member(admin: Page, first_name: str, last_name: str, email: str, number: str) -> None:
    sign_in(admin, ADMIN)
    admin.goto("/office/members")
    admin.get_by_role("link", name="Registrera en ny medlem").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Registrera en ny medlem")
    assert_accessible(admin)
    admin.get_by_label("Förnamn").fill(first_name)
    admin.get_by_label("Efternamn").fill(last_name)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    admin.get_by_label("Personnummer").fill(wrong)
    admin.get_by_label("E-post", exact=True).fill(email)
    admin.get_by_label("Gatuadress").fill("Nygatan 3")
    admin.get_by_label("Postnummer").fill("113 30")
    admin.get_by_label("Ort").fill("Stockholm")
    admin.get_by_label("Medlem sedan").fill("2026-11-01")
    admin.get_by_label("Clearingnummer").fill("6000")
    admin.get_by_label("Kontonummer").fill("123456789")
    login = admin.get_by_label("Hur medlemmen loggar in")
    login.select_option(label="Skapa en inloggning med e-postadressen ovan")
    admin.get_by_label("Startlösenord (ny inloggning)").fill(INITIAL_PASSWORD)
    screenshot(admin, "journey-register-member")
    admin.get_by_role("button", name="Registrera medlemmen").click()

    # The wrong check digit is refused by its field; what was typed stays, nothing is saved.
    expect(admin.locator("#e-personal_identity_number")).to_contain_text("Kontrollsiffran")
    expect(admin.get_by_label("Gatuadress")).to_have_value("Nygatan 3")
    assert_accessible(admin)
    screenshot(admin, "journey-register-member-error")
    admin.get_by_label("Personnummer").fill(number)
    # A password is not shown again: it is typed once more.
    admin.get_by_label("Startlösenord (ny inloggning)").fill(INITIAL_PASSWORD)
    admin.get_by_role("button", name="Registrera medlemmen").click()

    expect(admin.get_by_role("heading", level=1)).to_have_text(f"{first_name} {last_name}")
    expect(admin.get_by_role("status").first).to_contain_text("Medlemmen är registrerad.")
    expect(admin.get_by_text("6000-123456789")).to_be_visible()
    assert_accessible(admin)
    screenshot(admin, "journey-member")


def _hand_in_a_commission(member: Page, email: str, title: str) -> None:
    sign_in(member, email, INITIAL_PASSWORD)
    member.get_by_role("link", name="Uppdrag", exact=True).click()
    member.get_by_role("link", name="Registrera ett uppdrag").click()
    member.get_by_label("Kund", exact=True).select_option(label=CLIENT)
    member.get_by_label("Vad du gör").fill(title)
    member.get_by_label("Första dagen").fill("2026-12-07")
    member.get_by_label("Sista dagen").fill("2026-12-08")
    member.get_by_label("Arbetstid").fill("2")
    member.get_by_label("Beskrivning", exact=True).fill("Scenografi och bygge")
    member.get_by_label("Antal", exact=True).fill("2")
    member.get_by_label("Enhet", exact=True).select_option(label="dag")
    member.get_by_label("Pris per enhet, exkl. moms (kr)").fill("4 000,00")
    member.get_by_label("Moms", exact=True).select_option(label="25 % moms")
    member.get_by_role("button", name="Lägg till ett utlägg").click()
    expect(member.get_by_role("heading", name="Nytt utlägg 1")).to_be_visible()
    member.get_by_label("Datum på kvittot").fill("2026-11-18")  # a receipt is dated no later than today
    member.get_by_label("Vad du betalade för").fill("Virke och färg")
    member.get_by_label("Belopp inkl. moms (kr)").fill("625,00")
    member.get_by_label("Moms på kvittot").select_option(label="25 %")
    member.get_by_label("Kvitto", exact=True).set_input_files(
        files=[{"name": "kvitto.png", "mimeType": "image/png", "buffer": PNG}]
    )
    assert_accessible(member)
    screenshot(member, "journey-commission-form")
    member.get_by_role("button", name="Spara utkast").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(title)
    expect(member.get_by_role("link", name="Kvitto: kvitto.png")).to_be_visible()
    member.get_by_role("button", name="Skicka in för godkännande").click()
    expect(member.locator(".status")).to_have_text("Inskickat, väntar på godkännande")
    assert_accessible(member)
    screenshot(member, "journey-commission-submitted")


def _approve_invoice_and_record_payment(treasurer: Page, title: str) -> None:
    sign_in(treasurer, TREASURER)
    treasurer.get_by_role("link", name="Kansliet").click()
    treasurer.get_by_role("link", name="Inkorg").click()
    treasurer.get_by_role("link", name=title).click()
    expect(treasurer.get_by_role("heading", level=1)).to_have_text(title)
    assert_accessible(treasurer)
    screenshot(treasurer, "journey-approve")
    confirm = treasurer.get_by_label("Jag har läst varningarna ovan")
    if confirm.count():
        confirm.check()
    treasurer.get_by_role("button", name="Godkänn uppdraget").click()
    expect(treasurer.locator(".status").first).to_have_text("Godkänt, inte fakturerat än")

    treasurer.get_by_role("link", name="Utfärda fakturan").click()
    treasurer.get_by_role("button", name="Utfärda fakturan").click()
    expect(treasurer.get_by_role("heading", level=1)).to_contain_text("Faktura 2026-")
    expect(treasurer.get_by_text("8\N{NO-BREAK SPACE}000,00").first).to_be_visible()  # 2 days × 4 000,00
    assert_accessible(treasurer)
    screenshot(treasurer, "journey-invoice")
    treasurer.get_by_role("button", name="Registrera betalningen").click()  # the amount is the full one
    expect(treasurer.locator(".status").first).to_have_text("Betald")
    screenshot(treasurer, "journey-paid")


def _pay_in_a_run(browser: Browser, live_url: str, treasurer: Page, full_name: str) -> None:
    treasurer.goto("/office/payroll")
    treasurer.get_by_label("Utbetalningsdag").fill(PAY_DATE)
    treasurer.get_by_role("button", name="Skapa ett utkast").click()
    expect(treasurer.get_by_role("heading", level=1)).to_contain_text(f"Lönekörning {PAY_DATE}")
    expect(treasurer.locator(".status").first).to_have_text("Utkast")
    # The review: her payslip is in the run, and its section opens from the table.
    treasurer.locator("table.payslips").get_by_role("link", name=full_name).click()
    expect(treasurer.get_by_role("heading", name=full_name).first).to_be_visible()
    assert_accessible(treasurer)
    screenshot(treasurer, "journey-payroll-run")
    run_url = treasurer.url.split("#")[0]

    treasurer.get_by_role("button", name="Godkänn körningen").click()
    # Wait for the answer before asking which it is: counting at once may read the page the click left.
    own_pay = treasurer.get_by_role("alert").filter(has_text="din egen lön")
    expect(treasurer.locator("h1 .status").filter(has_text="Godkänd").or_(own_pay).first).to_be_visible()
    if own_pay.count():  # the run holds the treasurer's own pay: the admin approves
        expect(treasurer.get_by_role("alert")).to_contain_text("din egen lön")
        with person(browser, live_url) as admin:
            sign_in(admin, ADMIN)
            admin.goto(run_url)
            admin.get_by_role("button", name="Godkänn körningen").click()
            expect(admin.locator("h1 .status")).to_have_text("Godkänd")
        treasurer.goto(run_url)
    expect(treasurer.locator("h1 .status")).to_have_text("Godkänd")
    treasurer.get_by_role("button", name="Markera som utbetald").click()
    expect(treasurer.locator("h1 .status")).to_have_text("Utbetald")
    assert_accessible(treasurer)
    screenshot(treasurer, "journey-payroll-paid")


def _download_the_payslip(member: Page, email: str, full_name: str) -> None:
    sign_in(member, email, INITIAL_PASSWORD)
    member.get_by_role("link", name="Lön", exact=True).click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Lön")
    link = member.get_by_role("link", name=re.compile(r"^Lönespecifikation L\d{4}-\d+ \(svenska\)$"))
    expect(link).to_have_count(1)  # her first and only payslip
    assert_accessible(member)
    screenshot(member, "journey-pay")
    href = link.get_attribute("href")
    assert href is not None
    answer = member.request.get(href)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.body())).pages)
    assert full_name in text
    assert "Lönespecifikation" in text


def test_the_new_member_form_fits_a_phone(phone: Page) -> None:
    sign_in(phone, TREASURER)
    phone.goto("/office/members/new")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Registrera en ny medlem")
    width = page_width(phone)
    assert width <= PHONE["width"], f"the form is {width}px wide on a {PHONE['width']}px phone"
    phone.get_by_role("button", name="Registrera medlemmen").click()  # empty: every error by its field
    expect(phone.locator("#e-first_name")).to_be_visible()
    expect(phone.locator("#e-personal_identity_number")).to_be_visible()
    assert_accessible(phone)
    screenshot(phone, "journey-register-member-phone")
