"""Export batches: storing each exported file once with the documents it covered, and reading it back.

A document goes into the normal exports of one kind once (``exported_ids`` is what the exports skip); a
batch is downloaded again byte for byte. Storing appends ``export_created`` to the audit chain and keeps the
chain's head on the batch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, insert, literal, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event, chain_head
from kooperativet.db import Base, fetch_page, take_turns
from kooperativet.errors import NotFound
from kooperativet.exports.formats import ExportFile
from kooperativet.exports.models import DocumentKind, ExportBatch, ExportedDocument, ExportKind
from kooperativet.exports.service.sources import SWEDEN
from kooperativet.parties.models import Cooperative
from kooperativet.parties.service import get_cooperative


def cooperative_taking_turns(session: Session) -> Cooperative:
    """The cooperative, read once the exports take turns (``db.take_turns``) until the transaction ends.

    Each export checks which documents no batch holds yet and then inserts its batch's; two exports made
    at the same moment (a double click) would both find the same documents free, and the second would fail
    on the unique constraint of ``exported_documents``. Taking turns first, before that check, makes the
    second wait until the first has committed, then find the documents in the first's batch and answer as
    if asked after it (409 ``already_exported`` or ``nothing_to_export``)."""
    take_turns(session, work=EXPORTING)
    return get_cooperative(session)


#: The work the exports take turns on: AGI, SIE and pain.001 alike, since each holds a second or two.
EXPORTING = "exporting documents into a batch"


def list_batches(session: Session, *, limit: int, offset: int) -> tuple[list[ExportBatch], int]:
    """Newest first."""
    return fetch_page(
        session,
        select(ExportBatch),
        limit=limit,
        offset=offset,
        order=[],
        tiebreak=ExportBatch.id.desc(),
    )


def get_batch(session: Session, *, batch_id: int) -> ExportBatch:
    batch = session.get(ExportBatch, batch_id)
    if batch is None:
        raise NotFound(f"export batch {batch_id} does not exist")
    return batch


def batch_file(batch: ExportBatch) -> ExportFile:
    """The stored bytes of a batch, exactly as exported; a 404 ``erased_after_retention`` once the purge
    erased them after the batch's retention period (``exports.service.retention``)."""
    if batch.content is None:
        erased_on = "" if batch.erased_at is None else f" on {batch.erased_at.astimezone(SWEDEN).date()}"
        raise NotFound(
            f"the file of export batch {batch.id} was erased after the retention period{erased_on}; the "
            f"batch keeps its SHA-256 {batch.sha256} and the documents it covered",
            code="erased_after_retention",
        )
    return ExportFile(filename=batch.filename, media_type=batch.media_type, content=batch.content)


@dataclass(frozen=True, slots=True)
class CoveredIds:
    """The documents of one kind a batch covers, given as a select of their ids (a month's new payslips,
    the vouchers of a range): the database inserts them from the select, and no id travels to Python and
    back."""

    document_kind: DocumentKind
    ids: Select[Any]


def store_batch(
    session: Session,
    *,
    kind: ExportKind,
    file: ExportFile,
    covered: Iterable[tuple[DocumentKind, int] | CoveredIds],
    notes: list[str],
    created_at: datetime,
    created_by_id: int | None,
    period: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    run_id: int | None = None,
    vat_base_above_40_million: bool = False,
) -> ExportBatch:
    head = chain_head(session)
    batch = ExportBatch(
        kind=kind,
        period=period,
        date_from=date_from,
        date_to=date_to,
        run_id=run_id,
        filename=file.filename,
        media_type=file.media_type,
        content=file.content,
        sha256=hashlib.sha256(file.content).hexdigest(),
        notes=notes + list(file.notes),  # the writer's notes: texts it had to spell in the file's charset
        created_by_id=created_by_id,
        created_at=created_at,
        audit_head_entries=head.entries,
        audit_head_hash=head.hash,
        vat_base_above_40_million=vat_base_above_40_million,
    )
    session.add(batch)
    session.flush()
    documents = _insert_covered(session, batch_id=batch.id, kind=kind, covered=covered)
    append_event(
        session,
        kind="export_created",
        payload={
            "batch_id": batch.id,
            "kind": str(kind),
            "filename": batch.filename,
            "sha256": batch.sha256,
            "documents": documents,
            "created_by_id": created_by_id,
        },
        now=created_at,
    )
    return batch


def _insert_covered(
    session: Session,
    *,
    batch_id: int,
    kind: ExportKind,
    covered: Iterable[tuple[DocumentKind, int] | CoveredIds],
) -> int:
    """Insert the documents the batch covers; how many. Neither ORM objects nor the ORM's bulk path, which
    spend more on each row than the database does: an INSERT from the select of each ``CoveredIds``, and
    one executemany of the table's INSERT for the documents given one by one."""
    table = Base.metadata.tables[ExportedDocument.__tablename__]
    columns = ["batch_id", "export_kind", "document_kind", "document_id"]
    values = []
    inserted = 0
    for item in covered:
        if isinstance(item, CoveredIds):
            ids = item.ids.subquery()
            rows = select(
                literal(batch_id), literal(str(kind)), literal(str(item.document_kind)), *ids.columns
            )
            session.execute(insert(table).from_select(columns, rows))
            # Counted by the database, not taken from the driver's row count, which is not the same on every
            # driver for an INSERT … SELECT (the count goes into the audit event, which must not differ).
            inserted += (
                session.scalar(
                    select(func.count())
                    .select_from(table)
                    .where(table.c.batch_id == batch_id, table.c.document_kind == str(item.document_kind))
                )
                or 0
            )
        else:
            document_kind, document_id = item
            values.append(dict(zip(columns, (batch_id, kind, document_kind, document_id), strict=True)))
    if values:
        session.execute(insert(table), values)
    return inserted + len(values)


def exported_ids(
    session: Session,
    export_kind: ExportKind,
    document_kind: DocumentKind,
    *,
    among: Select[Any] | None = None,
) -> set[int]:
    """The ids of the documents of ``document_kind`` that a batch of ``export_kind`` holds; ``among`` (a
    select of ids) limits them to the candidates, so that years of exported documents are not read."""
    query = select(ExportedDocument.document_id).where(
        ExportedDocument.export_kind == export_kind, ExportedDocument.document_kind == document_kind
    )
    if among is not None:
        query = query.where(ExportedDocument.document_id.in_(among))
    return set(session.scalars(query))


def earlier_batches_hint(
    session: Session, kind: ExportKind, *, period: str | None = None, run_id: int | None = None
) -> str:
    query = (
        select(ExportBatch.id, ExportBatch.erased_at).where(ExportBatch.kind == kind).order_by(ExportBatch.id)
    )
    if period is not None:
        query = query.where(ExportBatch.period == period)
    if run_id is not None:
        query = query.where(ExportBatch.run_id == run_id)
    batches = list(session.execute(query))
    kept = [batch_id for batch_id, erased_at in batches if erased_at is None]
    if kept:
        return f"; download the earlier batch again: {', '.join(f'/api/v1/exports/{i}/file' for i in kept)}"
    if batches:
        erased = ", ".join(str(batch_id) for batch_id, _ in batches)
        return f"; the file of the earlier batch ({erased}) was erased after the retention period"
    return ""
