"""An export batch's notes, as the month-end page writes them: every sentence the exporters store, made by the
exporters' own functions, in Swedish and in English, amounts and dates as each language writes them; a note
no exporter writes is shown as stored."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from kooperativet.exports.entries import ACCOUNT_ROLES, AccountMap, PayrollRunSnapshot
from kooperativet.exports.formats import agi, pain001, sie
from kooperativet.exports.formats.agi.employer_declaration import _fitted
from kooperativet.exports.formats.agi.individual_return import fitted_return
from kooperativet.exports.formats.charset import xml_fitter
from kooperativet.exports.service import agi as agi_service
from kooperativet.exports.service import pain001 as pain001_service
from kooperativet.exports.service import sie as sie_service
from kooperativet.exports.service import sources
from kooperativet.parties.models import SalaryAccount
from kooperativet.web.export_note_words import note_in, note_shown, notes_in, notes_shown
from tests.exports.formats.test_pain001 import CREATED_AT, DEBTOR, payment

NBSP = "\N{NO-BREAK SPACE}"


def _left_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(
        sources, "draft_runs", lambda session, month: [SimpleNamespace(id=12, pay_date=date(2026, 11, 25))]
    )
    return sources.left_out_runs(None, None)  # type: ignore[arg-type]


def _threshold() -> list[str]:
    declared = agi_service._Declared()
    line = (1, 7, 3, "table", "full", Decimal("400.00"), Decimal("0"), 5, "2026-0031", 2026)
    declared.add_lines([line], [[{"rate": "0.3142", "base": "1600.00"}]], {7: "199005141234"})  # type: ignore[list-item]
    return declared.threshold_notes


def _corrections() -> str:
    run = PayrollRunSnapshot(
        run_id=12,
        pay_date=date(2026, 11, 25),
        gross_salary=Decimal("0"),
        holiday_pay=Decimal("0"),
        employer_contributions=Decimal("0"),
        residue=Decimal("0"),
        tax=Decimal("0"),
        corrections_reimbursed=Decimal("1250.50"),
    )
    accounts = AccountMap(
        {role: "7699" if role == "reimbursed_expenses" else "1930" for role in ACCOUNT_ROLES}
    )
    return sie_service._corrections_note(run, accounts)


def _changed_accounts() -> list[str]:
    changed = datetime(2026, 11, 20, 9, tzinfo=UTC)

    def transfer(member_id: int, pending: bool) -> Any:
        return SimpleNamespace(
            first_name="Åsa", last_name="Öberg (Lind)", bank_account_changed_at=changed, pending=pending
        )

    payees = {1: transfer(1, True), 2: transfer(2, False), 3: transfer(3, True)}
    confirmed = {
        1: SalaryAccount(iban="SE3550000000054910000003"),
        2: SalaryAccount(clearing_number="8327-9", account_number="1234567890"),
        3: None,
    }
    session = SimpleNamespace(scalar=lambda query: None)
    return pain001_service._changed_accounts(session, payees=payees, confirmed=confirmed)  # type: ignore[arg-type]


def _sie_charset_notes() -> tuple[str, ...]:
    voucher = sie.Voucher(
        series="A",
        number="1",
        date=date(2026, 11, 25),
        text="Lön Łukasz 🎭",
        transactions=(
            sie.Transaction(account="7010", amount=Decimal("100.00"), text="Dvořák"),
            sie.Transaction(account="1930", amount=Decimal("-100.00")),
        ),
    )
    return sie.render(
        program_name="kooperativet",
        program_version="0.1.0",
        generated_on=date(2026, 11, 26),
        company_name="Łódź Kultur",
        organisation_number="7696001234",
        account_names={"1930": "Bank – SEB", "7010": "Löner"},
        vouchers=[voucher],
    ).notes


def _pain001_charset_notes() -> tuple[str, ...]:
    run = pain001.PayrollRunPayments(
        run_id="RUN-2026-11",
        pay_date=date(2026, 11, 25),
        payments=(payment("PS-2026-0001", "Łukasz 🎭 " + "x" * 80, "100.00"),),
    )
    debtor = dataclasses.replace(DEBTOR, name="Kultur_Kooperativet ek. för.")
    return pain001.render(message_id="KOOP-1", created_at=CREATED_AT, debtor=debtor, runs=[run]).notes


def _agi_charset_notes() -> tuple[str, ...]:
    fit = xml_fitter()
    contact = agi.Contact(name="Karin\x07 " + "K" * 60, phone="08\x01123", email="k\x02@example.se")
    _fitted(contact, fit, "technical contact")
    _fitted(contact, fit, "employer's contact")
    payee = agi.ForeignPayee(
        first_name="Jos\x07é",
        last_name="G" * 60,
        street="Calle\x08",
        postal_code="28\x0113",
        city="Madrid\x03",
        country="ES",
        citizenship="ES",
        tin="X\x01",
        tin_country="ES",
    )
    iu = agi.IndividualReturn(
        personal_identity_number="199005141234",
        specification_number=3,
        cash_pay=Decimal("100"),
        tax=Decimal("20"),
        tax_mode="asink",
        activity="Konsert\x07",
        payee=payee,
    )
    fitted_return(iu, fit)
    return fit.notes


#: Each sentence form, as the exporters write it (``(sentence, Swedish, English)``).
def _sentences(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    left_out, threshold, corrections = _left_out(monkeypatch), _threshold(), _corrections()
    pending, confirmed, unconfirmed_none = _changed_accounts()
    return [
        (
            left_out[0],
            "Lönekörningen med utbetalning 2026-11-25 (nr 12) är inte godkänd och togs inte med.",
            "Payroll run 12 (paid out 25 Nov 2026) is not approved and was left out.",
        ),
        (
            threshold[0],
            f"Lönespecifikation 2026-0031 (19900514-****): årets lön nådde gränsen 1{NBSP}000 kr, så "
            f"arbetsgivaravgifterna omfattar även 1{NBSP}200,00 kr som betalades ut tidigare under 2026 utan "
            "avgifter (2 kap. 24 § socialavgiftslagen, SFS 2000:980); underlaget i FK487 är därför så mycket "
            "större än månadens FK011.",
            "Payslip 2026-0031 (19900514-****): the year's pay reached the 1,000 kr "
            "threshold, so the employer "
            "contributions include 1,200.00 kr paid earlier in 2026 without contributions (SFS 2000:980, "
            "chapter 2, section 24); the base in FK487 is that much more than this month's FK011.",
        ),
        (
            corrections,
            f"Lönekörningen med utbetalning 2026-11-25 (nr 12): 1{NBSP}250,50 kr i utlägg som betalades "
            "tillbaka genom körningens rättelser är bokförda på konto 7699 utan ingående moms (en "
            "rättelse har inget kvitto registrerat); flytta momsen till ingående moms om "
            "ett kvitto visar den.",
            "Payroll run 12 (paid out 25 Nov 2026): 1,250.50 kr of outlays paid back by its corrections is "
            "booked on account 7699 without input VAT (no receipt is recorded for a "
            "correction); move the VAT "
            "to input VAT if a receipt shows it.",
        ),
        (
            pending,
            "Bankkontot för Åsa Öberg (Lind) (medlem 1) ändrades 2026-11-20 och är INTE bekräftat: filen "
            "betalar till det senast bekräftade kontot, IBAN SE35****0003. En annan kassör eller "
            "administratör, eller medlemmen själv, måste bekräfta det nya kontot innan det används.",
            "The bank account of Åsa Öberg (Lind) (member 1) changed on 20 Nov 2026 and is "
            "NOT confirmed: this "
            "file pays the last confirmed account, IBAN SE35****0003. Another treasurer or admin, or the "
            "member, must confirm the new account before it is used.",
        ),
        (
            confirmed,
            "Bankkontot för Åsa Öberg (Lind) (medlem 2) ändrades 2026-11-20, efter den förra "
            "lönefilen, och är "
            "bekräftat: filen betalar till 8327-9-****7890.",
            "The bank account of Åsa Öberg (Lind) (member 2) changed on 20 Nov 2026, since "
            "the previous salary "
            "file, and was confirmed: this file pays 8327-9-****7890.",
        ),
        (
            unconfirmed_none,
            "Bankkontot för Åsa Öberg (Lind) (medlem 3) ändrades 2026-11-20 och är INTE bekräftat: filen "
            "betalar till det senast bekräftade kontot, kontot på lönespecifikationen. En annan kassör eller "
            "administratör, eller medlemmen själv, måste bekräfta det nya kontot innan det används.",
            "The bank account of Åsa Öberg (Lind) (member 3) changed on 20 Nov 2026 and is "
            "NOT confirmed: this "
            "file pays the last confirmed account, the account on the payslip. Another "
            "treasurer or admin, or "
            "the member, must confirm the new account before it is used.",
        ),
    ]


def test_every_sentence_the_exporters_write_is_in_swedish_and_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for stored, swedish, english in _sentences(monkeypatch):
        assert note_in(stored, "sv") == swedish, stored
        assert note_in(stored, "en") == english, stored


def test_the_texts_a_file_writer_changed_are_named_in_swedish_with_their_place_and_reason() -> None:
    notes = _sie_charset_notes() + _pain001_charset_notes() + _agi_charset_notes()
    places = {note.split(":")[0] for note in notes}
    # Every place a writer notes: SIE's company, accounts, voucher and row; the salary file's cooperative and
    # payee; the AGI's two contacts, the activity and the foreign payee's address fields.
    assert {
        "company name (#FNAMN)",
        "name of account 1930 (#KONTO)",
        "voucher of 2026-11-25",
        "row 7010 of the voucher of 2026-11-25",
        "the cooperative's name",
        "payee of payslip PS-2026-0001",
        "technical contact's name",
        "technical contact's phone",
        "technical contact's e-mail",
        "employer's contact's name",
        "employer's contact's phone",
        "employer's contact's e-mail",
        "activity (FK112)",
        "payee's first name (FK216)",
        "payee's last name (FK217)",
        "payee's street (FK218)",
        "payee's postal code (FK219)",
        "payee's city (FK220)",
        "payee's tin (FK252)",
    } <= places
    for note in notes:
        swedish, english = note_in(note, "sv"), note_in(note, "en")
        assert swedish != note, note
        assert english != note, note
        assert " skrevs som " in swedish
        assert swedish.endswith(").")
        assert not any(word in swedish for word in ("was written", "has no spelling", "the field", "payee"))
        assert " was written as " in english


def test_a_changed_text_reads_in_swedish_quotation_marks_with_the_reason_in_swedish() -> None:
    notes = _sie_charset_notes()
    assert (
        note_in(notes[0], "sv")
        == "Företagsnamnet (#FNAMN): ”Łódź Kultur” skrevs som ”Lódz Kultur” (några av "
        "tecknen finns inte i teckentabell 437)."
    )
    pain = _pain001_charset_notes()
    assert note_in(pain[-1], "sv").startswith("Mottagaren på lönespecifikation PS-2026-0001: ”Łukasz 🎭 x")
    assert note_in(pain[-1], "sv").endswith(
        "(några av tecknen finns inte i betalfilens latinska teckenuppsättning; fältet "
        "rymmer högst 70 tecken)."
    )
    # A text with a control character cannot be shown in quotation marks: it stays as Python wrote it.
    assert "'08\\x01123'" in note_in(_agi_charset_notes()[1], "sv")


@pytest.mark.parametrize(
    "note",
    [
        "something a later exporter writes",
        "payroll run 12 (2026-11-25) is not approved",
        "voucher of 2026-11-25: 'a' was written as 'b' (a reason nobody wrote)",
        "somewhere new: 'a' was written as 'b' (codepage 437 has no spelling for some of its characters)",
        "payee of payslip 1: 'a was written as 'b' (codepage 437 has no spelling for some of its characters)",
        "",
    ],
)
def test_a_note_no_exporter_writes_is_shown_as_stored(note: str) -> None:
    assert note_in(note, "sv") == note
    assert note_in(note, "en") == note


def test_a_batch_without_notes_has_none() -> None:
    assert notes_in(None, "sv") == []
    assert notes_in([], "en") == []


def _read(shown: str) -> str:
    """The text a reader sees of a note's markup."""
    return html.unescape(re.sub(r"<[^>]+>", "", shown))


