"""The formats Skatteverket's AGI schema gives the typed fields (``core.agi_formats``), at their boundaries,
and ``field_problems``, which finds every field of a declaration outside its format before it is written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kooperativet.core import agi_formats
from kooperativet.exports.formats import agi
from kooperativet.exports.service.sources import PROGRAM_NAME


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("08-123 456 00", True),
        ("+46 8 123 456 00", True),
        ("1" * 20, True),
        ("1" * 21, False),
        ("", False),
        ("   ", False),
        ("\t\n", False),
        ("08<123", False),
        ("08>123", False),
        ("0", True),
    ],
)
def test_a_phone_has_1_to_20_characters_no_angle_brackets_and_not_only_spaces(
    text: str, accepted: bool
) -> None:
    assert agi_formats.CONTACT_PHONE.accepts(text) is accepted


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("kassor@example.se", True),
        ("karin.kassor@interim-kultur.example.se", True),
        ("o'neil+agi@ex_ample.co.uk", True),
        ("a@b.c", True),  # 5 characters: the shortest
        ("a@bc", False),  # no dot after the @
        ("åsa@exempel.se", False),  # EmailStr takes it; Skatteverket's pattern is ASCII
        ("asa@exempel.sé", False),
        ("kassor&co@example.se", False),
        ("kassor@@example.se", False),
        ("kassor.@example.se", False),
        ("kassor@example..se", False),
        ("kassor @example.se", False),
        ("kassor@example.se ", False),
        ("", False),
    ],
)
def test_an_e_mail_address_matches_skatteverkets_ascii_pattern(text: str, accepted: bool) -> None:
    assert agi_formats.CONTACT_EMAIL.accepts(text) is accepted


def test_an_e_mail_address_has_at_most_254_characters() -> None:
    domain = "@example.se"
    assert agi_formats.CONTACT_EMAIL.accepts("a" * (254 - len(domain)) + domain)
    assert not agi_formats.CONTACT_EMAIL.accepts("a" * (255 - len(domain)) + domain)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("75001", True),
        ("SW1A 1AA", True),
        ("D02-X285", True),
        ("123456789", True),  # 9 characters: the most
        ("1234567890", False),  # 10
        ("", False),
        ("75001/2", False),
        ("ÅÄÖ 12", False),
        ("75001.", False),
    ],
)
def test_a_postal_code_has_1_to_9_letters_a_to_z_digits_spaces_and_hyphens(text: str, accepted: bool) -> None:
    assert agi_formats.POSTAL_CODE.accepts(text) is accepted


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("1234567890123", True),
        ("FR 12&34", True),  # & is text; the writer escapes it
        ("T" * 20, True),
        ("T" * 21, False),
        ("12<34", False),
        ("   ", False),
        ("", False),
    ],
)
def test_a_tin_has_1_to_20_characters_no_angle_brackets_and_not_only_spaces(
    text: str, accepted: bool
) -> None:
    assert agi_formats.TIN.accepts(text) is accepted


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("Karin Kassör", True),
        ("Zoë Łukasz 🎻", True),
        ("<Karin>", False),
        ("Karin > Bo", False),
        (" ", False),
    ],
)
def test_a_name_takes_no_angle_brackets_and_is_not_only_spaces(text: str, accepted: bool) -> None:
    assert agi_formats.CONTACT_NAME.accepts(text) is accepted


def test_the_programs_own_name_fits() -> None:
    assert agi_formats.PROGRAM_NAME.accepts(PROGRAM_NAME)


# --- field_problems: a whole declaration

GOOD_CONTACT = agi.Contact(name="Karin Kassör", phone="08-123 456 00", email="kassor@example.se")


def problems(
    contact: agi.Contact, *payees: agi.ForeignPayee, removed: bool = False
) -> list[tuple[str, int | None]]:
    """The problems ``field_problems`` finds in a declaration with ``contact`` and one SINK IU per payee, as
    (format, index of the IU)."""
    returns = [
        agi.IndividualReturn(
            personal_identity_number=f"19790280238{index}",
            specification_number=2,
            cash_pay=Decimal("1000"),
            tax_mode="sink",
            payee=payee,
            removed=removed,
        )
        for index, payee in enumerate(payees)
    ]
    found = agi.field_problems(
        sender=agi.Sender(
            program_name=PROGRAM_NAME, organisation_number="769600-1234", technical_contact=contact
        ),
        employer=agi.Employer(organisation_number="769600-1234", contact=contact),
        returns=returns,
    )
    return [(problem.format.key, problem.return_index) for problem in found]


def payee(**fields: str) -> agi.ForeignPayee:
    return agi.ForeignPayee(first_name="Pierre", last_name="Dupont", country="FR", **fields)


def test_a_declaration_within_every_format_has_no_problem() -> None:
    assert problems(GOOD_CONTACT, payee(postal_code="75001", tin="FR1", tin_country="FR")) == []


def test_every_problem_is_found_at_once_and_a_contact_used_twice_is_named_once() -> None:
    contact = agi.Contact(name="<Karin>", phone="+46 (0)8 123 456 00 00", email="åsa@exempel.se")
    assert problems(
        contact,
        payee(postal_code="1234567890"),
        payee(postal_code="75001", tin="T" * 21, tin_country="FR"),
        payee(postal_code="75001<", tin="12<34", tin_country="FR"),
    ) == [
        ("contact_name", None),
        ("contact_phone", None),
        ("contact_email", None),
        ("postal_code", 0),
        ("tin", 1),
        ("postal_code", 2),
        ("tin", 2),
    ]


def test_a_name_is_checked_as_written_cut_to_50_and_a_control_character_as_the_space_it_becomes() -> None:
    """A long name is cut with a note, not refused; a TIN from before the input rule with a control
    character is written with a space in its place, which Skatteverket takes."""
    long_name = agi.Contact(name="K" * 60, phone="08-123 456 00", email="kassor@example.se")
    assert problems(long_name, payee(tin="12\x0734", tin_country="FR")) == []


def test_a_payees_name_and_address_abroad_take_no_angle_brackets_and_are_listed_in_the_files_order() -> None:
    """FK216–218 and FK220 are the schema's text type: a < or > (or only spaces) makes Skatteverket refuse
    the file. Each is named for its IU, in the order the IU writes them: names, street, postal code, town,
    TIN."""
    odd = agi.ForeignPayee(
        first_name="<Pierre>",
        last_name="Dupont>",
        street="Rue <12>",
        postal_code="75001<",
        city="Paris >",
        country="FR",
        tin="12<34",
        tin_country="FR",
    )
    assert problems(GOOD_CONTACT, odd) == [
        ("first_name", 0),
        ("last_name", 0),
        ("street", 0),
        ("postal_code", 0),
        ("city", 0),
        ("tin", 0),
    ]


def test_a_payees_long_name_or_address_is_cut_to_50_not_refused() -> None:
    """The writer cuts a payee's name and address to 50 characters with a note (``PAYEE_TEXT_MAX``); the
    check reads them as cut, so a long one is no problem and a < past the cut is not written at all."""
    long = agi.ForeignPayee(
        first_name="P" * 60, last_name="D" * 50 + "<", street="S" * 80, city="C" * 51, country="FR"
    )
    assert problems(GOOD_CONTACT, long) == []


@pytest.mark.parametrize(
    "fmt",
    [
        agi_formats.PAYEE_FIRST_NAME,
        agi_formats.PAYEE_LAST_NAME,
        agi_formats.PAYEE_STREET,
        agi_formats.PAYEE_CITY,
    ],
)
@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("Åsa-Lena", True),
        ("Rue de l'Église 12", True),
        ("x" * 50, True),
        ("x" * 51, False),
        ("  ", False),
        ("a<b", False),
        ("a>b", False),
    ],
)
def test_a_payees_name_and_address_have_1_to_50_characters_with_no_angle_brackets(
    fmt: agi_formats.AgiFormat, text: str, accepted: bool
) -> None:
    assert fmt.accepts(text) is accepted


def test_a_removed_return_carries_no_payee_fields_and_is_not_checked() -> None:
    assert problems(GOOD_CONTACT, payee(postal_code="1234567890"), removed=True) == []
