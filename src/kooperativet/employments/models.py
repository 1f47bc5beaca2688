from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from sqlalchemy import ForeignKey, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kooperativet.assignments.models import Assignment, ExtentUnit
from kooperativet.db import Base, TimestampedMixin
from kooperativet.parties.models import Member

#: Every employment an assignment gives is a SÄVA; the row does not store its type.
EMPLOYMENT_TYPE: Final = "Särskild visstidsanställning (LAS 5 § 1)"


class Employment(TimestampedMixin, Base):
    """The särskild visstidsanställning an approved assignment gives (LAS 5 §), with its written terms.

    The terms are copied from the assignment at approval and the anställningsbevis (LAS 6 c §) is stored as
    the text issued that day and, rendered from it after the commit, the PDF given to the member, with its
    SHA-256: a download returns exactly these bytes.
    """

    __tablename__ = "employments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    start: Mapped[date]
    end: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    duties: Mapped[str] = mapped_column(Text)
    workplace: Mapped[str] = mapped_column(String(200))
    extent_quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    extent_unit: Mapped[ExtentUnit] = mapped_column(String(10))
    pay_form: Mapped[str] = mapped_column(Text)
    # The anställningsbevis as issued: its text (the template rendered at approval, the snapshot), and the
    # PDF with its SHA-256, empty until the document pipeline has rendered it from the text after the commit.
    certificate_html: Mapped[str | None] = mapped_column(Text, deferred=True)
    certificate_sha256: Mapped[str | None] = mapped_column(String(64))
    certificate_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    member: Mapped[Member] = relationship(lazy="joined", innerjoin=True)
    assignment: Mapped[Assignment] = relationship(lazy="select")

    @property
    def employment_type(self) -> str:
        return EMPLOYMENT_TYPE
