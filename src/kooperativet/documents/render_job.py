"""The worker's side of the document pipeline: render the PDFs a committed transaction issued."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kooperativet.documents.pipeline import RENDER_DOCUMENTS, kind_named, render_now
from kooperativet.jobs import JobContext, handler

#: A payroll run's payslips are rendered in parts of this many, the lease extended after each part, so that a
#: run of thousands is never taken for abandoned half-way.
PART = 200


@handler(RENDER_DOCUMENTS)
def render_documents(context: JobContext, payload: Mapping[str, Any]) -> None:
    """Render and store those of ``payload["ids"]`` that have no PDF yet; an error leaves them pending and
    the job is tried again later (``jobs.runner``), while a download still renders one on the spot."""
    kind = kind_named(payload["kind"])
    ids = [int(row_id) for row_id in payload["ids"]]
    for start in range(0, len(ids), PART):
        render_now(context.session, kind, ids[start : start + PART])
        if start + PART < len(ids) and not context.extend_lease():
            return  # another worker holds the job now and renders the rest
