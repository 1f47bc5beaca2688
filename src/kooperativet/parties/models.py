from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from sqlalchemy import ColumnElement, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from kooperativet.db import Base, TimestampedMixin, VersionedMixin
from kooperativet.encryption import EncryptedString, blind_index

#: The blind index's context: the same personnummer gives the same index wherever it is looked up.
PERSONAL_IDENTITY_INDEX = "personal_identity_number"


class SalaryAccount(NamedTuple):
    """One account salary is paid to: a Swedish IBAN, or a clearing and account number (the other form
    ``None``)."""

    clearing_number: str | None = None
    account_number: str | None = None
    iban: str | None = None


def salary_account_of(
    *, iban: str | None, clearing_number: str | None, account_number: str | None
) -> SalaryAccount | None:
    """The account salary goes to of a member's confirmed bank details (``Member.salary_account``)."""
    if iban is not None:
        return SalaryAccount(iban=iban)
    if clearing_number is not None and account_number is not None:
        return SalaryAccount(clearing_number=clearing_number, account_number=account_number)
    return None


class Language(StrEnum):
    sv = "sv"
    en = "en"


class TaxMode(StrEnum):
    flat = "flat"
    table = "table"
    sink = "sink"
    asink = "asink"


class ClientKind(StrEnum):
    organisation = "organisation"
    person = "person"


class Cooperative(TimestampedMixin, VersionedMixin, Base):
    """The employer and seller: one row, seeded from settings, edited by an admin."""

    __tablename__ = "cooperative"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation_number: Mapped[str | None] = mapped_column(String(11))
    vat_number: Mapped[str | None] = mapped_column(String(20))
    f_tax_approved: Mapped[bool] = mapped_column(default=True)
    street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="SE")
    bankgiro: Mapped[str | None] = mapped_column(String(10))
    iban: Mapped[str | None] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    #: Whether the cooperative reports VAT on a base above 40 million kronor a year: then its AGI is due on
    #: the 26th and its tax is paid earlier, by the 12th (26 kap. 30 §, 62 kap. 3 § SFL; docs/exports.md).
    vat_base_above_40_million: Mapped[bool] = mapped_column(default=False)


