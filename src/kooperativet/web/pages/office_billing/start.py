"""The office's start page: a short list of links to the office's pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from kooperativet.web.forms import PageRoute
from kooperativet.web.i18n import N_
from kooperativet.web.pages.office_billing.common import OfficeReader
from kooperativet.web.templating import render

router = APIRouter(include_in_schema=False, route_class=PageRoute)

#: (path, label, what it is for, what it is for a reader): every page of the office, the payroll and month-end
#: pages included. The auditor reads and cannot act, so where the purpose is an act she is told what she
#: reads.
OFFICE_PAGES = (
    ("/office/inbox", N_("Inbox"), N_("Commissions waiting for approval"), None),
    (
        "/office/invoices",
        N_("Invoices"),
        N_("Issue, credit and follow up invoices"),
        N_("The invoices and credit notes, and what is paid"),
    ),
    (
        "/office/payments",
        N_("Payments"),
        N_("Record payments, import the bank's file, sort out entries"),
        N_("The payments received and the bank's entries"),
    ),
    ("/office/clients", N_("Clients"), N_("The cooperative's clients and their addresses"), None),
    ("/office/payroll", N_("Payroll"), N_("Payroll runs and payslips"), None),
    ("/office/month-end", N_("Month end"), N_("The month's files for the tax agency and the books"), None),
    ("/office/members", N_("Members"), N_("The member register"), None),
    ("/office/parameters", N_("Parameters"), N_("Rates, fees and thresholds with their sources"), None),
    ("/office/mail", N_("E-mail"), N_("E-mail the cooperative sent, what waits and what failed"), None),
    (
        "/office/jobs",
        N_("Background work"),
        N_("E-mail and PDFs that failed, and sending them again"),
        N_("E-mail and PDFs that failed or wait for another try"),
    ),
    ("/office/audit", N_("Event log"), N_("The audit chain: checked, and every event in it"), None),
)


@router.get("/office")
def office_start(request: Request, user: OfficeReader) -> Response:
    return render(request, "office/index.html", {"pages": OFFICE_PAGES})
