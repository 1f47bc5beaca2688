"""The office's view of the background work: what failed for good (with its error and a retry button) and
what is waiting for another try. The same services as ``/api/v1/jobs``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from kooperativet.api.dependencies import DbSession, Now, PageWindow
from kooperativet.errors import DomainError
from kooperativet.web.dependencies import CheckedForm
from kooperativet.web.forms import FormRejected, PageRoute
from kooperativet.web.pages.office_billing.common import OfficeReader, OfficeUser, paging
from kooperativet.web.reads.office_jobs import job_lists
from kooperativet.web.refusals import refusal_errors
from kooperativet.web.templating import render
from kooperativet.workflows.jobs_office import retry_failed_job

router = APIRouter(include_in_schema=False, route_class=PageRoute)
JOBS_PER_PAGE = 50


@router.get("/office/jobs")
def jobs_page(request: Request, user: OfficeReader, session: DbSession, offset: int = 0) -> Response:
    return _page(request, session, offset=max(offset, 0))


@router.post("/office/jobs/{job_id:int}/retry", dependencies=[CheckedForm])
def retry(request: Request, job_id: int, user: OfficeUser, session: DbSession, now: Now) -> Response:
    try:
        retry_failed_job(session, job_id=job_id, actor=user, now=now)
    except DomainError as exc:
        refusal = refusal_errors(request, exc).popitem()[1]
        raise FormRejected(_page(request, session, offset=0, refusal=refusal, status=exc.status)) from exc
    return RedirectResponse("/office/jobs?retried=1", status_code=303)


def _page(
    request: Request, session: DbSession, *, offset: int, refusal: str | None = None, status: int = 200
) -> Response:
    window = PageWindow(limit=JOBS_PER_PAGE, offset=offset)
    lists = job_lists(session, limit=window.limit, offset=window.offset)
    context = {
        "lists": lists,
        "paging": paging(window, lists.failed_total),
        "refusal": refusal,
        "retried": "retried" in request.query_params,
    }
    return render(request, "office_jobs/list.html", context, status=status)