def _outside_time(shown: str) -> str:
    return re.sub(r"<time [^>]*>.*?</time>", "", shown)


def test_the_page_shows_the_same_words_with_each_date_kept_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for stored, _swedish, _english in _sentences(monkeypatch):
        for language in ("sv", "en"):
            shown = note_shown(stored, language)
            assert _read(shown) == note_in(stored, language), stored
            # The stored ISO date is the <time>'s datetime and the one the page writes it as, in a nowrap
            # element, so that a phone never breaks 2026-11- from 20 (or 20 Nov from 2026).
            for day in re.findall(r"\d{4}-\d{2}-\d{2}", stored):
                assert f'<time class="nowrap" datetime="{day}">' in shown, (stored, language)
            assert not re.search(r"\d{4}-\d{2}-\d{2}|\d+ [A-Z][a-z]{2,3} \d{4}", _outside_time(shown)), shown
    places = _sie_charset_notes()
    assert '<time class="nowrap" datetime="2026-11-25">2026-11-25</time>' in note_shown(places[-1], "sv")
    assert '<time class="nowrap" datetime="2026-11-25">25 Nov 2026</time>' in note_shown(places[-1], "en")


def test_the_page_escapes_what_a_note_quotes() -> None:
    stored = (
        "bank account of <b>Ann</b> & Co (member 3) changed on 2026-11-20, since the previous payment file, "
        "and was confirmed: this file pays IBAN SE35****0003"
    )
    shown = note_shown(stored, "sv")
    assert "&lt;b&gt;Ann&lt;/b&gt; &amp; Co" in shown
    assert "<b>" not in shown
    assert _read(shown) == note_in(stored, "sv")


