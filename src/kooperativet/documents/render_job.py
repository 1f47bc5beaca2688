"""The worker's side of the document pipeline: render the PDFs a committed transaction issued."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from kooperativet.documents.pipeline import RENDER_DOCUMENTS, DocumentKind, kind_named, render_now
from kooperativet.jobs import JobContext, handler

log = logging.getLogger(__name__)

#: A job is rendered in parts of at most this many, the lease extended after each part. The jobs issued now
#: hold ``pipeline.DOCUMENTS_PER_JOB`` documents, one part; a job recorded before issues were split into
#: such jobs may name a whole payroll run, and must not be taken for abandoned half-way.
PART = 200


@handler(RENDER_DOCUMENTS)
def render_documents(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Render and store those of ``payload["ids"]`` that have no PDF yet; an error leaves them pending and
    the job is tried again later (``jobs.runner``), while a download still renders one on the spot. After
    each part the log says how far the issue has come (a payroll run: how many of its payslips are done)."""
    kind = kind_named(payload["kind"])
    ids = [int(row_id) for row_id in payload["ids"]]
    for start in range(0, len(ids), PART):
        part = ids[start : start + PART]
        stored = render_now(context.session, kind, part)
        _log_progress(context, kind, part, stored)
        if start + PART < len(ids) and not context.extend_lease():
            return  # another worker holds the job now and renders the rest


def _log_progress(context: JobContext, kind: DocumentKind[Any], part: list[int], stored: int) -> None:
    batch = kind.progress(context.session, part[0]) if kind.progress is not None else None
    context.session.commit()  # the progress was only read: end the reading
    log.info(
        "job %s: %s of %s %s documents stored by %s%s",
        context.job_id,
        stored,
        len(part),
        kind.name,
        context.worker,
        f"; {batch}" if batch else "",
    )
