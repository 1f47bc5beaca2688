"""The AGI file has the shape of Skatteverket's example files and sums FK487 and FK497 as exports.md says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from kooperativet.exports.formats import agi

KOMPONENT = f"{{{agi.KOMPONENT_NS}}}"
EXAMPLES_114 = "agi/skatteverket_exempelfiler_v1.1.4"

#: Optional elements of the examples that the product does not send (addresses of the technical contact, the
#: contact's subject area; the IU's ``Postnummer``/``Postort`` carry a ``faltkod`` and stay) and IU fields it
#: does not model: benefits and allowances (013 bilförmån, 018/098 drivmedel, 050 bilersättning, 051
#: traktamente), codes for other pay (004/005), posting abroad (276, 091, 305, 090) and seafarers (026, 027,
#: 028, 223).
UNMODELLED_ELEMENTS = {"Utdelningsadress1", "Utdelningsadress2", "Postnummer", "Postort", "Sakomrade"}
UNMODELLED_FIELDS = {
    "013", "018", "098", "050", "051", "004", "005", "276", "091", "305", "090", "026", "027", "028", "223",
}  # fmt: skip

#: The SINK and A-SINK payees of Exempelfil_02, _03 and _07, as the examples write them.
SINK_PAYEE = agi.ForeignPayee(
    first_name="Per",
    last_name="Persson",
    street="S.t Paris",
    postal_code="12345",
    city="Paris",
    country="FR",
    citizenship="FR",
    tin="0009999999999",
    tin_country="FR",
)
ASINK_PAYEE = agi.ForeignPayee(
    first_name="Jon",
    last_name="Jonsen",
    street="S.t Paris",
    postal_code="12345",
    city="Paris",
    country="FR",
    citizenship="FR",
    tin="0009999999999",
    tin_country="FR",
)

#: AGI's ``Skapad`` is Swedish local time without a zone, as in Skatteverket's examples.
LOCAL_TIME = datetime.fromisoformat("2026-12-01T09:30:00")

Node = tuple[int, str, str | None, str]


def flatten(root: etree._Element) -> list[Node]:
    """Every element as (depth, qualified name, faltkod, text), in document order; comments left out."""
    nodes: list[Node] = []

    def walk(element: etree._Element, depth: int) -> None:
        nodes.append((depth, str(element.tag), element.get("faltkod"), (element.text or "").strip()))
        for child in element:
            if isinstance(child.tag, str):
                walk(child, depth + 1)

    walk(root, 0)
    return nodes


def parse_reference(path: Path, *, drop_fields: set[str] = UNMODELLED_FIELDS) -> etree._Element:
    """Skatteverket's example with what we do not model taken out (and only its first contact person)."""
    root = etree.parse(str(path)).getroot()
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        unmodelled = local in UNMODELLED_ELEMENTS and element.get("faltkod") is None
        if unmodelled or element.get("faltkod") in drop_fields:
            parent = element.getparent()
            assert parent is not None
            parent.remove(element)
    for extra in root.findall(f".//{KOMPONENT}Kontaktperson")[1:]:
        parent = extra.getparent()
        assert parent is not None
        parent.remove(extra)
    return root


def parse_output(content: bytes, *, without_hu: bool = False) -> etree._Element:
    root = etree.fromstring(content)
    if without_hu:  # examples 02, 03 and 10 are IU-only files; ours always carries the HU
        for blankett in root.findall(f"{KOMPONENT}Blankett"):
            if blankett.find(f"{KOMPONENT}Blankettinnehall/{KOMPONENT}HU") is not None:
                root.remove(blankett)
    return root


def text(root: etree._Element, path: str) -> str:
    element = root.find(path)
    assert element is not None, path
    return element.text or ""


def sender_of(root: etree._Element) -> agi.Sender:
    contact = f"{KOMPONENT}Avsandare/{KOMPONENT}TekniskKontaktperson/{KOMPONENT}"
    return agi.Sender(
        program_name=text(root, f"{KOMPONENT}Avsandare/{KOMPONENT}Programnamn"),
        organisation_number=text(root, f"{KOMPONENT}Avsandare/{KOMPONENT}Organisationsnummer"),
        technical_contact=agi.Contact(
            name=text(root, contact + "Namn"),
            phone=text(root, contact + "Telefon"),
            email=text(root, contact + "Epostadress"),
        ),
    )


