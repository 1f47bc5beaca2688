"""The office's start page: a short list of links to the office's pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from kooperativet.web.forms import PageRoute
from kooperativet.web.i18n import N_
from kooperativet.web.pages.office_billing.common import OfficeReader
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

#: (path, label, what it is for): every page of the office, the payroll and month-end pages included.
OFFICE_PAGES = (
    ("/office/inbox", N_("Inbox"), N_("Commissions waiting for approval")),
    ("/office/invoices", N_("Invoices"), N_("Issue, credit and follow up invoices")),
    ("/office/payments", N_("Payments"), N_("Record payments, import the bank's file, sort out entries")),
    ("/office/clients", N_("Clients"), N_("The cooperative's clients and their addresses")),
    ("/office/payroll", N_("Payroll"), N_("Payroll runs and payslips")),
    ("/office/month-end", N_("Month end"), N_("The month's files for the tax agency and the books")),
    ("/office/members", N_("Members"), N_("The member register")),
    ("/office/parameters", N_("Parameters"), N_("Rates, fees and thresholds with their sources")),
    ("/office/mail", N_("Sent mail"), N_("E-mail the cooperative sent, what waits and what failed")),
    ("/office/jobs", N_("Background work"), N_("E-mail and PDFs that failed, and sending them again")),
    ("/office/audit", N_("Event log"), N_("The audit chain: checked, and every event in it")),
)


@router.get("/office")
def office_start(request: Request, user: OfficeReader) -> Response:
    return render(request, "office/index.html", {"pages": OFFICE_PAGES})