class Member(TimestampedMixin, VersionedMixin, Base):
    """A member's personal record; the member is the cooperative's employee for each assignment.

    Personnummer and bank accounts are encrypted at rest; ``personal_identity_number_index`` is their keyed
    hash, kept unique. ``bank_*`` is the confirmed account salary is paid to — a clearing and account number,
    a Swedish IBAN instead, or both (then the IBAN is paid to: ``salary_account``). A change waits until a
    second person or the member confirms it: ``pending_*`` hold the account it changes to, or
    ``bank_account_removal_pending`` says it removes the account.
    """

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # The three identity columns are empty only once the member was purged after retention (``purged_at``).
    personal_identity_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="members.personal_identity_number")
    )
    personal_identity_number_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_coordination_number: Mapped[bool] = mapped_column(default=False)
    birth_date: Mapped[date | None]
    street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="SE")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    # A payee resident abroad (SINK, A-SINK): citizenship and the TIN of the country of residence, for the
    # AGI's FK081, FK252 and FK076 (docs/exports.md).
    citizenship: Mapped[str | None] = mapped_column(String(2))
    tax_identification_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="members.tax_identification_number")
    )
    tax_identification_country: Mapped[str | None] = mapped_column(String(2))
    bank_clearing_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="members.bank_clearing_number")
    )
    bank_account_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="members.bank_account_number")
    )
    bank_iban: Mapped[str | None] = mapped_column(EncryptedString(255, context="members.bank_iban"))
    pending_clearing_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="members.pending_clearing_number")
    )
    pending_account_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="members.pending_account_number")
    )
    pending_iban: Mapped[str | None] = mapped_column(EncryptedString(255, context="members.pending_iban"))
    # A removal waits for confirmation like a new account, but has no pending_* to tell it.
    bank_account_removal_pending: Mapped[bool] = mapped_column(default=False)
    bank_account_changed_at: Mapped[datetime | None]
    bank_account_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    bank_account_confirmed_at: Mapped[datetime | None]
    joined_on: Mapped[date]
    left_on: Mapped[date | None]
    language: Mapped[Language] = mapped_column(String(2), default=Language.sv)
    pseudonymised_at: Mapped[datetime | None]
    # When what was kept for the retention duty was erased (privacy.purge): personnummer, birth date, ...
    purged_at: Mapped[datetime | None]
    tax_settings: Mapped[list[MemberTaxSetting]] = relationship(
        back_populates="member", order_by="MemberTaxSetting.valid_from", lazy="selectin"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def has_pending_bank_account(self) -> bool:
        """A change of the salary account waits for confirmation: a new account, or its removal."""
        return (
            self.pending_account_number is not None
            or self.pending_iban is not None
            or self.bank_account_removal_pending
        )

    @property
    def pending_account(self) -> tuple[str | None, str | None, str | None]:
        """The (clearing, account, IBAN) a waiting change would pay to, all ``None`` for a removal."""
        return self.pending_clearing_number, self.pending_account_number, self.pending_iban

    @property
    def salary_account(self) -> SalaryAccount | None:
        """The confirmed account salary goes to: the IBAN if the member gave one, else the clearing and
        account number; ``None`` without either. One rule for the payslip and the payment file, so the
        payslip shows the account the money is sent to."""
        return salary_account_of(
            iban=self.bank_iban,
            clearing_number=self.bank_clearing_number,
            account_number=self.bank_account_number,
        )

    def is_current_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day < self.left_on)

    @classmethod
    def current_on(cls, day: date) -> ColumnElement[bool]:
        """``is_current_on`` as a condition in SQL, so that members are counted and chosen in the database, in
        one statement however many there are, not loaded and tested one at a time."""
        return (cls.joined_on <= day) & (cls.left_on.is_(None) | (cls.left_on > day))

    @validates("personal_identity_number")
    def _index_personal_identity(self, _key: str, number: str | None) -> str | None:
        self.personal_identity_number_index = (
            None if number is None else blind_index(number, context=PERSONAL_IDENTITY_INDEX)
        )
        return number


class MemberTaxSetting(TimestampedMixin, Base):
    """How tax is withheld for a member from ``valid_from`` on (payroll.md §3)."""

    __tablename__ = "member_tax_settings"
    __table_args__ = (UniqueConstraint("member_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    valid_from: Mapped[date]
    mode: Mapped[TaxMode] = mapped_column(String(10))
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    table_number: Mapped[int | None]
    table_column: Mapped[int | None]
    tax_information_missing: Mapped[bool] = mapped_column(default=False)
    # Whole kronor withheld on top of the preliminary tax each calendar month, at the member's request
    # (payroll.md §3, "Extra tax"); 0 when she asked for none.
    extra_monthly_tax: Mapped[Decimal] = mapped_column(default=Decimal(0), server_default="0")
    note: Mapped[str | None] = mapped_column(String(500))
    member: Mapped[Member] = relationship(back_populates="tax_settings")


class Client(TimestampedMixin, VersionedMixin, Base):
    """A buyer of members' work (uppdragsgivare). Clients do not log in."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ClientKind] = mapped_column(String(20), default=ClientKind.organisation)
    organisation_number: Mapped[str | None] = mapped_column(String(11), unique=True)
    personal_identity_number: Mapped[str | None] = mapped_column(
        EncryptedString(255, context="clients.personal_identity_number")
    )
    vat_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    country: Mapped[str] = mapped_column(String(2), default="SE")
    street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    peppol_scheme: Mapped[str | None] = mapped_column(String(4))
    peppol_id: Mapped[str | None] = mapped_column(String(100))
    default_buyer_reference: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[Language] = mapped_column(String(2), default=Language.sv)
    payment_terms_days: Mapped[int] = mapped_column(default=30)
    public_sector: Mapped[bool] = mapped_column(default=False)
    #: The client wants the Peppol UBL attached to the e-mail too (for its own bookkeeping).
    invoice_xml_by_email: Mapped[bool] = mapped_column(default=False)
    #: A reminder fee was agreed when the debt arose (lag (1981:739) om ersättning för inkassokostnader 2 §).
    reminder_fee_agreed: Mapped[bool] = mapped_column(default=False)
