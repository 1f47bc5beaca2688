"""The writers stream their files and still write the bytes the tree-building writers wrote before them.

The files in ``expected/``, and the writers' notes in ``expected/notes.json``, were written by the writers
of commit 567cc19 (AGI and pain.001 built as one lxml tree and serialised with ``etree.tostring``, SIE
joined from a list of lines), from the inputs below.
The inputs take every branch of each writer — every IU field, removal, SINK/A-SINK payees, IBAN and
clearing-number payees, batch booking, voucher rows with objects, dates, texts and quantities — and texts
with what a serialiser escapes or a character set cannot carry (``& < > " '``, CR, tab, line feed, a
control character, letters outside the character set, an emoji, a decomposed letter). An export stored
today therefore has the bytes and SHA-256 it had before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kooperativet.exports.formats import ExportFile, agi, pain001, sie

EXPECTED = Path(__file__).parent / "expected"

#: Texts with everything a writer must escape, spell or keep.
AWKWARD = "Zoë & Łukasz <\"Kassör\"> 'ö'\r\tslut\x07 🎻 e\u0301"


def agi_file() -> ExportFile:
    contact = agi.Contact(name=AWKWARD, phone="+46 8 123 456 00", email="kassor&co@example.se")
    foreign = agi.ForeignPayee(
        first_name="Zoë & Ł",
        last_name="O'Neil <jr>",
        street="Rue 1\nApt 2 ]]>",
        postal_code="75001",
        city="Saint-Étienne",
        country="FR",
        citizenship="FR",
        tin="FR 12&34",
        tin_country="FR",
    )
    returns = [
        agi.IndividualReturn(
            personal_identity_number="198202252386",
            specification_number=1,
            cash_pay=Decimal("28500.99"),
            tax=Decimal("9300.50"),
        ),
        agi.IndividualReturn(
            personal_identity_number="193712011234",
            specification_number=1,
            pay_not_contribution_base=Decimal("9400.00"),
            tax=Decimal("2820.00"),
            tax_mode="table",
        ),
        agi.IndividualReturn(
            personal_identity_number="199005141234",
            specification_number=1,
            cash_pay=Decimal("1200.75"),
            pay_not_contribution_base=Decimal("640.99"),
            tax=Decimal("552.00"),
        ),
        agi.IndividualReturn(personal_identity_number="199005141234", specification_number=7),
        agi.IndividualReturn(
            personal_identity_number="197902802383",
            specification_number=2,
            cash_pay=Decimal("48100"),
            tax=Decimal("9620"),
            tax_mode="sink",
            payee=foreign,
        ),
        agi.IndividualReturn(
            personal_identity_number="197700602381",
            specification_number=3,
            pay_not_contribution_base=Decimal("113040"),
            tax=Decimal("16956"),
            tax_mode="asink",
            activity='Konsert "live" & <turné>\x01',
            payee=agi.ForeignPayee(first_name="Jon", last_name="", city=None, citizenship="NO"),
        ),
        agi.IndividualReturn(
            personal_identity_number="198409102392", specification_number=3, removed=True, payee=foreign
        ),
    ]
    return agi.render(
        sender=agi.Sender(
            program_name="kooperativet", organisation_number="556026-9986", technical_contact=contact
        ),
        employer=agi.Employer(organisation_number="165560269986", contact=contact),
        period="202611",
        contribution_bases=(
            agi.ContributionBase(category="full", rate=Decimal("0.3142"), base=Decimal("28500.99")),
            agi.ContributionBase(category="youth", rate=Decimal("0.2081"), base=Decimal("25000")),
            agi.ContributionBase(category="pension_only", rate=Decimal("0.1021"), base=Decimal("1200.75")),
        ),
        returns=returns,
        created_at=dt.datetime.fromisoformat("2026-12-01T09:30:05"),  # local time, as AGI wants
    )


def pain001_file() -> ExportFile:
    def payment(number: str, name: str, amount: str, **account: str) -> pain001.SalaryPayment:
        return pain001.SalaryPayment(
            payslip_id=number,
            member_name=name,
            account=pain001.MemberAccount(**account),
            amount=Decimal(amount),
        )

    november = pain001.PayrollRunPayments(
        run_id="RUN-<1>&'2'",
        pay_date=dt.date(2026, 11, 25),
        payments=(
            payment("2026-0001", AWKWARD, "10014.28", iban="se35 5000 0000 0549 1000 0003"),
            payment(
                "2026-0002&<>", "Bo Ek", "9595.70", clearing_number="8327-9", account_number="123 456 789-0"
            ),
            payment(
                "2026-0003", "Åsa Öberg-Lind", "0.01", clearing_number="6000", account_number="123456789"
            ),
        ),
    )
    extra = pain001.PayrollRunPayments(
        run_id="RUN-2",
        pay_date=dt.date(2026, 12, 1),
        payments=(payment("2026-0004", "Dan", "1.00", iban="SE3550000000054910000003"),),
    )
    return pain001.render(
        message_id="KOOPERATIVET-RUN-1",
        created_at=dt.datetime(2026, 11, 24, 14, 5, 59, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        debtor=pain001.Debtor(
            name="Interim & Kultur ekonomisk förening",
            organisation_number="769600-1234",
            iban="SE45 5000 0000 0583 9825 7466",
            bic="ESSESESS",
        ),
        runs=[november, extra],
        batch_booking=True,
    )


def sie_file() -> ExportFile:
    row = sie.Transaction
    vouchers = [
        sie.Voucher(
            series="A",
            number="",
            date=dt.date(2026, 11, 25),
            text="Lönekörning 1 2026-11",
            transactions=(
                row(account="7210", amount=Decimal("100.50")),
                row(account="1930", amount=Decimal("-100.50")),
            ),
        ),
        sie.Voucher(
            series="B 2",
            number="17",
            date=dt.date(2026, 11, 26),
            text=f'Utlägg {AWKWARD}: "Tåg" \\ {{x}}',
            registration_date=dt.date(2026, 11, 27),
            transactions=(
                row(
                    account="6990",
                    amount=Decimal("744.34"),
                    objects=(("1", "100"), ("6", "P 7 Ł")),
                    date=dt.date(2026, 11, 2),
                    text="Biljett 🎟",
                    quantity=Decimal("2.5"),
                ),
                row(account="2641", amount=Decimal("44.66"), text="moms"),
                row(account="1930", amount=Decimal("-789"), date=dt.date(2026, 11, 2)),
            ),
        ),
    ]
    return sie.render(
        program_name="kooperativet",
        program_version="1.2.3",
        generated_on=dt.date(2026, 12, 1),
        company_name='Kooperativet "Ł" \\ ekonomisk förening',
        organisation_number="769600-1234",
        account_names={"7210": "Löner till tjänstemän", "1930": "Företagskonto ™", "9999": "unused"},
        vouchers=vouchers,
    )


FILES = {"agi.xml": agi_file, "pain001.xml": pain001_file, "sie4i.si": sie_file}


@pytest.mark.parametrize("name", sorted(FILES))
def test_writes_the_bytes_of_the_tree_building_writer(name: str) -> None:
    file = FILES[name]()
    expected = (EXPECTED / name).read_bytes()

    assert file.content == expected
    assert hashlib.sha256(file.content).hexdigest() == hashlib.sha256(expected).hexdigest()
    assert list(file.notes) == json.loads((EXPECTED / "notes.json").read_text(encoding="utf-8"))[name]
