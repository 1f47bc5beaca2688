"""The writers' streaming parts: XML text escaped as lxml escapes it, the whole-text checks of the character
sets agreeing with the per-character ones, and files that come in chunks of a bounded number of payees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from kooperativet.core.text import is_xml_char
from kooperativet.exports.formats import agi, charset, pain001, sie
from kooperativet.exports.formats.xml_text import XmlText, escape

#: Every code point of the Basic Multilingual Plane and of plane 1 (emoji), and the last ones.
CODE_POINTS = [*range(0x20000), *range(0x10FF00, 0x110000)]


def _lxml_text(text: str) -> str:
    element = etree.Element("x")
    element.text = text
    written = etree.tostring(element, encoding="UTF-8").decode("utf-8")
    return written[written.index("<x>") + 3 : -len("</x>")]


def test_element_text_is_escaped_as_lxml_escapes_it() -> None:
    characters = [chr(code) for code in CODE_POINTS if is_xml_char(chr(code))]
    for start in range(0, len(characters), 4096):
        text = "".join(characters[start : start + 4096])

        assert escape(text) == _lxml_text(text)


def test_an_element_is_laid_out_as_lxml_pretty_prints_it() -> None:
    root = etree.Element("a")
    etree.SubElement(root, "b").text = "1 < 2 & 'tre'\r\n"
    etree.SubElement(etree.SubElement(root, "c"), "d", faltkod="1").text = ""
    xml = XmlText()
    with xml.element("a"):
        xml.leaf("b", "1 < 2 & 'tre'\r\n")
        with xml.element("c"):
            xml.leaf("d", "", ' faltkod="1"')

    assert xml.take() == etree.tostring(root, encoding="UTF-8", pretty_print=True)
    assert xml.take() == b""


@pytest.mark.parametrize(
    ("fitter", "fits"),
    [
        (charset.xml_fitter(), is_xml_char),
        (charset.payment_fitter(), charset.fits_payment_latin),
        (sie.sie_fitter(), lambda char: char != "\\" and charset.fits_codepage_437(char)),
    ],
    ids=["xml", "payment", "sie"],
)
def test_the_whole_text_check_accepts_exactly_the_characters_that_fit(fitter, fits) -> None:
    assert fitter.fitting is not None
    wrong = [
        f"U+{code:04X}"
        for code in CODE_POINTS
        if bool(fitter.fitting.fullmatch(chr(code))) != fits(chr(code))
    ]

    assert wrong == []


def test_a_decomposed_letter_is_composed_though_each_of_its_characters_fits() -> None:
    fit = charset.xml_fitter()

    assert fit("Zoe\u0308", where="name") == "Zo\u00eb"
    assert fit.notes == ()  # the same text, composed: nothing to tell the treasurer


def _iu(index: int) -> agi.IndividualReturn:
    return agi.IndividualReturn(
        personal_identity_number=f"1980010100{index % 100:02d}",
        specification_number=1 + index // 100,
        cash_pay=Decimal("1000.00"),
        tax=Decimal("300.00"),
    )


def test_the_agi_comes_in_chunks_of_a_bounded_number_of_returns() -> None:
    contact = agi.Contact(name="K", phone="1", email="k@example.se")
    arguments = {
        "sender": agi.Sender(
            program_name="kooperativet", organisation_number="556026-9986", technical_contact=contact
        ),
        "employer": agi.Employer(organisation_number="556026-9986", contact=contact),
        "period": "202611",
        "contribution_bases": (),
        "returns": [_iu(index) for index in range(2 * agi.RETURNS_PER_CHUNK + 1)],
        "created_at": dt.datetime.fromisoformat("2026-12-01T09:30:00"),
    }

    chunks = list(agi.chunks(**arguments, fit=charset.xml_fitter()))

    assert len(chunks) == 3
    assert [chunk.count(b"<agd:IU>") for chunk in chunks] == [agi.RETURNS_PER_CHUNK, agi.RETURNS_PER_CHUNK, 1]
    assert b"".join(chunks) == agi.render(**arguments).content


def test_the_payment_file_comes_in_chunks_of_a_bounded_number_of_transactions() -> None:
    run = pain001.PayrollRunPayments(
        run_id="RUN-1",
        pay_date=dt.date(2026, 11, 25),
        payments=tuple(
            pain001.SalaryPayment(
                payslip_id=f"2026-{index:04d}",
                member_name="Bo Ek",
                account=pain001.MemberAccount(iban="SE3550000000054910000003"),
                amount=Decimal("100.00"),
            )
            for index in range(pain001.PAYMENTS_PER_CHUNK + 1)
        ),
    )
    debtor = pain001.Debtor(
        name="K", organisation_number="769600-1234", iban="SE4550000000058398257466", bic="ESSESESS"
    )
    created_at = dt.datetime(2026, 11, 24, 14, 5, tzinfo=dt.UTC)

    chunks = list(
        pain001.chunks(
            message_id="M-1",
            created_at=created_at,
            debtor=debtor,
            runs=[run],
            batch_booking=None,
            fit=charset.payment_fitter(),
        )
    )

    assert [chunk.count(b"<CdtTrfTxInf>") for chunk in chunks] == [pain001.PAYMENTS_PER_CHUNK, 1]
    assert (
        b"".join(chunks)
        == pain001.render(message_id="M-1", created_at=created_at, debtor=debtor, runs=[run]).content
    )


def test_the_sie_file_comes_in_chunks_of_a_bounded_number_of_vouchers() -> None:
    voucher = sie.Voucher(
        series="A",
        number="",
        date=dt.date(2026, 11, 25),
        transactions=(
            sie.Transaction(account="1930", amount=Decimal("1.00")),
            sie.Transaction(account="1510", amount=Decimal("-1.00")),
        ),
    )
    arguments = {
        "program_name": "kooperativet",
        "program_version": "1",
        "generated_on": dt.date(2026, 12, 1),
        "company_name": "K",
        "organisation_number": "769600-1234",
        "account_names": {},
        "vouchers": [voucher] * (sie.VOUCHERS_PER_CHUNK + 1),
    }

    chunks = list(sie.chunks(**arguments, fit=sie.sie_fitter()))

    assert [chunk.count(b"#VER") for chunk in chunks] == [sie.VOUCHERS_PER_CHUNK, 1]
    assert b"".join(chunks) == sie.render(**arguments).content
