"""One path for every document the cooperative issues: the snapshot first, the PDF by a worker.

The transaction that issues a document stores its immutable snapshot (what the PDF will say) and leaves the
PDF and its SHA-256 empty: the document is *pending*. It names the document to ``render_after_commit``,
which records ``render_documents`` jobs in the same transaction, one per ``DOCUMENTS_PER_JOB`` documents
(docs/workers.md), so that the workers share a large issue: once the snapshot is committed, a worker
renders it outside any write transaction and stores the bytes and their SHA-256 in a short transaction of
its own, once: a PDF that is stored already is never replaced, whoever rendered it
first. A renderer that fails is retried by the job, with a growing pause, and shown to the office in the
end; the job is never lost with the process that issued the document.

Each domain describes its documents with a ``DocumentKind``: the table, its two PDF columns, how the
snapshot is read off the committed row, and how bytes are rendered from it (a pure function: the same
snapshot always gives the same bytes, so the SHA-256 can be checked by rendering again), and registers it
(``register_kind``) so that the worker finds it by its name. A download of a pending document (the worker
has not come to it yet, or its rendering failed) goes through ``stored_pdf``, the same path;
``render_pending`` renders whatever a kind still has waiting, for a command.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.db import READ_ONLY, clock_of, fetch_locked
from kooperativet.errors import NotFound
from kooperativet.jobs.queue import enqueue_new
from kooperativet.mail import AttachmentFile, attachment_source

SnapshotT = TypeVar("SnapshotT")

log = logging.getLogger(__name__)

RENDER_DOCUMENTS = "render_documents"  # the job kind: {"kind": DocumentKind.name, "ids": [row ids]}

#: Documents per rendering job. The job is what the workers share and what a crash makes them do again, so
#: it is small: 80 payslips are about ten seconds of one core, so a run of 9 709 payslips is 122 jobs that
#: any number of workers share, the last worker to finish is at most ten seconds behind the others, a
#: worker that dies costs ten seconds again, and a job ends well inside its lease (five minutes) even on a
#: machine ten times slower. It is also how many documents the payslip renderer process does before it is
#: replaced (``payroll.documents.DOCUMENTS_PER_WORKER``): each job's payslips are one fresh process's work.
DOCUMENTS_PER_JOB: Final = 80


@dataclass(frozen=True, slots=True)
class DocumentKind(Generic[SnapshotT]):
    """What the pipeline needs to know of one kind of document."""

    name: str
    #: The ORM class of the row that holds the snapshot and, once rendered, the PDF (it has an ``id``).
    model: type[Any]
    pdf_column: str
    sha256_column: str
    #: The snapshot, read off the committed row: plain values that need no session to render.
    snapshot: Callable[[Any], SnapshotT]
    #: The bytes of one document: a pure function of its snapshot (WeasyPrint lives in ``documents.render``).
    render: Callable[[SnapshotT], bytes]
    #: Many documents at once (payslip id → bytes), e.g. on a process pool; by default one after the other.
    render_many: Callable[[Mapping[int, SnapshotT]], dict[int, bytes]] | None = None
    #: What names the document in the audit log besides its kind and id (its number, its version …).
    describe: Callable[[Any], Mapping[str, object]] | None = None
    #: How far the batch that document ``id`` was issued in has come (a payroll run: "run 7: 4312 of 9709
    #: payslip PDFs stored"), for the worker's log after each job.
    progress: Callable[[Session, int], str] | None = None

    def is_stored(self, row: Any) -> bool:
        return getattr(row, self.sha256_column) is not None


_KINDS: dict[str, DocumentKind[Any]] = {}


def register_kind(kind: DocumentKind[SnapshotT]) -> DocumentKind[SnapshotT]:
    """Make ``kind`` known by its name to the worker that renders it (``kind_named``)."""
    if _KINDS.setdefault(kind.name, kind) is not kind:
        raise ValueError(f"two document kinds named {kind.name!r}")
    return kind


def kind_named(name: str) -> DocumentKind[Any]:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no document kind named {name!r} is registered") from None


def registered_kinds() -> list[DocumentKind[Any]]:
    return [_KINDS[name] for name in sorted(_KINDS)]


def render_after_commit(
    session: Session, kind: DocumentKind[Any], ids: Iterable[int], *, per_job: int | None = None
) -> None:
    """Have the workers render the documents ``ids`` of ``kind`` once this transaction has committed their
    snapshots: one job per ``per_job`` of them (``DOCUMENTS_PER_JOB``), recorded in this transaction in one
    INSERT however many there are, so that several workers share a large issue.

    The jobs have no key: a draft of the minutes redrawn later is a new rendering of the same row, and the
    handler renders only what has no PDF yet, so a job run twice (a worker that died half-way, a lease that
    ran out) stores nothing twice."""
    waiting = sorted(set(ids))
    if not waiting:
        return
    if _KINDS.get(kind.name) is not kind:
        raise LookupError(f"document kind {kind.name!r} is not registered: the worker could not find it")
    size = per_job or DOCUMENTS_PER_JOB
    parts = [waiting[start : start + size] for start in range(0, len(waiting), size)]
    enqueue_new(session, RENDER_DOCUMENTS, [({"kind": kind.name, "ids": part}, None) for part in parts])


def render_now(session: Session, kind: DocumentKind[Any], ids: Iterable[int]) -> int:
    """Render and store the documents ``ids`` of ``kind`` that have no PDF yet; how many were stored.

    ``session`` holds no uncommitted work. The snapshots are read in one short transaction, rendered with no
    transaction open, and the bytes stored in another short one, each only where no PDF is stored yet."""
    wanted = sorted(set(ids))
    rows: Iterable[Any] = (
        session.scalars(select(kind.model).where(kind.model.id.in_(wanted))) if wanted else ()
    )
    snapshots = {row.id: kind.snapshot(row) for row in rows if not kind.is_stored(row)}
    session.commit()  # nothing was written: this only ends the reading, so that no lock is held meanwhile
    if not snapshots:
        return 0
    if kind.render_many is not None:
        rendered = kind.render_many(snapshots)
    else:
        rendered = {row_id: kind.render(snapshot) for row_id, snapshot in snapshots.items()}
    # Stored by a writer's transaction even from a download's session, which reads (SQLite's BEGIN DEFERRED):
    # a read that turns into a write fails at once ("database is locked") when another renderer of the same
    # document stored it meanwhile, where a writer waits its turn and then finds it stored.
    session.connection(execution_options={READ_ONLY: False})
    stored = sum(
        store_once(session, kind, row_id, pdf, rendered_from=snapshots[row_id])
        for row_id, pdf in sorted(rendered.items())
    )
    session.commit()
    return stored


_UNCHECKED: Any = object()


def store_once(
    session: Session, kind: DocumentKind[Any], row_id: int, pdf: bytes, *, rendered_from: Any = _UNCHECKED
) -> bool:
    """Store ``pdf`` unless a PDF was stored meanwhile (by a second renderer): issued bytes never change.

    ``rendered_from`` is the snapshot the bytes were rendered from: if the row says something else now (a
    draft of the minutes redrawn meanwhile, whose own rendering follows its commit), nothing is stored.
    A stored PDF is recorded in the audit log (``document_rendered``) with its SHA-256."""
    row = fetch_locked(session, select(kind.model).where(kind.model.id == row_id))
    if row is None:
        return False
    if kind.is_stored(row):
        session.expire(row, [kind.pdf_column])  # the other renderer's bytes, read when asked for
        return False
    if rendered_from is not _UNCHECKED and kind.snapshot(row) != rendered_from:
        return False
    sha256 = hashlib.sha256(pdf).hexdigest()
    setattr(row, kind.pdf_column, pdf)
    setattr(row, kind.sha256_column, sha256)
    session.flush()
    described = dict(kind.describe(row)) if kind.describe is not None else {}
    append_event(
        session,
        kind="document_rendered",
        payload={"document": kind.name, "id": row_id, **described, "pdf_sha256": sha256},
        now=clock_of(session),
    )
    return True


def pending_ids(session: Session, kind: DocumentKind[Any]) -> list[int]:
    """The documents of ``kind`` whose snapshot is committed and whose PDF is not stored yet."""
    sha256 = getattr(kind.model, kind.sha256_column)
    return list(session.scalars(select(kind.model.id).where(sha256.is_(None)).order_by(kind.model.id)))


def render_pending(session: Session, kind: DocumentKind[Any]) -> int:
    """Render and store every pending document of ``kind``; how many were stored."""
    ids = pending_ids(session, kind)
    return render_now(session, kind, ids)


def stored_pdf(session: Session, kind: DocumentKind[Any], row: Any) -> bytes:
    """The stored PDF of ``row``; a pending one is rendered and stored first, by the same path as after its
    issue (the transaction of a download has nothing of its own to commit)."""
    if not kind.is_stored(row):
        render_now(session, kind, [row.id])
    pdf: bytes | None = getattr(row, kind.pdf_column)
    if pdf is None:  # its SHA-256 stays, the bytes were erased after the retention period (privacy.purge)
        raise NotFound(
            f"the PDF of {kind.name} {row.id} was erased after the retention period",
            code="erased_after_retention",
        )
    return pdf


def pdf_attachment_source(source: str, kind: DocumentKind[Any], filename: Callable[[Any], str]) -> None:
    """Let e-mail carry documents of ``kind`` as attachments named ``source``: the mail worker gets the stored
    PDF, byte for byte (a pending one is rendered and stored first, as for a download)."""

    @attachment_source(source)
    def stored(session: Session, row_id: int) -> AttachmentFile:
        row = session.get(kind.model, row_id)
        if row is None:
            raise LookupError(f"{kind.name} {row_id} does not exist")
        return AttachmentFile(filename(row), "application/pdf", stored_pdf(session, kind, row))