def employer_of(root: etree._Element) -> agi.Employer:
    employer = f"{KOMPONENT}Blankettgemensamt/{KOMPONENT}Arbetsgivare/{KOMPONENT}"
    return agi.Employer(
        organisation_number=text(root, employer + "AgRegistreradId"),
        contact=agi.Contact(
            name=text(root, employer + "Kontaktperson/" + KOMPONENT + "Namn"),
            phone=text(root, employer + "Kontaktperson/" + KOMPONENT + "Telefon"),
            email=text(root, employer + "Kontaktperson/" + KOMPONENT + "Epostadress"),
        ),
    )


def created_at_of(root: etree._Element) -> datetime:
    return datetime.fromisoformat(text(root, f"{KOMPONENT}Avsandare/{KOMPONENT}Skapad"))


def render_like(
    reference: etree._Element,
    *,
    period: str,
    returns: list[agi.IndividualReturn],
    bases: tuple[agi.ContributionBase, ...] = (),
) -> bytes:
    return agi.render(
        sender=sender_of(reference),
        employer=employer_of(reference),
        period=period,
        contribution_bases=bases,
        returns=returns,
        created_at=created_at_of(reference),
    ).content


def full(base: str) -> agi.ContributionBase:
    return agi.ContributionBase(category="full", rate=Decimal("0.3142"), base=Decimal(base))


def employee(pnr: str, spec: int, pay: str, tax: str) -> agi.IndividualReturn:
    return agi.IndividualReturn(
        personal_identity_number=pnr, specification_number=spec, cash_pay=Decimal(pay), tax=Decimal(tax)
    )


@pytest.mark.parametrize(
    ("path", "period"),
    [
        ("agi/Exempelfil_01_Vanliga_lontagare_v1.1.9.xml", "202101"),
        (f"{EXAMPLES_114}/Exempelfil_01_Vanliga_lontagare_v1.1.4.xml", "201901"),
    ],
)
def test_reproduces_exempelfil_01_element_for_element(reference_dir: Path, path: str, period: str) -> None:
    reference = parse_reference(reference_dir / path)
    returns = [
        employee("198202252386", 1, "28500", "9300"),
        employee("198301302397", 2, "25350", "7590"),
        employee("198409102392", 3, "26700", "8250"),
    ]
    # 28 500 + 25 350 + 26 700 cash and 2 500 car benefit: 83 050 at the full rate gives FK487 = 26094.
    content = render_like(reference, period=period, returns=returns, bases=(full("83050"),))

    assert flatten(etree.fromstring(content)) == flatten(reference)


def test_root_has_the_examples_namespaces_and_attributes(reference_dir: Path) -> None:
    reference = etree.parse(str(reference_dir / "agi/Exempelfil_01_Vanliga_lontagare_v1.1.9.xml")).getroot()
    ours = etree.fromstring(render_like(reference, period="202101", returns=[]))

    assert ours.tag == reference.tag == f"{{{agi.INSTANS_NS}}}Skatteverket"
    assert ours.nsmap == reference.nsmap
    assert sorted(ours.attrib.items()) == sorted(reference.attrib.items())


def test_sink_return_matches_exempelfil_02(reference_dir: Path) -> None:
    reference = parse_reference(reference_dir / EXAMPLES_114 / "Exempelfil_02_SINK_v1.1.4.xml")
    sink = agi.IndividualReturn(
        personal_identity_number="197902802383",
        specification_number=1,
        cash_pay=Decimal("48100.00"),
        tax=Decimal("9620.00"),
        tax_mode="sink",
        payee=SINK_PAYEE,
    )

    content = render_like(reference, period="201901", returns=[sink], bases=(full("48100"),))

    # Every element of the example, the payee's name, address abroad, citizenship and TIN included.
    assert flatten(parse_output(content, without_hu=True)) == flatten(reference)
    assert [(code, value) for _, _, code, value in flatten(etree.fromstring(content)) if code in {
        "216", "217", "218", "219", "220", "221", "081", "252", "076"
    }] == [
        ("216", "Per"), ("217", "Persson"), ("218", "S.t Paris"), ("219", "12345"), ("220", "Paris"),
        ("221", "FR"), ("081", "FR"), ("252", "0009999999999"), ("076", "FR"),
    ]  # fmt: skip


