"""How long the books and what underlies them are kept: until the end of the seventh year after the calendar
year they concern (Bokföringslagen (1999:1078) 7 kap. 2 §; the cooperative's financial year is the calendar
year). A removed member's documents (``privacy``) and the stored export files (``exports``) both end by it.
"""

from __future__ import annotations

from datetime import date
from typing import Final

RETENTION_YEARS: Final = 7


def retained_until(year: int) -> date:
    """The last day something concerning ``year`` must still be kept: 31 December, seven years on."""
    return date(year + RETENTION_YEARS, 12, 31)
