"""The usual agenda of an ordinary general meeting (årsmöte), added in one go.

The items an ordinary meeting must deal with by law (model: SFS 2018:672 6 kap. 9–10 §§: adopting the income
statement and the balance sheet, what to do with the profit or loss, discharge of the board; the annual report
and the auditors' report laid before it) stand among the procedural ones that most statutes list (chair,
secretary, adjusters, voting list, whether the meeting was duly called). Each item goes through
``meetings.add_agenda_item``, so every rule for adding an item holds for these too; the caller's transaction
keeps all of them or none. The last is marked as the agenda's closing (``is_closing``): closing the meeting
takes it up as its last §, by what it is and not by its title.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kooperativet.errors import Conflict, RuleViolation
from kooperativet.governance import meetings
from kooperativet.governance.models import AgendaItem, AgendaItemKind, Meeting, MeetingStatus
from kooperativet.governance.rules.terms import MeetingKind
from kooperativet.governance.schemas.meetings import AgendaItemCreate

STANDARD_ITEMS: tuple[tuple[AgendaItemKind, str], ...] = (
    (AgendaItemKind.procedural, "Stämmans öppnande"),
    (AgendaItemKind.procedural, "Val av ordförande vid stämman"),
    (AgendaItemKind.procedural, "Val av sekreterare vid stämman"),
    (AgendaItemKind.procedural, "Val av två justerare tillika rösträknare"),
    (AgendaItemKind.procedural, "Upprättande och godkännande av röstlängd"),
    (AgendaItemKind.procedural, "Fråga om stämman blivit behörigen sammankallad"),
    (AgendaItemKind.procedural, "Godkännande av dagordningen"),
    (AgendaItemKind.report, "Styrelsens årsredovisning och revisorernas revisionsberättelse"),
    # The board lays the accounts before the meeting and proposes what to do with the result.
    (AgendaItemKind.board_proposal, "Beslut om fastställelse av resultaträkningen och balansräkningen"),
    (
        AgendaItemKind.board_proposal,
        "Beslut om dispositioner av föreningens vinst eller förlust enligt den fastställda balansräkningen",
    ),
    # Decisions, though not the board's proposals: the board does not propose its own discharge, and the fees
    # are usually proposed by the nomination committee.
    (AgendaItemKind.decision, "Beslut om ansvarsfrihet för styrelsens ledamöter"),
    (AgendaItemKind.decision, "Arvoden till styrelsen och revisorerna"),
    (AgendaItemKind.election, "Val av styrelseledamöter och revisorer"),
    (AgendaItemKind.decision, "Motioner och styrelsens förslag"),
    (AgendaItemKind.procedural, "Stämmans avslutande"),
)


def add_standard_agenda(session: Session, *, meeting: Meeting) -> list[AgendaItem]:
    """The usual items of an annual meeting, on a planned annual meeting with no items yet. A meeting that
    has items keeps the board's own order: adding these after them would make two openings and two
    closings, so it is refused instead."""
    if meeting.kind != MeetingKind.ANNUAL:
        raise RuleViolation(
            "the standard agenda is that of an ordinary general meeting (annual meeting)",
            code="not_an_annual_meeting",
        )
    if meeting.status != MeetingStatus.planned:
        raise Conflict(
            f"meeting {meeting.id} is {meeting.status}; the standard agenda is added before it opens",
            code="standard_agenda_not_planned",
        )
    if meeting.items:
        raise Conflict(
            f"meeting {meeting.id} already has {len(meeting.items)} agenda item(s); the standard agenda is "
            "added to an empty agenda only",
            code="agenda_not_empty",
        )
    closing = len(STANDARD_ITEMS)  # the last item closes the meeting, and is stored as such
    return [
        meetings.add_agenda_item(
            session,
            meeting=meeting,
            data=AgendaItemCreate(kind=kind, title=title, is_closing=position == closing),
        )
        for position, (kind, title) in enumerate(STANDARD_ITEMS, start=1)
    ]