def test_asink_return_matches_exempelfil_03(reference_dir: Path) -> None:
    """Exempelfil_03's artist is insured abroad: the pay is not a base for contributions (FK131, after the
    tax field), and the IU carries the payee's name, address, citizenship and TIN."""
    reference = parse_reference(reference_dir / EXAMPLES_114 / "Exempelfil_03_A-SINK_v1.1.4.xml")
    asink = agi.IndividualReturn(
        personal_identity_number="197700602381",
        specification_number=1,
        pay_not_contribution_base=Decimal("113040"),
        tax=Decimal("16956"),
        tax_mode="asink",
        activity="Konsert",
        payee=ASINK_PAYEE,
    )

    content = render_like(reference, period="201901", returns=[asink])

    assert flatten(parse_output(content, without_hu=True)) == flatten(reference)
    hu = f".//{KOMPONENT}HU/{KOMPONENT}"
    assert text(etree.fromstring(content), hu + "SummaArbAvgSlf") == "0"
    assert text(etree.fromstring(content), hu + "SummaSkatteavdr") == "16956"


def test_sink_asink_and_pay_that_is_no_contribution_base_match_exempelfil_07(reference_dir: Path) -> None:
    """Exempelfil_07's IUs 2 (SINK), 3 (A-SINK, FK131) and 6 (FK001 then FK131, citizenship only), element for
    element; the IUs with fields the product does not model (benefits, codes, posting abroad, seafarers)
    are left out of the comparison, and so is the HU, whose FK487 includes them."""
    reference = parse_reference(reference_dir / EXAMPLES_114 / "Exempelfil_07_Flera_olika_v1.1.4.xml")
    kept = {"197902802383", "197700602381", "198005092385"}
    for blankett in reference.findall(f"{KOMPONENT}Blankett"):
        numbers = {element.text for element in blankett.iter(f"{KOMPONENT}BetalningsmottagarId")}
        if not numbers & kept:
            reference.remove(blankett)
    returns = [
        agi.IndividualReturn(
            personal_identity_number="197902802383",
            specification_number=1,
            cash_pay=Decimal("48100"),
            tax=Decimal("9620"),
            tax_mode="sink",
            payee=SINK_PAYEE,
        ),
        agi.IndividualReturn(
            personal_identity_number="197700602381",
            specification_number=1,
            pay_not_contribution_base=Decimal("113040"),
            tax=Decimal("16956"),
            tax_mode="asink",
            activity="Konsert",
            payee=ASINK_PAYEE,
        ),
        agi.IndividualReturn(
            personal_identity_number="198005092385",
            specification_number=2,
            pay_not_contribution_base=Decimal("49830"),
            tax=Decimal("21540"),
            payee=agi.ForeignPayee(citizenship="FR"),
        ),
    ]

    content = render_like(reference, period="201901", returns=returns)

    assert flatten(parse_output(content, without_hu=True)) == flatten(reference)


