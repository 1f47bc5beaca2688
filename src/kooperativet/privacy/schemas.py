"""Response bodies of the privacy API."""

from __future__ import annotations

from datetime import date

from kooperativet.api.types import ReadSchema
from kooperativet.parties.schemas import MemberRead


class MemberRemoved(ReadSchema):
    """The pseudonymised record and the last day its kept part must be retained (BFL 7 kap. 2 §)."""

    member: MemberRead
    retained_until: date
