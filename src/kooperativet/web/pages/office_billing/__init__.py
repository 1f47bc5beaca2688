"""The office's billing pages (issue 12): the office's start page, the inbox of commissions to decide,
invoices and credit notes, payments and the bank's file, and clients. One module per page family; the routes
call the same services as the API's routers."""

from __future__ import annotations

from fastapi import APIRouter

from kooperativet.web.forms import PageRoute
from kooperativet.web.pages.office_billing import (
    clients,
    credit_notes,
    inbox,
    invoices,
    payments,
    sending,
    start,
)

router = APIRouter(include_in_schema=False, route_class=PageRoute)
for part in (start, inbox, invoices, credit_notes, sending, payments, clients):
    router.include_router(part.router)