def test_pay_that_is_no_contribution_base_goes_in_fk131_and_both_fields_may_be_written() -> None:
    """FK011 holds pay that is a contribution base, FK131 pay that is not (born 1937 or earlier, or the
    year's pay below 1 000 kr); a person can have both in one month, each with its öre dropped."""
    both = agi.IndividualReturn(
        personal_identity_number="199005141234",
        specification_number=1,
        cash_pay=Decimal("1200.75"),
        pay_not_contribution_base=Decimal("640.99"),
        tax=Decimal("552.00"),
    )
    born_1937 = agi.IndividualReturn(
        personal_identity_number="193712011234",
        specification_number=1,
        pay_not_contribution_base=Decimal("9400.00"),
        tax=Decimal("2820.00"),
    )
    root = etree.fromstring(
        agi.render(
            sender=agi.Sender(
                program_name="kooperativet",
                organisation_number="556026-9986",
                technical_contact=agi.Contact(name="K", phone="1", email="k@example.se"),
            ),
            employer=agi.Employer(
                organisation_number="5560269986",
                contact=agi.Contact(name="K", phone="1", email="k@example.se"),
            ),
            period="202611",
            contribution_bases=(full("1200.75"),),
            returns=[both, born_1937],
            created_at=LOCAL_TIME,
        ).content
    )

    ius = [
        [(element.get("faltkod"), element.text) for element in iu.iter() if element.get("faltkod")]
        for iu in root.iter(f"{KOMPONENT}IU")
    ]
    assert [fields[4:] for fields in ius] == [
        [("011", "1200"), ("001", "552"), ("131", "640")],
        [("001", "2820"), ("131", "9400")],
    ]
    assert text(root, f".//{KOMPONENT}SummaArbAvgSlf") == "377"  # 1 200 × 31.42 % = 377.04


def test_removal_matches_exempelfil_10(reference_dir: Path) -> None:
    reference = parse_reference(reference_dir / EXAMPLES_114 / "Exempelfil_10_Borttag_v1.1.4.xml")
    removals = [
        agi.IndividualReturn(personal_identity_number=pnr, specification_number=spec, removed=True)
        for pnr, spec in (("198202252386", 1), ("198301302397", 2), ("198409102392", 3))
    ]

    content = render_like(reference, period="201901", returns=removals)

    assert flatten(parse_output(content, without_hu=True)) == flatten(reference)


@pytest.mark.parametrize(
    ("bases", "expected"),
    [
        pytest.param([full("83050")], 26094, id="Exempelfil_01: 26 094.31"),
        pytest.param([full("85550")], 26879, id="Exempelfil_08 201901: 26 879.81"),
        pytest.param(
            [
                agi.ContributionBase(category="youth", rate=Decimal("0.2081"), base=Decimal("15000.00")),
                full("14821.56"),
            ],
            7777,
            id="payroll case D: 15 000 × 20.81 % = 3 121.50 → 3 121, 14 821 × 31.42 % = 4 656.76 → 4 656",
        ),
        pytest.param(
            [full("1000.99"), full("1000.99"), full("1000.99"), full("1000.99")],
            1256,
            id="öre dropped per person: 4 000 × 31.42 % = 1 256.80 (not 4 003.96 → 1 258)",
        ),
        pytest.param(
            [agi.ContributionBase(category="pension_only", rate=Decimal("0.1021"), base=Decimal("12793.76"))],
            1306,
            id="pension only",
        ),
        pytest.param(
            [
                agi.ContributionBase(category="full", rate=Decimal("0.3142"), base=Decimal("3.00")),
                agi.ContributionBase(category="pension_only", rate=Decimal("0.1021"), base=Decimal("5.00")),
                agi.ContributionBase(category="none", rate=Decimal("0"), base=Decimal("9400.00")),
            ],
            0,
            id="öre dropped per rate, then added: 0.94 → 0 and 0.51 → 0 (one floor of the sum gives 1)",
        ),
        pytest.param(
            [
                agi.ContributionBase(category="youth", rate=Decimal("0.2081"), base=Decimal("25000.00")),
                full("4000.50"),
                full("30000.50"),
            ],
            15884,
            id="youth above the cap and full share one rate: 5 202.50 → 5 202; 34 000 × 31.42 % = 10 682.80",
        ),
        pytest.param([], 0, id="no pay"),
    ],
)
def test_fk487_is_computed_per_rate_on_whole_krona_bases_per_person(
    bases: list[agi.ContributionBase], expected: int
) -> None:
    assert agi.sum_employer_contributions(bases=bases) == expected


