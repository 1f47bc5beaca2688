"""A decision without a vote (acclamation): what the meeting decided, in the words that follow "Stämman
beslutade att …"."""

from __future__ import annotations

from typing import Final

from pydantic import Field

from kooperativet.api.types import MultilineText, Schema

#: The longest decision the minutes take under one item.
DECISION_MAX_LENGTH: Final = 2000


class DecisionCreate(Schema):
    # No min_length: an empty decision is refused as a blank one is, by the service (``decision_required``).
    decision: MultilineText = Field(
        max_length=DECISION_MAX_LENGTH,
        description="what the meeting decided, as it follows 'Stämman beslutade att' (or 'Styrelsen "
        "beslutade att' at a board meeting); a leading 'att' and a final full stop are left out in the "
        "minutes",
        examples=["välja Anna Berg till ordförande för stämman"],
    )
