from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import EmailStr, Field

from kooperativet.api.types import Money, MultilineText, Percent, PhoneNumber, ReadSchema, Schema, Text
from kooperativet.core.identifiers import mask_account, mask_iban, mask_personal_identity
from kooperativet.parties.models import ClientKind, Language, Member, TaxMode

#: The most extra tax a month a tax setting takes: above any monthly pay the cooperative pays, so a typing
#: mistake of a digit too many is refused rather than withheld from the next payslip.
EXTRA_MONTHLY_TAX_LIMIT = Decimal(100_000)

COUNTRY = Field(default="SE", pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2", examples=["SE"])


class CooperativeRead(ReadSchema):
    name: str
    organisation_number: str | None
    vat_number: str | None
    f_tax_approved: bool
    street: str | None
    postal_code: str | None
    city: str | None
    country: str
    bankgiro: str | None
    iban: str | None
    bic: str | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    vat_base_above_40_million: bool = Field(
        description="VAT reported on a base above 40 million kronor a year: the AGI is then due on the 26th "
        "and the tax paid by the 12th (skatteförfarandelagen 26 kap. 30 §, 62 kap. 3 §)"
    )
    version: int
    updated_at: datetime


class CooperativeUpdate(Schema):
    version: int = Field(ge=1)
    name: Text | None = Field(default=None, min_length=1, max_length=200)
    organisation_number: str | None = Field(default=None, examples=["556026-9986"])
    vat_number: str | None = Field(default=None, examples=["SE556026998601"])
    f_tax_approved: bool | None = None
    street: Text | None = Field(default=None, max_length=200)
    postal_code: Text | None = Field(default=None, max_length=20)
    city: Text | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    bankgiro: str | None = Field(default=None, examples=["5050-1055"])
    iban: str | None = Field(default=None, examples=["SE4550000000058398257466"])
    bic: str | None = Field(default=None, examples=["ESSESESS"])
    contact_name: Text | None = Field(default=None, max_length=200)
    contact_email: EmailStr | None = None
    contact_phone: Text | None = Field(
        default=None, max_length=40
    )  # checked by the AGI's own format (service.cooperative)
    vat_base_above_40_million: bool | None = None


class TaxSettingCreate(Schema):
    valid_from: date = Field(examples=["2026-01-01"])
    mode: TaxMode = TaxMode.flat
    percent: Decimal | None = Field(
        default=None,
        gt=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="flat mode only; 30 when left out",
        examples=["30"],
    )
    table_number: int | None = Field(default=None, ge=29, le=42, description="table mode only")
    table_column: int | None = Field(default=None, ge=1, le=6, description="table mode only")
    tax_information_missing: bool = Field(
        default=False, description="the member has not handed in tax information: table + 10 %"
    )
    extra_monthly_tax: Money = Field(
        default=Decimal(0),
        ge=0,
        le=EXTRA_MONTHLY_TAX_LIMIT,
        description="whole kronor withheld on top of the preliminary tax each calendar month, at the "
        "member's request (flat and table mode; Skatteverket, jämkning); 0 for none",
        examples=["1000"],
    )
    note: MultilineText | None = Field(default=None, max_length=500)


class TaxSettingRead(ReadSchema):
    id: int
    valid_from: date
    mode: TaxMode
    percent: Percent | None
    table_number: int | None
    table_column: int | None
    tax_information_missing: bool
    extra_monthly_tax: Money
    note: str | None


class MemberContact(Schema):
    street: Text | None = Field(default=None, max_length=200, examples=["Storgatan 1"])
    postal_code: Text | None = Field(default=None, max_length=20, examples=["111 22"])
    city: Text | None = Field(default=None, max_length=100, examples=["Stockholm"])
    country: str = COUNTRY
    email: EmailStr | None = Field(default=None, examples=["anna@example.se"])
    phone: PhoneNumber | None = Field(default=None, examples=["+46 70 123 45 67"])


_IBAN = (
    "a Swedish IBAN (SE…) the salary is paid to, instead of a clearing and account number; when both are "
    "given, the salary goes to the IBAN"
)


class MemberAbroad(Schema):
    """For a member resident abroad (SINK, A-SINK): what the AGI's individual return carries (FK081, FK252,
    FK076; docs/exports.md). The TIN and the country that issued it go together."""

    citizenship: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", examples=["FR"])
    tax_identification_number: Text | None = Field(
        default=None,
        max_length=50,
        description="TIN given by the country of residence",
        examples=["0009999999999"],
    )
    tax_identification_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", examples=["FR"])


class MemberCreate(MemberContact, MemberAbroad):
    first_name: Text = Field(min_length=1, max_length=100, examples=["Anna"])
    last_name: Text = Field(min_length=1, max_length=100, examples=["Andersson"])
    personal_identity_number: str = Field(
        description="personnummer or samordningsnummer with century", examples=["19900514-1230"]
    )
    bank_clearing_number: str | None = Field(default=None, examples=["6000"])
    bank_account_number: str | None = Field(default=None, examples=["123456789"])
    bank_iban: str | None = Field(default=None, description=_IBAN, examples=["SE35 5000 0000 0549 1000 0003"])
    joined_on: date = Field(examples=["2026-01-01"])
    left_on: date | None = None
    language: Language = Language.sv
    user_id: int | None = Field(default=None, description="the login linked to this member")
    tax: TaxSettingCreate | None = Field(
        default=None, description="the first tax setting; flat 30 % from the joining date when left out"
    )


class MemberUpdate(Schema):
    """Any field left out is unchanged. A member changing their own record may send contact fields only."""

    version: int = Field(ge=1)
    first_name: Text | None = Field(default=None, min_length=1, max_length=100)
    last_name: Text | None = Field(default=None, min_length=1, max_length=100)
    personal_identity_number: str | None = None
    street: Text | None = Field(default=None, max_length=200)
    postal_code: Text | None = Field(default=None, max_length=20)
    city: Text | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    email: EmailStr | None = None
    phone: PhoneNumber | None = None
    bank_clearing_number: str | None = None
    bank_account_number: str | None = None
    bank_iban: str | None = Field(default=None, description=_IBAN)
    joined_on: date | None = None
    left_on: date | None = None
    language: Language | None = None
    user_id: int | None = None
    citizenship: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    tax_identification_number: Text | None = Field(default=None, max_length=50)
    tax_identification_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")


class BankAccountConfirmation(Schema):
    """What the confirmer reviewed: the member's ``version`` as she read it, with the waiting change."""

    version: int = Field(
        ge=1,
        description="the member's version you read with the change waiting; if the record changed since, "
        "the confirmation is refused with 409 version_conflict: read it again and review what waits now",
    )


class MemberRead(ReadSchema):
    id: int
    user_id: int | None
    first_name: str
    last_name: str
    # Empty once the member was purged after the retention period (docs/personal-data.md).
    personal_identity_number: str | None
    is_coordination_number: bool
    birth_date: date | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str
    email: str | None
    phone: str | None
    citizenship: str | None
    tax_identification_number: str | None
    tax_identification_country: str | None
    bank_clearing_number: str | None = Field(description="the confirmed account salary is paid to")
    bank_account_number: str | None
    bank_account_removal_pending: bool = Field(
        description="the removal of the account waits for a second person's confirmation (pending_* empty)"
    )
    pending_clearing_number: str | None = Field(
        description="a changed account waiting for a second person's confirmation"
    )
    pending_account_number: str | None
    bank_iban: str | None = Field(description="the confirmed IBAN salary is paid to, if the member gave one")
    pending_iban: str | None
    bank_account_changed_at: datetime | None
    joined_on: date
    left_on: date | None
    language: Language
    pseudonymised_at: datetime | None
    purged_at: datetime | None = Field(
        description="when what was kept of a removed member for the retention period was erased"
    )
    tax_settings: list[TaxSettingRead]
    version: int
    created_at: datetime
    updated_at: datetime

    def masked(self) -> MemberRead:
        """The record as the auditor reads it: personnummer, tax identification number, account numbers and
        IBANs masked as in the member list, the rest as the office sees it (docs/separation-of-duties.md)."""

        def account(value: str | None) -> str | None:
            return mask_account(value) if value else value

        def iban(value: str | None) -> str | None:
            return mask_iban(value) if value else value

        return self.model_copy(
            update={
                "personal_identity_number": (
                    mask_personal_identity(self.personal_identity_number)
                    if self.personal_identity_number
                    else None
                ),
                "tax_identification_number": account(self.tax_identification_number),
                "bank_account_number": account(self.bank_account_number),
                "pending_account_number": account(self.pending_account_number),
                "bank_iban": iban(self.bank_iban),
                "pending_iban": iban(self.pending_iban),
            }
        )


class MemberListItem(ReadSchema):
    """A member in a list: personnummer and bank account masked."""

    id: int
    user_id: int | None
    first_name: str
    last_name: str
    personal_identity_number_masked: str = Field(examples=["19900514-****"])
    bank_account_masked: str | None = Field(
        description="the account number masked, or the IBAN masked when the member gave only an IBAN",
        examples=["****6789"],
    )
    email: str | None
    joined_on: date
    left_on: date | None
    version: int

    @classmethod
    def from_model(cls, member: Member) -> MemberListItem:
        return cls(
            id=member.id,
            user_id=member.user_id,
            first_name=member.first_name,
            last_name=member.last_name,
            personal_identity_number_masked=mask_personal_identity(member.personal_identity_number),
            bank_account_masked=_masked_account(member),
            email=member.email,
            joined_on=member.joined_on,
            left_on=member.left_on,
            version=member.version,
        )


def _masked_account(member: Member) -> str | None:
    """``****6789``, or ``SE35****0003`` for a member who gave only an IBAN."""
    if member.bank_account_number:
        return mask_account(member.bank_account_number)
    return mask_iban(member.bank_iban) if member.bank_iban else None


class ClientFields(Schema):
    name: Text = Field(min_length=1, max_length=200, examples=["Malmö stad, Kulturförvaltningen"])
    kind: ClientKind = ClientKind.organisation
    organisation_number: str | None = Field(
        default=None, description="Swedish organisation number", examples=["212000-1124"]
    )
    personal_identity_number: str | None = Field(
        default=None, description="a private person's personnummer (kind=person)"
    )
    vat_number: str | None = Field(default=None, examples=["SE212000112401"])
    country: str = COUNTRY
    street: Text | None = Field(default=None, max_length=200)
    postal_code: Text | None = Field(default=None, max_length=20)
    city: Text | None = Field(default=None, max_length=100)
    email: EmailStr | None = Field(
        default=None, description="where invoices, credit notes and reminders are e-mailed"
    )
    peppol_scheme: str | None = Field(default=None, pattern=r"^\d{4}$", examples=["0007"])
    peppol_id: Text | None = Field(default=None, max_length=100, examples=["2120001124"])
    default_buyer_reference: Text | None = Field(default=None, max_length=100, examples=["KF-4711"])
    language: Language = Language.sv
    payment_terms_days: int = Field(default=30, ge=0, le=120)
    public_sector: bool = False
    invoice_xml_by_email: bool = Field(
        default=False, description="attach the Peppol UBL to the e-mailed invoice as well"
    )
    reminder_fee_agreed: bool = Field(
        default=False,
        description="a reminder fee was agreed when the debt arose (lag (1981:739) 2 §)",
    )


class ClientCreate(ClientFields):
    pass


class ClientUpdate(Schema):
    version: int = Field(ge=1)
    name: Text | None = Field(default=None, min_length=1, max_length=200)
    kind: ClientKind | None = None
    organisation_number: str | None = None
    personal_identity_number: str | None = None
    vat_number: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    street: Text | None = Field(default=None, max_length=200)
    postal_code: Text | None = Field(default=None, max_length=20)
    city: Text | None = Field(default=None, max_length=100)
    email: EmailStr | None = None
    peppol_scheme: str | None = Field(default=None, pattern=r"^\d{4}$")
    peppol_id: Text | None = Field(default=None, max_length=100)
    default_buyer_reference: Text | None = Field(default=None, max_length=100)
    language: Language | None = None
    payment_terms_days: int | None = Field(default=None, ge=0, le=120)
    public_sector: bool | None = None
    invoice_xml_by_email: bool | None = None
    reminder_fee_agreed: bool | None = None


class ClientRead(ReadSchema):
    id: int
    name: str
    kind: ClientKind
    organisation_number: str | None
    vat_number: str | None
    country: str
    street: str | None
    postal_code: str | None
    city: str | None
    email: str | None
    peppol_scheme: str | None
    peppol_id: str | None
    default_buyer_reference: str | None
    language: Language
    payment_terms_days: int
    public_sector: bool
    invoice_xml_by_email: bool
    reminder_fee_agreed: bool
    version: int
    created_at: datetime
    updated_at: datetime