def test_fk497_is_the_sum_of_the_tax_fields_as_in_exempelfil_07(reference_dir: Path) -> None:
    """Exempelfil_07 mixes FK001, FK274 and FK275 and reports their sum, 74 780, in FK497."""
    reference = etree.parse(
        str(reference_dir / EXAMPLES_114 / "Exempelfil_07_Flera_olika_v1.1.4.xml")
    ).getroot()
    modes: dict[str, agi.TaxMode] = {"001": "flat", "274": "sink", "275": "asink"}
    returns = []
    for number, iu in enumerate(reference.iter(f"{KOMPONENT}IU"), start=1):
        # IU 5 (posted abroad, FK276) has no tax field: the product writes FK001 = 0 for it.
        fields = [(element.get("faltkod"), element.text) for element in iu if element.get("faltkod") in modes]
        code, amount = fields[0] if fields else ("001", "0")
        mode = modes[str(code)]
        returns.append(
            agi.IndividualReturn(
                personal_identity_number=f"1980010100{number:02d}",
                specification_number=1,
                tax=Decimal(amount or ""),
                tax_mode=mode,
                activity="Konsert" if mode == "asink" else None,
            )
        )

    ours = etree.fromstring(render_like(reference, period="201901", returns=returns))

    fk497 = f".//{KOMPONENT}HU/{KOMPONENT}SummaSkatteavdr"
    assert text(ours, fk497) == text(reference, fk497) == "74780"


def test_amounts_are_whole_kronor_with_the_ore_dropped_and_removed_returns_carry_no_tax() -> None:
    returns = [
        employee("199005141234", 1, "14305.99", "4291.00"),
        employee("198501312345", 1, "8832.29", "0.00"),
        agi.IndividualReturn(personal_identity_number="195603021234", specification_number=7, removed=True),
    ]
    content = agi.render(
        sender=agi.Sender(
            program_name="kooperativet",
            organisation_number="556026-9986",
            technical_contact=agi.Contact(name="Kassör", phone="08-123 45 67", email="kassor@example.se"),
        ),
        employer=agi.Employer(
            organisation_number="5560269986",
            contact=agi.Contact(name="Kassör", phone="08-123 45 67", email="kassor@example.se"),
        ),
        period="202611",
        contribution_bases=(full("23137.57"),),
        returns=returns,
        created_at=LOCAL_TIME,
    ).content
    root = etree.fromstring(content)

    values = [(element.get("faltkod"), element.text) for element in root.iter() if element.get("faltkod")]
    assert ("011", "14305") in values
    assert ("001", "0") in values
    assert ("205", "1") in values
    assert text(root, f".//{KOMPONENT}SummaSkatteavdr") == "4291"
    assert text(root, f".//{KOMPONENT}SummaArbAvgSlf") == "7269"  # 23 137.57 × 31.42 % = 7 269.82
    assert text(root, f".//{KOMPONENT}AgRegistreradId") == "165560269986"
    assert content.startswith(b"<?xml version='1.0' encoding='UTF-8' standalone='no'?>")


def test_a_control_character_in_a_contact_or_activity_is_replaced_and_noted() -> None:
    contact = agi.Contact(name="Karin\x0bKassör 🎭", phone="08-123\x00", email="kassor@example.se")
    asink = agi.IndividualReturn(
        personal_identity_number="195603021234",
        specification_number=3,
        cash_pay=Decimal("1000"),
        tax=Decimal("150"),
        tax_mode="asink",
        activity="Konsert\x1b",
    )

    file = agi.render(
        sender=agi.Sender(
            program_name="kooperativet", organisation_number="556026-9986", technical_contact=contact
        ),
        employer=agi.Employer(organisation_number="5560269986", contact=contact),
        period="202611",
        contribution_bases=(full("1000"),),
        returns=[asink],
        created_at=LOCAL_TIME,
    )

    root = etree.fromstring(file.content)
    assert text(root, f".//{KOMPONENT}Namn") == "Karin Kassör 🎭"
    assert text(root, f".//{KOMPONENT}VerksamhetensArt") == "Konsert "
    assert [note.split(":")[0] for note in file.notes] == [
        "technical contact's name",
        "technical contact's phone",
        "employer's contact's name",
        "employer's contact's phone",
        "activity (FK112)",
    ]


