"""The start page's panels: what needs the signed-in person's attention, one provider per area.

A provider takes the session, the user and today, and returns a ``Panel`` (``web.panel``), or ``None`` when
it has nothing for this person. Areas add theirs to ``PROVIDERS``, in the order the start page shows them;
each reads with a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kooperativet.auth.models import User
from kooperativet.web import meeting_panels
from kooperativet.web.panel import Panel, Provider
from kooperativet.web.reads import office_billing
from kooperativet.web.reads.commissions import commissions_panel
from kooperativet.web.reads.office_payroll import office_payroll_panel
from kooperativet.web.reads.pay import pay_panel

PROVIDERS: tuple[Provider, ...] = (
    commissions_panel,
    pay_panel,
    meeting_panels.member_panel,
    meeting_panels.board_panel,
    office_billing.office_panel,
    office_payroll_panel,
)


def panels_for(session: Session, *, user: User, today: date) -> list[Panel]:
    found = (provider(session=session, user=user, today=today) for provider in PROVIDERS)
    return [panel for panel in found if panel is not None]
