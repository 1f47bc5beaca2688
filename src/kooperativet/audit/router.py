"""The audit log over the API, for the office and the auditor (revisor): its entries and its verification.
Both only read (a GET runs on a read-only transaction, ``api.dependencies.get_session``); docs/audit.md."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from kooperativet.api.dependencies import DbSession, Window
from kooperativet.api.problems import problem_responses
from kooperativet.api.types import IsoDate, Page
from kooperativet.audit import reading, service
from kooperativet.audit.schemas import AuditEventRead, VerificationRead
from kooperativet.auth.dependencies import OfficeReader

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

Kind = Annotated[str | None, Query(max_length=64, description="only entries of this kind (exact)")]
FromDay = Annotated[IsoDate | None, Query(alias="from", description="first Swedish day recorded, included")]
ToDay = Annotated[IsoDate | None, Query(alias="to", description="last Swedish day recorded, included")]
AnchorText = Annotated[
    str | None,
    Query(
        max_length=200,
        description="a head kept outside the database (HASH or N:HASH, from the minutes or an export batch) "
        "that the chain must have passed through",
    ),
]


@router.get("/events", responses=problem_responses(401, 403, 422))
def list_audit_events(
    _user: OfficeReader,
    session: DbSession,
    window: Window,
    kind: Kind = None,
    from_: FromDay = None,
    to: ToDay = None,
) -> Page[AuditEventRead]:
    """The audit log's entries, the newest first, filtered by kind and by the Swedish days they were
    recorded on."""
    rows, total = reading.list_events(
        session, kind=kind, from_day=from_, to_day=to, limit=window.limit, offset=window.offset
    )
    return window.page([AuditEventRead.from_model(event) for event in rows], total)


@router.get("/verification", responses=problem_responses(401, 403, 422))
def get_audit_verification(
    _user: OfficeReader, session: DbSession, anchor: AnchorText = None
) -> VerificationRead:
    """Recompute the whole chain with the server's audit key and check it against its stored head and, if
    given, an anchor: what ``kooperativet audit verify`` prints. A broken chain is an answer (200), not an
    error."""
    parsed = reading.parse_anchor(anchor)
    result = service.verify(session, anchor=parsed)
    return VerificationRead.from_verification(result, anchor=reading.anchor_text(parsed))