def test_an_english_date_in_any_month_is_kept_on_one_line_with_its_iso_date() -> None:
    for month in range(1, 13):
        day = date(2026, month, 5)
        shown = note_shown(f"payroll run 12 ({day.isoformat()}) is not approved and was left out", "en")
        written = re.search(r"paid out (.*?)\) is", _read(shown))
        assert written is not None, shown
        assert f'<time class="nowrap" datetime="{day.isoformat()}">{written[1]}</time>' in shown


def test_the_page_escapes_a_re_spelt_text_and_keeps_a_date_in_it_on_one_line() -> None:
    stored = (
        "voucher of 2026-11-25: '<i>Lön</i> 2026-11-25 & Łukasz' was written as '<i>Lon</i> 2026-11-25 & "
        "Lukasz' (codepage 437 has no spelling for some of its characters)"
    )
    for language in ("sv", "en"):
        shown = note_shown(stored, language)
        assert "<i>" not in shown
        assert "&lt;i&gt;Lön&lt;/i&gt; " in shown
        assert " &amp; Łukasz" in shown
        assert shown.count('<time class="nowrap" datetime="2026-11-25">2026-11-25</time>') == (
            3 if language == "sv" else 2
        )
        assert _read(shown) == note_in(stored, language)
    assert _read(note_shown(stored, "sv")) == (
        "Verifikationen den 2026-11-25: ”<i>Lön</i> 2026-11-25 & Łukasz” skrevs som ”<i>Lon</i> 2026-11-25 & "
        "Lukasz” (några av tecknen finns inte i teckentabell 437)."
    )


def test_a_note_no_exporter_writes_keeps_its_iso_dates_on_one_line() -> None:
    stored = "a later exporter left out <run> of 2026-11-26 & 2026-12-25"
    shown = note_shown(stored, "en")
    assert shown == (
        "a later exporter left out &lt;run&gt; of "
        '<time class="nowrap" datetime="2026-11-26">2026-11-26</time> &amp; '
        '<time class="nowrap" datetime="2026-12-25">2026-12-25</time>'
    )
    assert _read(shown) == stored
    assert notes_shown(None, "sv") == []
    assert notes_shown([stored], "sv") == [note_shown(stored, "sv")]
