"""One path for every document the cooperative issues: the snapshot first, the PDF after the commit.

The transaction that issues a document stores its immutable snapshot (what the PDF will say) and leaves the
PDF and its SHA-256 empty: the document is *pending*. It names the document to ``render_after_commit``, and
the transaction owner (``db.transaction``: the API's request, a CLI command, a demo step) renders it once the
snapshot is committed, outside the write transaction, and stores the bytes and their SHA-256 in a short
transaction of their own, once: a PDF that is stored already is never replaced, whoever rendered it first.

Each domain describes its documents with a ``DocumentKind``: the table, its two PDF columns, how the
snapshot is read off the committed row, and how bytes are rendered from it (a pure function: the same
snapshot always gives the same bytes, so the SHA-256 can be checked by rendering again). A download of a
pending document (the process stopped between the commit and the rendering, or the renderer failed) goes
through ``stored_pdf``, the same path; ``render_pending`` renders whatever a kind still has waiting, for a
command now and for the background workers later.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.db import after_commit, clock_of, fetch_locked

SnapshotT = TypeVar("SnapshotT")

log = logging.getLogger(__name__)


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

    def is_stored(self, row: Any) -> bool:
        return getattr(row, self.sha256_column) is not None


def render_after_commit(session: Session, kind: DocumentKind[Any], ids: Iterable[int]) -> None:
    """Render the documents ``ids`` of ``kind`` once this transaction has committed their snapshots.

    A renderer that fails leaves them pending (the snapshot is the truth; the PDF is derived): the failure is
    logged, the answer still reports the committed work, and the next download or ``render_pending`` renders
    them."""
    waiting = list(ids)

    def render(committed: Session) -> None:
        try:
            render_now(committed, kind, waiting)
        except Exception:
            committed.rollback()
            log.exception("%s %s stay pending: rendering after the commit failed", kind.name, waiting)

    after_commit(session, render)


def render_now(session: Session, kind: DocumentKind[Any], ids: Iterable[int]) -> int:
    """Render and store the documents ``ids`` of ``kind`` that have no PDF yet; how many were stored.

    ``session`` holds no uncommitted work. The snapshots are read in one short transaction, rendered with no
    transaction open, and the bytes stored in another short one, each only where no PDF is stored yet."""
    snapshots = {}
    for row_id in ids:
        row = session.get(kind.model, row_id)
        if row is not None and not kind.is_stored(row):
            snapshots[row_id] = kind.snapshot(row)
    session.commit()  # nothing was written: this only ends the reading, so that no lock is held meanwhile
    if not snapshots:
        return 0
    if kind.render_many is not None:
        rendered = kind.render_many(snapshots)
    else:
        rendered = {row_id: kind.render(snapshot) for row_id, snapshot in snapshots.items()}
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
    pdf: bytes = getattr(row, kind.pdf_column)
    return pdf