def test_a_control_character_in_a_payees_name_or_address_is_replaced_and_noted() -> None:
    sink = agi.IndividualReturn(
        personal_identity_number="195603021234",
        specification_number=2,
        cash_pay=Decimal("1000"),
        tax=Decimal("225"),
        tax_mode="sink",
        payee=agi.ForeignPayee(
            first_name="Jos\x07é", last_name="García", street="Calle\x00Mayor 5", country="ES"
        ),
    )
    contact = agi.Contact(name="K", phone="1", email="k@example.se")

    file = agi.render(
        sender=agi.Sender(
            program_name="kooperativet", organisation_number="556026-9986", technical_contact=contact
        ),
        employer=agi.Employer(organisation_number="5560269986", contact=contact),
        period="202611",
        contribution_bases=(full("1000"),),
        returns=[sink],
        created_at=LOCAL_TIME,
    )

    values = [(element.get("faltkod"), element.text) for element in etree.fromstring(file.content).iter()]
    assert [value for value in values if value[0] in {"216", "217", "218", "221"}] == [
        ("216", "Jos é"),
        ("217", "García"),
        ("218", "Calle Mayor 5"),
        ("221", "ES"),
    ]
    assert [note.split(":")[0] for note in file.notes] == [
        "payee's first name (FK216)",
        "payee's street (FK218)",
    ]


def test_a_payees_name_and_address_and_a_contacts_name_longer_than_skatteverket_takes_are_cut_and_noted() -> (
    None
):
    """Names and addresses may be 100 and 200 characters in the member register; a contact's name is cut to
    the schema's 50, FK216–218 and 220 to the KU field list's 50 (exports.md). The postal code and the TIN
    are identifiers and never cut."""
    first, last = "Anna-" + "Maria" * 19, "von " + "Lindqvist" * 10 + "ström"
    sink = agi.IndividualReturn(
        personal_identity_number="195603021234",
        specification_number=2,
        cash_pay=Decimal("1000"),
        tax=Decimal("225"),
        tax_mode="sink",
        payee=agi.ForeignPayee(
            first_name=first,
            last_name=last,
            street="Calle " + "Mayor " * 20,
            postal_code="28013",
            city="Madrid",
            country="ES",
            tin="X" * 30,
            tin_country="ES",
        ),
    )
    contact = agi.Contact(name="Karin " + "Kassör" * 10, phone="1", email="k@example.se")

    file = agi.render(
        sender=agi.Sender(
            program_name="kooperativet", organisation_number="556026-9986", technical_contact=contact
        ),
        employer=agi.Employer(organisation_number="5560269986", contact=contact),
        period="202611",
        contribution_bases=(full("1000"),),
        returns=[sink],
        created_at=LOCAL_TIME,
    )

    root = etree.fromstring(file.content)
    values = {element.get("faltkod"): element.text for element in root.iter() if element.get("faltkod")}
    assert values["216"] == first[:50]
    assert values["217"] == last[:50]
    assert values["218"] == ("Calle " + "Mayor " * 20)[:50].rstrip()  # no space left at the end
    assert (values["219"], values["220"], values["252"]) == ("28013", "Madrid", "X" * 30)
    assert text(root, f".//{KOMPONENT}Namn") == contact.name[:50]
    assert [note.split(":")[0] for note in file.notes] == [
        "technical contact's name",
        "employer's contact's name",
        "payee's first name (FK216)",
        "payee's last name (FK217)",
        "payee's street (FK218)",
    ]
    assert all(note.endswith("(the field takes at most 50 characters)") for note in file.notes)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: employee("9005141234", 1, "1", "0"), id="personnummer without century"),
        pytest.param(
            lambda: agi.IndividualReturn(
                personal_identity_number="199005141234", specification_number=1, tax_mode="asink"
            ),
            id="A-SINK without FK112",
        ),
        pytest.param(
            lambda: agi.IndividualReturn(
                personal_identity_number="199005141234", specification_number=1, activity="Konsert"
            ),
            id="FK112 without A-SINK",
        ),
        pytest.param(lambda: employee("199005141234", 0, "1", "0"), id="specification number 0"),
        pytest.param(lambda: employee("199005141234", 1, "-1", "0"), id="negative pay"),
        pytest.param(
            lambda: agi.ContributionBase(category="full", rate=Decimal("31.42"), base=Decimal("1")),
            id="rate as a percent",
        ),
        pytest.param(lambda: agi.agi_party_id("55602-9986"), id="organisation number"),
        pytest.param(lambda: agi.ForeignPayee(country="Frankrike"), id="country not ISO 3166 alpha-2"),
        pytest.param(lambda: agi.ForeignPayee(citizenship="fr"), id="citizenship in lower case"),
        pytest.param(lambda: agi.ForeignPayee(tin="0009999999999"), id="TIN without its country"),
        pytest.param(lambda: agi.ForeignPayee(tin_country="FR"), id="TIN country without a TIN"),
        pytest.param(
            lambda: agi.IndividualReturn(
                personal_identity_number="199005141234",
                specification_number=1,
                pay_not_contribution_base=Decimal("-1"),
            ),
            id="negative FK131",
        ),
    ],
)
def test_refuses_data_that_cannot_make_a_valid_return(make: Callable[[], object]) -> None:
    with pytest.raises(agi.InvalidDeclaration):
        make()


