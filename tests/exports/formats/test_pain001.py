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
        payment("PS-2026-0002", "Bo Ek", "9595.76", iban="SE4550000000058398257466"),
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
    identification: pain001.AccountIdentification = pain001.AccountIdentification.BBAN,
    batch_booking: bool | None = None,
) -> bytes:
    return pain001.render(
        message_id="KOOP-20261124-1",
        created_at=CREATED_AT,
        debtor=DEBTOR,
        runs=runs,
        account_identification=identification,
        batch_booking=batch_booking,
    ).content


def texts(content: bytes, path: str) -> list[str]:
    return [str(element.text) for element in etree.fromstring(content).findall(path, NS)]


@pytest.mark.parametrize("identification", list(pain001.AccountIdentification))
@pytest.mark.parametrize("batch_booking", [None, True, False])
def test_validates_against_the_iso_schema(
    reference_dir: Path,
    identification: pain001.AccountIdentification,
    batch_booking: bool | None,
) -> None:
    schema = etree.XMLSchema(etree.parse(str(reference_dir / "pain001" / "pain.001.001.03.xsd")))
    document = etree.fromstring(render((NOVEMBER, DECEMBER_EXTRA), identification, batch_booking))

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


@pytest.mark.parametrize(
    ("identification", "path", "expected"),
    [
        (pain001.AccountIdentification.BBAN, "p:Othr/p:Id", "832791234567890"),
        (pain001.AccountIdentification.BBAN, "p:Othr/p:SchmeNm/p:Prtry", "BBAN"),
        (pain001.AccountIdentification.IBAN, "p:IBAN", "SE3550000000054910000003"),
    ],
)
def test_member_account_is_identified_as_the_bank_asks(
    identification: pain001.AccountIdentification, path: str, expected: str
) -> None:
    element = pain001.creditor_account_id(account=NOVEMBER.payments[0].account, identification=identification)

    assert element.findtext(path, namespaces=NS) == expected


def test_iban_identification_needs_the_members_iban() -> None:
    account = pain001.MemberAccount(clearing_number="8327-9", account_number="1234567890")

    with pytest.raises(pain001.InvalidPaymentFile, match="IBAN"):
        pain001.creditor_account_id(account=account, identification=pain001.AccountIdentification.IBAN)


def test_same_inputs_give_the_same_bytes() -> None:
    first = pain001.render(
        message_id="KOOP-1",
        created_at=CREATED_AT,
        debtor=DEBTOR,
        runs=[NOVEMBER],
        account_identification=pain001.AccountIdentification.BBAN,
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
        account_identification=pain001.AccountIdentification.BBAN,
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
