"""Messages the services raise (in English, for the API) that a page shows translated.

The services' errors carry English details for API clients; a page passes the detail through the catalog, so
each detail a person can meet in a form is listed here for extraction (``make messages``). A detail not listed
is shown as the service wrote it.
"""

from __future__ import annotations

from kooperativet.web.i18n import N_

SERVICE_DETAILS = (
    N_("the current password is wrong"),
    N_("the new password must differ from the current one"),
    N_("the form has expired; please try again"),
    N_("this page is for another role"),
)