@pytest.mark.parametrize(
    ("period", "created_at", "returns"),
    [
        pytest.param("2026-11", LOCAL_TIME, [], id="period not YYYYMM"),
        pytest.param("202613", LOCAL_TIME, [], id="month 13"),
        pytest.param(
            "202611",
            datetime.fromisoformat("2026-12-01T09:00:00+01:00"),
            [],
            id="created_at with a zone",
        ),
        pytest.param(
            "202611",
            LOCAL_TIME,
            [employee("199005141234", 1, "1", "0"), employee("199005141234", 1, "2", "0")],
            id="same personnummer and specification number twice",
        ),
    ],
)
def test_render_refuses_an_invalid_file(
    period: str, created_at: datetime, returns: list[agi.IndividualReturn]
) -> None:
    contact = agi.Contact(name="A", phone="1", email="a@example.se")
    with pytest.raises(agi.InvalidDeclaration):
        agi.render(
            sender=agi.Sender(program_name="k", organisation_number="556026-9986", technical_contact=contact),
            employer=agi.Employer(organisation_number="556026-9986", contact=contact),
            period=period,
            contribution_bases=(),
            returns=returns,
            created_at=created_at,
        )


@pytest.mark.parametrize(
    ("period", "due"),
    [
        ("202601", date(2026, 2, 12)),
        ("202602", date(2026, 3, 12)),
        ("202603", date(2026, 4, 13)),  # the 12th is a Sunday
        ("202611", date(2026, 12, 14)),  # the 12th is a Saturday
        ("202412", date(2025, 1, 17)),  # December's return is due the 17th of January
        ("202512", date(2026, 1, 19)),  # … and the 17th is a Saturday
        ("202607", date(2026, 8, 17)),  # July's return is due the 17th of August
        ("202507", date(2025, 8, 18)),  # … and the 17th is a Sunday
        ("202612", date(2027, 1, 18)),
    ],
)
def test_due_date_is_the_12th_or_the_17th_moved_past_the_weekend(period: str, due: date) -> None:
    assert agi.agi_due_date(period=period) == due


def test_due_date_moves_past_a_holiday_when_told_the_bank_days() -> None:
    easter_monday_2004 = date(2004, 4, 12)

    def is_bank_day(day: date) -> bool:
        return day.weekday() < 5 and day != easter_monday_2004

    assert agi.agi_due_date(period="200403") == easter_monday_2004
    assert agi.agi_due_date(period="200403", is_bank_day=is_bank_day) == date(2004, 4, 13)
