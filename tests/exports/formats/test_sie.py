"""The SIE 4I writer makes balanced, codepage 437 files; the reader reads every published sample."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kooperativet.core.money import InvalidAmount
from kooperativet.exports.formats import sie, sie_read

# file → (#PROGRAM name, vouchers, #TRANS rows, #KONTO); every file is #SIETYP 4, all vouchers balance.
REFERENCE_FILES = {
    "BL0001_typ4I.SI": ("BL Administration", 1, 10, 0),
    "FAKT_VismaFakturering.SI": ("Visma Fakturering", 1, 3, 3),
    "LON_Lonekorning_KontekLon.SI": ("Kontek Lön", 1, 25, 0),
    "Lon_VismaLon100.si": ("Visma Lön 100", 1, 8, 8),
    "Sie4_SoftOne_Demoforetaget.se": ("SoftOne Business Redovisning", 70, 260, 291),
    "transaktioner_ovnbolag.se": ("Avendo", 163, 671, 567),
}


def read_reference(reference_dir: Path, name: str) -> sie_read.SieDocument:
    return sie_read.read((reference_dir / "sie" / name).read_bytes())


def fields(document: sie_read.SieDocument, label: str) -> tuple[sie_read.Field, ...]:
    record = document.first(label)
    assert record is not None, label
    return record.fields


def payroll_voucher(*, tax: str = "4291.00") -> sie.Voucher:
    rows = [
        ("7210", "12772.57"),
        ("7285", "1532.71"),
        ("7510", "4494.72"),
        ("2710", f"-{tax}"),
        ("2731", "-4494.72"),
        ("1930", "-10014.28"),
    ]
    return sie.Voucher(
        series="L",
        number="1",
        date=date(2026, 11, 25),
        text="Lön 2026-11",
        transactions=tuple(sie.Transaction(account=a, amount=Decimal(amount)) for a, amount in rows),
    )


def render(vouchers: list[sie.Voucher], names: dict[str, str] | None = None) -> bytes:
    return sie.render(
        program_name="kooperativet",
        program_version="0.1.0",
        generated_on=date(2026, 11, 26),
        company_name="Interim Kultur ek. för.",
        organisation_number="7696001234",
        account_names=names
        if names is not None
        else {"1930": "Företagskonto", "7210": "Löner till tjänstemän"},
        vouchers=vouchers,
    ).content


def test_the_expectations_cover_every_reference_file(reference_dir: Path) -> None:
    files = {path.name for path in (reference_dir / "sie").iterdir() if path.suffix.lower() in (".si", ".se")}
    assert files == set(REFERENCE_FILES)


def test_reads_every_reference_file_and_every_voucher_balances(sie_reference_file: Path) -> None:
    program, vouchers, rows, accounts = REFERENCE_FILES[sie_reference_file.name]

    document = sie_read.read(sie_reference_file.read_bytes())

    assert fields(document, "#PROGRAM")[0] == program
    assert fields(document, "#SIETYP") == ("4",)
    assert len(document.vouchers) == vouchers
    assert sum(len(voucher.transactions) for voucher in document.vouchers) == rows
    assert len(document.accounts) == accounts
    assert [voucher for voucher in document.vouchers if voucher.balance != 0] == []


def test_reads_objects_quantities_and_a_5_field_ver_from_kontek(reference_dir: Path) -> None:
    (voucher,) = read_reference(reference_dir, "LON_Lonekorning_KontekLon.SI").vouchers

    assert (voucher.series, voucher.number, voucher.date) == ("", "", date(2011, 2, 25))
    assert voucher.text == "Utbetalning löner"
    assert voucher.registration_date == date(2011, 3, 1)
    assert voucher.transactions[0] == sie.Transaction(account="1940", amount=Decimal("-115486.00"))
    assert voucher.transactions[10] == sie.Transaction(
        account="7210",
        objects=(("1", "100"), ("6", "Obj300"), ("20", "1234567890")),
        amount=Decimal("3750.00"),
    )
    assert voucher.transactions[9] == sie.Transaction(
        account="7210", objects=(("1", "100"),), amount=Decimal("49695.00"), quantity=Decimal("1.75")
    )


def test_reads_unquoted_names_and_row_texts_after_an_empty_date_from_visma(reference_dir: Path) -> None:
    document = read_reference(reference_dir, "FAKT_VismaFakturering.SI")

    assert document.accounts["1510"] == "Kundfordringar"
    assert document.accounts["2611"] == "Utg moms försäljning/uttag 25%"
    assert str(fields(document, "#FNR")[0]).startswith("C:\\Documents and Settings")
    row = document.vouchers[0].transactions[0]
    assert (row.date, row.text) == (None, "Faktnr: 891, Namn: Karl Svensson")


def test_softone_sample_has_truncated_texts_an_error_account_and_balances_that_do_not_reconcile(
    reference_dir: Path,
) -> None:
    """SoftOne's sample is an extract: its texts are cut without a closing quote, it books 37 rows on a
    pseudo-account ``FEL`` (no #KONTO), and one 60 000 kr supplier invoice is in #UB/#RES but not among its
    vouchers — every voucher still balances."""
    document = read_reference(reference_dir, "Sie4_SoftOne_Demoforetaget.se")

    truncated = [
        row for voucher in document.vouchers for row in voucher.transactions if row.account == "3015"
    ]
    assert truncated[0].text == "260    aaaaaaaaaaaaaaaa"
    assert truncated[0].objects == (("1", "654321"), ("6", "665829"))
    error_rows = [
        row for voucher in document.vouchers for row in voucher.transactions if row.account == "FEL"
    ]
    assert len(error_rows) == 37
    assert "FEL" not in document.accounts
    assert movements_against_balances(document) == {
        "2440": Decimal("-60000.00"),
        "2640": Decimal("12000.00"),
        "4010": Decimal("48000.00"),
        "FEL": Decimal("-33125.72"),
    }


def test_ovningsbolaget_balances_reconcile_with_its_vouchers(reference_dir: Path) -> None:
    """IB + the year's rows = UB for every balance account, and the rows = RES for every result account."""
    document = read_reference(reference_dir, "transaktioner_ovnbolag.se")

    assert movements_against_balances(document) == {}
    assert len([record for record in document.records if record.label == "#PSALDO"]) == 705


def movements_against_balances(document: sie_read.SieDocument) -> dict[str, Decimal]:
    """Per account, what #UB − #IB (or #RES) says minus what the vouchers moved, where they differ."""
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for record in document.records:
        if record.label in ("#IB", "#UB", "#RES") and record.fields[0] == "0":
            sign = -1 if record.label == "#IB" else 1
            expected[str(record.fields[1])] += sign * Decimal(str(record.fields[2]))
    moved: dict[str, Decimal] = defaultdict(Decimal)
    for voucher in document.vouchers:
        for row in voucher.transactions:
            moved[row.account] += row.amount
    return {
        account: expected[account] - moved[account]
        for account in sorted(set(expected) | set(moved))
        if expected[account] != moved[account]
    }


def test_writes_the_mandatory_labels_in_codepage_437_with_lf_line_ends() -> None:
    content = render([payroll_voucher()])

    assert content.decode("cp437") == (
        "#FLAGGA 0\n"
        '#PROGRAM "kooperativet" "0.1.0"\n'
        "#FORMAT PC8\n"
        "#GEN 20261126\n"
        "#SIETYP 4\n"
        '#FNAMN "Interim Kultur ek. för."\n'
        "#ORGNR 769600-1234\n"
        '#KONTO 1930 "Företagskonto"\n'
        '#KONTO 7210 "Löner till tjänstemän"\n'
        '#VER L 1 20261125 "Lön 2026-11"\n'
        "{\n"
        "   #TRANS 7210 {} 12772.57\n"
        "   #TRANS 7285 {} 1532.71\n"
        "   #TRANS 7510 {} 4494.72\n"
        "   #TRANS 2710 {} -4291.00\n"
        "   #TRANS 2731 {} -4494.72\n"
        "   #TRANS 1930 {} -10014.28\n"
        "}\n"
    )
    assert "Lön".encode("cp437") == b"L\x94n"
    assert b'"L\x94n 2026-11"' in content
    assert b"\r" not in content


def test_render_names_the_file_and_media_type() -> None:
    export = sie.render(
        program_name="kooperativet",
        program_version="0.1.0",
        generated_on=date(2026, 11, 26),
        company_name="Interim Kultur",
        organisation_number="769600-1234",
        account_names={},
        vouchers=[],
    )

    assert export.filename == "sie4i-7696001234-20261126.si"
    assert export.media_type == "text/plain; charset=IBM437"


def test_round_trip_gives_back_the_vouchers_and_account_names() -> None:
    vouchers = [
        payroll_voucher(),
        sie.Voucher(
            series="F",
            number="",
            date=date(2026, 11, 3),
            text='Faktura 2026-0042 "Teatern" / Malmö',
            registration_date=date(2026, 11, 4),
            transactions=(
                sie.Transaction(account="1510", amount=Decimal("12500"), text="Kund: Teatern AB"),
                sie.Transaction(
                    account="3041",
                    amount=Decimal("-10000"),
                    objects=(("6", "P 7"),),
                    date=date(2026, 11, 3),
                ),
                sie.Transaction(account="2611", amount=Decimal("-2500"), quantity=Decimal("1.5")),
            ),
        ),
    ]

    document = sie_read.read(render(vouchers, {"1510": "Kundfordringar", "9999": "unused"}))

    assert document.vouchers == tuple(vouchers)
    assert document.accounts == {"1510": "Kundfordringar"}
    assert document.first("#ORGNR") == sie_read.Record(label="#ORGNR", fields=("769600-1234",), line_number=7)


_CP437_TEXT = st.text(
    alphabet=st.characters(codec="cp437", exclude_categories={"Cc"}, exclude_characters="\\"), max_size=30
)


@given(
    text=_CP437_TEXT,
    series=st.sampled_from(["A", "L", "", "Lön serie"]),
    amounts=st.lists(st.decimals(min_value=-(10**9), max_value=10**9, places=2), min_size=1, max_size=6),
)
def test_round_trip_property(text: str, series: str, amounts: list[Decimal]) -> None:
    rows = [
        sie.Transaction(account=str(3000 + i), amount=amount, text=text) for i, amount in enumerate(amounts)
    ]
    rows.append(sie.Transaction(account="1930", amount=-sum(amounts, Decimal("0"))))
    voucher = sie.Voucher(
        series=series, number="17", date=date(2026, 1, 31), text=text, transactions=tuple(rows)
    )

    assert sie_read.read(render([voucher])).vouchers == (voucher,)


def test_refuses_an_unbalanced_voucher_and_names_it() -> None:
    with pytest.raises(sie.UnbalancedVoucher, match=r"'L' '1' of 2026-11-25 \('Lön 2026-11'\).*-0\.01"):
        render([payroll_voucher(tax="4291.01")])


def test_refuses_an_amount_with_more_than_two_decimals() -> None:
    voucher = sie.Voucher(
        series="A",
        number="1",
        date=date(2026, 1, 1),
        transactions=(
            sie.Transaction(account="1930", amount=Decimal("0.005")),
            sie.Transaction(account="3740", amount=Decimal("-0.005")),
        ),
    )
    with pytest.raises(InvalidAmount):
        render([voucher])


@pytest.mark.parametrize(
    ("text", "written"),
    [
        pytest.param("Lön Åsa Öberg é", "Lön Åsa Öberg é", id="Swedish letters are in cp437"),
        pytest.param("Dvořák", "Dvorák", id="a diacritic outside cp437 is dropped"),
        pytest.param("Łukasz Żółć", "Lukasz Zólc", id="a letter without decomposition has its look-alike"),
        pytest.param("“Citat” – slut…", '"Citat" - slut...', id="typographic quotes and dashes are ASCII"),
        pytest.param("ﬁka œuvre", "fika oeuvre", id="ligatures are spelt out"),
        pytest.param("Teater 🎭👍🏽 100 €", "Teater ?? 100 EUR", id="an emoji is a question mark"),
        pytest.param("rad\nbrytning\x07", "rad brytning ", id="a control character is a space"),
        pytest.param("slutar med \\", "slutar med /", id="a backslash would escape the quote"),
    ],
)
def test_a_text_outside_codepage_437_is_spelt_in_it_and_noted(text: str, written: str) -> None:
    voucher = sie.Voucher(series="A", number="1", date=date(2026, 1, 1), text=text)

    export = sie.render(
        program_name="kooperativet",
        program_version="0.1.0",
        generated_on=date(2026, 11, 26),
        company_name="Interim Kultur ek. för.",
        organisation_number="7696001234",
        account_names={},
        vouchers=[voucher],
    )

    assert sie_read.read(export.content).vouchers[0].text == written
    changed = [f"voucher of 2026-01-01: {text!r} was written as {written!r}"] if text != written else []
    assert [note.split(" (codepage")[0] for note in export.notes] == changed


def test_company_and_account_names_are_spelt_in_codepage_437_and_noted() -> None:
    export = sie.render(
        program_name="kooperativet",
        program_version="0.1.0",
        generated_on=date(2026, 11, 26),
        company_name="Łódź Kultur 🎭",
        organisation_number="7696001234",
        account_names={"1930": "Bank – SEB"},
        vouchers=[payroll_voucher()],
    )

    document = sie_read.read(export.content)
    assert fields(document, "#FNAMN") == ("Lódz Kultur ?",)
    assert document.accounts == {"1930": "Bank - SEB"}
    assert [note.split(":")[0] for note in export.notes] == [
        "company name (#FNAMN)",
        "name of account 1930 (#KONTO)",
    ]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"#TRANS 1930 {} 1.00\n", id="row outside a voucher"),
        pytest.param(b'#VER A 1 20260101 ""\n#TRANS 1930 {} 1.00\n', id="voucher without its brace"),
        pytest.param(b'#VER A 1 20260101 ""\n{\n#TRANS 1930 {} 0.00\n', id="voucher never closed"),
        pytest.param(b'#VER A 1 20260101 ""\n{\n#TRANS 1930 {1 "2" 0.00\n}\n', id="open object list"),
        pytest.param(b'#VER A 1 2026-01-01 ""\n{\n}\n', id="date not YYYYMMDD"),
        pytest.param(b"KONTO 1930 Bank\n", id="record without #"),
    ],
)
def test_reader_refuses_a_broken_structure(content: bytes) -> None:
    with pytest.raises(sie_read.SieSyntaxError):
        sie_read.read(content)


def test_reader_keeps_unknown_and_removed_row_labels_as_records() -> None:
    content = (
        b'#FLAGGA 0\r\n#NYETIKETT "x y" {1 "2"}\r\n#VER A 1 20260101 "t"\r\n{\r\n'
        b"#BTRANS 1930 {} 5.00\r\n#RTRANS 1930 {} 1.00\r\n"
        b"#TRANS 1930 {} 1.00\r\n#TRANS 3000 {} -1.00\r\n}\r\n"
    )

    document = sie_read.read(content)

    assert [(record.label, record.fields) for record in document.records] == [
        ("#FLAGGA", ("0",)),
        ("#NYETIKETT", ("x y", ("1", "2"))),
        ("#BTRANS", ("1930", (), "5.00")),
        ("#RTRANS", ("1930", (), "1.00")),
    ]
    assert [row.amount for row in document.vouchers[0].transactions] == [Decimal("1.00"), Decimal("-1.00")]
