"""The salary payment file validates against ISO 20022 pain.001.001.03 and its totals match its payments."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from kooperativet.exports.formats import pain001

NS = {"p": pain001.NAMESPACE}
CREATED_AT = datetime(2026, 11, 24, 14, 5, tzinfo=timezone(timedelta(hours=1)))

DEBTOR = pain001.Debtor(
    name="Interim Kultur ekonomisk förening",
    organisation_number="769600-1234",
    iban="SE45 5000 0000 0583 9825 7466",
    bic="ESSESESS",
)


def payment(payslip_id: str, name: str, amount: str, *, iban: str | None = None) -> pain001.SalaryPayment:
    return pain001.SalaryPayment(
        payslip_id=payslip_id,
        member_name=name,
        account=pain001.MemberAccount(clearing_number="8327-9", account_number="123 456 789-0", iban=iban),
        amount=Decimal(amount),
    )


NOVEMBER = pain001.PayrollRunPayments(
    run_id="RUN-2026-11",
    pay_date=date(2026, 11, 25),
    payments=(
        payment("PS-2026-0001", "Åsa Öberg", "10014.28", iban="SE3550000000054910000003"),
        payment("PS-2026-0002", "Bo Ek", "9595.76"),
        payment("PS-2026-0003", "Cecilia Lind", "6183.29", iban="SE3550000000054910000003"),
    ),
)
DECEMBER_EXTRA = pain001.PayrollRunPayments(
    run_id="RUN-2026-11B",
    pay_date=date(2026, 12, 1),
    payments=(payment("PS-2026-0004", "Dan Å", "0.01", iban="SE3550000000054910000003"),),
)


def render(
    runs: tuple[pain001.PayrollRunPayments, ...] = (NOVEMBER,),
    batch_booking: bool | None = None,
) -> bytes:
    return pain001.render(
        message_id="KOOP-20261124-1",
        created_at=CREATED_AT,
        debtor=DEBTOR,
        runs=runs,
        batch_booking=batch_booking,
    ).content


def texts(content: bytes, path: str) -> list[str]:
    return [str(element.text) for element in etree.fromstring(content).findall(path, NS)]


@pytest.mark.parametrize("batch_booking", [None, True, False])
def test_validates_against_the_iso_schema(reference_dir: Path, batch_booking: bool | None) -> None:
    schema = etree.XMLSchema(etree.parse(str(reference_dir / "pain001" / "pain.001.001.03.xsd")))
    # NOVEMBER mixes payees paid to an IBAN and to a clearing and account number.
    document = etree.fromstring(render((NOVEMBER, DECEMBER_EXTRA), batch_booking))

    schema.assertValid(document)


def test_counts_and_control_sums_match_the_payments() -> None:
    content = render((NOVEMBER, DECEMBER_EXTRA))

    assert texts(content, "p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs") == ["4"]
    assert texts(content, "p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum") == ["25793.34"]
    assert texts(content, "p:CstmrCdtTrfInitn/p:PmtInf/p:NbOfTxs") == ["3", "1"]
    assert texts(content, "p:CstmrCdtTrfInitn/p:PmtInf/p:CtrlSum") == ["25793.33", "0.01"]
    assert texts(content, ".//p:InstdAmt") == ["10014.28", "9595.76", "6183.29", "0.01"]
    assert {element.get("Ccy") for element in etree.fromstring(content).iterfind(".//p:InstdAmt", NS)} == {
        "SEK"
    }


def test_one_payment_information_per_run_with_salary_purpose_and_pay_date() -> None:
    content = render((NOVEMBER, DECEMBER_EXTRA))

    assert texts(content, ".//p:PmtInf/p:PmtInfId") == ["RUN-2026-11", "RUN-2026-11B"]
    assert texts(content, ".//p:PmtInf/p:PmtMtd") == ["TRF", "TRF"]
    assert texts(content, ".//p:PmtInf/p:PmtTpInf/p:CtgyPurp/p:Cd") == ["SALA", "SALA"]
    assert texts(content, ".//p:PmtInf/p:ReqdExctnDt") == ["2026-11-25", "2026-12-01"]
    assert texts(content, ".//p:PmtInf/p:DbtrAcct/p:Id/p:IBAN") == ["SE4550000000058398257466"] * 2
    assert texts(content, ".//p:PmtInf/p:DbtrAgt/p:FinInstnId/p:BIC") == ["ESSESESS"] * 2
    assert texts(content, ".//p:GrpHdr/p:InitgPty/p:Id/p:OrgId/p:Othr/p:Id") == ["7696001234"]
    assert texts(content, ".//p:GrpHdr/p:CreDtTm") == ["2026-11-24T14:05:00+01:00"]
    assert texts(content, ".//p:CdtTrfTxInf/p:PmtId/p:EndToEndId")[:2] == ["PS-2026-0001", "PS-2026-0002"]
    assert texts(content, ".//p:CdtTrfTxInf/p:Cdtr/p:Nm")[0] == "Åsa Öberg"
    assert texts(content, ".//p:RmtInf/p:Ustrd") == ["Lön 2026-11"] * 3 + ["Lön 2026-12"]
    assert texts(content, ".//p:PmtInf/p:BtchBookg") == []


def _transaction(content: bytes, end_to_end_id: str) -> etree._Element:
    [transaction] = [
        element
        for element in etree.fromstring(content).iterfind(".//p:CdtTrfTxInf", NS)
        if element.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == end_to_end_id
    ]
    return transaction


def _children(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def test_a_clearing_and_account_number_is_a_bban_with_the_clearing_number_in_the_creditor_agent() -> None:
    transaction = _transaction(render(), "PS-2026-0002")

    assert _children(transaction) == ["PmtId", "Amt", "CdtrAgt", "Cdtr", "CdtrAcct", "RmtInf"]
    assert transaction.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "832791234567890"
    assert transaction.findtext("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Cd", namespaces=NS) == "BBAN"
    assert transaction.find("p:CdtrAcct/p:Id/p:Othr/p:SchmeNm/p:Prtry", NS) is None
    member = transaction.find("p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId", NS)
    assert member is not None
    assert member.findtext("p:ClrSysId/p:Cd", namespaces=NS) == "SESBA"
    assert member.findtext("p:MmbId", namespaces=NS) == "8327"
    assert transaction.find("p:CdtrAgt/p:FinInstnId/p:BIC", NS) is None


def test_a_payee_with_an_iban_is_paid_to_the_iban_without_a_creditor_agent() -> None:
    transaction = _transaction(render(), "PS-2026-0001")

    assert _children(transaction) == ["PmtId", "Amt", "Cdtr", "CdtrAcct", "RmtInf"]
    assert transaction.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "SE3550000000054910000003"
    assert transaction.find("p:CdtrAcct/p:Id/p:Othr", NS) is None


def test_each_payee_is_identified_as_their_account_was_given() -> None:
    content = render((NOVEMBER, DECEMBER_EXTRA))

    assert texts(content, ".//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN") == ["SE3550000000054910000003"] * 3
    assert texts(content, ".//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:Othr/p:Id") == ["832791234567890"]
    assert texts(content, ".//p:CdtTrfTxInf/p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId") == ["8327"]


@pytest.mark.parametrize(
    ("clearing", "account", "bban", "member_id"),
    [
        ("6000", "123456789", "6000123456789", "6000"),
        ("5000", "1234560", "50001234560", "5000"),
        ("8327-9", "1234567890", "832791234567890", "8327"),
    ],
)
def test_the_bban_is_clearing_and_account_number_and_the_member_id_four_digits(
    clearing: str, account: str, bban: str, member_id: str
) -> None:
    written = pain001.creditor_account(
        pain001.MemberAccount(clearing_number=clearing, account_number=account)
    )

    assert written == pain001.CreditorAccount(bban=bban, member_id=member_id)


@pytest.mark.parametrize(
    "account",
    [
        pain001.MemberAccount(clearing_number="83A7", account_number="1234567890"),
        pain001.MemberAccount(clearing_number="832", account_number="1234567890"),
        pain001.MemberAccount(clearing_number=None, account_number=None),
        pain001.MemberAccount(clearing_number="8327", account_number="12345²"),  # a digit to str.isdigit
    ],
)
def test_an_account_that_is_not_digits_is_refused(account: pain001.MemberAccount) -> None:
    with pytest.raises(pain001.InvalidPaymentFile, match="clearing number and an account number"):
        pain001.creditor_account(account)


def test_same_inputs_give_the_same_bytes() -> None:
    first = pain001.render(
        message_id="KOOP-1",
        created_at=CREATED_AT,
        debtor=DEBTOR,
        runs=[NOVEMBER],
    )

    assert render() == render()
    assert first.filename == "pain001-KOOP-1.xml"
    assert first.media_type == "application/xml"
    assert first.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


@pytest.mark.parametrize(
    "runs",
    [
        pytest.param((), id="no run"),
        pytest.param(
            (pain001.PayrollRunPayments(run_id="R", pay_date=date(2026, 11, 25), payments=()),), id="empty"
        ),
        pytest.param(
            (
                pain001.PayrollRunPayments(
                    run_id="R", pay_date=date(2026, 11, 25), payments=(payment("P", "A", "0"),)
                ),
            ),
            id="zero amount",
        ),
        pytest.param(
            (
                pain001.PayrollRunPayments(
                    run_id="R", pay_date=date(2026, 11, 25), payments=(payment("P", "A", "-5.00"),)
                ),
            ),
            id="negative amount",
        ),
        pytest.param(
            (
                pain001.PayrollRunPayments(
                    run_id="R", pay_date=date(2026, 11, 25), payments=(payment("P", "A", "1.005"),)
                ),
            ),
            id="three decimals",
        ),
        pytest.param(
            (
                pain001.PayrollRunPayments(
                    run_id="R", pay_date=date(2026, 11, 25), payments=(payment("P" * 36, "A", "1.00"),)
                ),
            ),
            id="end-to-end id over 35 characters",
        ),
    ],
)
def test_refuses_a_file_the_bank_would_reject(runs: tuple[pain001.PayrollRunPayments, ...]) -> None:
    with pytest.raises(pain001.InvalidPaymentFile):
        render(runs)


def test_names_are_spelt_in_the_banks_latin_character_set_and_noted() -> None:
    run = pain001.PayrollRunPayments(
        run_id="RUN-2026-11",
        pay_date=date(2026, 11, 25),
        payments=(
            payment("PS-2026-0001", "Łukasz Dvořák 🎭", "100.00"),
            payment("PS-2026-0002", "Zoë O’Brien & Co", "100.00"),
            payment("PS-2026-0003", "Åsa Öberg", "100.00"),
            payment("PS-2026-0004", "Bo\x07Ek", "100.00"),
        ),
    )
    debtor = pain001.Debtor(
        name="Kultur_Kooperativet ek. för.", organisation_number="769600-1234", iban="SE45", bic="ESSESESS"
    )

    file = pain001.render(
        message_id="KOOP-1",
        created_at=CREATED_AT,
        debtor=debtor,
        runs=[run],
    )

    assert texts(file.content, ".//p:Cdtr/p:Nm") == [
        "Lukasz Dvorak ?",
        "Zoe O'Brien + Co",
        "Åsa Öberg",
        "Bo Ek",
    ]
    assert texts(file.content, ".//p:Dbtr/p:Nm") == ["Kultur-Kooperativet ek. för."]
    assert texts(file.content, ".//p:RmtInf/p:Ustrd") == ["Lön 2026-11"] * 4
    assert [note.split(" (")[0] for note in file.notes] == [
        "the cooperative's name: 'Kultur_Kooperativet ek. för.' was written as "
        "'Kultur-Kooperativet ek. för.'",
        "payee of payslip PS-2026-0001: 'Łukasz Dvořák 🎭' was written as 'Lukasz Dvorak ?'",
        "payee of payslip PS-2026-0002: 'Zoë O’Brien & Co' was written as \"Zoe O'Brien + Co\"",
        "payee of payslip PS-2026-0004: 'Bo\\x07Ek' was written as 'Bo Ek'",
    ]


def test_a_name_longer_than_the_banks_take_is_cut_to_70_characters_and_noted(reference_dir: Path) -> None:
    """The schema's Max140Text would take 140, but the banks' guides take 70; the register allows 100 + 100
    for a member and 200 for the cooperative. The name is spelt first, then cut, and noted once."""
    long_name = "Anna-" + "Maria" * 19 + " von Lindqvist" + "ström" * 17
    run = pain001.PayrollRunPayments(
        run_id="RUN-2026-11",
        pay_date=date(2026, 11, 25),
        payments=(payment("PS-2026-0001", long_name, "100.00"), payment("PS-2026-0002", "Bo Ek", "100.00")),
    )
    debtor = pain001.Debtor(
        name="Kooperativet " * 15, organisation_number="769600-1234", iban=DEBTOR.iban, bic="ESSESESS"
    )

    file = pain001.render(message_id="KOOP-1", created_at=CREATED_AT, debtor=debtor, runs=[run])

    schema = etree.XMLSchema(etree.parse(str(reference_dir / "pain001" / "pain.001.001.03.xsd")))
    assert schema.validate(etree.fromstring(file.content)), schema.error_log
    assert texts(file.content, ".//p:Cdtr/p:Nm") == [long_name[:70], "Bo Ek"]
    assert texts(file.content, ".//p:Dbtr/p:Nm") == texts(file.content, ".//p:InitgPty/p:Nm")
    assert texts(file.content, ".//p:Dbtr/p:Nm") == ["Kooperativet " * 5 + "Koope"]
    assert file.notes == (
        f"the cooperative's name: {debtor.name!r} was written as 'Kooperativet Kooperativet Kooperativet "
        "Kooperativet Kooperativet Koope' (the field takes at most 70 characters)",
        f"payee of payslip PS-2026-0001: {long_name!r} was written as {long_name[:70]!r} (the field takes at "
        "most 70 characters)",
    )


def test_a_name_both_spelt_and_cut_is_noted_once_with_both_reasons() -> None:
    name = "Łukasz " + "Dvořák" * 12
    run = pain001.PayrollRunPayments(
        run_id="RUN-2026-11", pay_date=date(2026, 11, 25), payments=(payment("PS-1", name, "100.00"),)
    )

    file = pain001.render(message_id="KOOP-1", created_at=CREATED_AT, debtor=DEBTOR, runs=[run])

    assert texts(file.content, ".//p:Cdtr/p:Nm") == [("Lukasz " + "Dvorak" * 12)[:70]]
    assert file.notes == (
        f"payee of payslip PS-1: {name!r} was written as {('Lukasz ' + 'Dvorak' * 12)[:70]!r} (the payment "
        "file's Latin character set has no spelling for some of its characters; the field takes at most 70 "
        "characters)",
    )
