"""Whether an invoice is also made as Peppol UBL or as a PDF only (invoicing.md, "Who gets an e-invoice")."""

from __future__ import annotations

from kooperativet.errors import RuleViolation
from kooperativet.invoices.content_rules import has_peppol_address
from kooperativet.invoices.snapshot import Buyer
from kooperativet.parties.models import Client


def sends_e_invoice(client: Client, buyer: Buyer) -> bool:
    """Whether the invoice is also made as Peppol UBL (invoicing.md, "Who gets an e-invoice").

    A buyer with a Peppol address gets one; everyone else gets the PDF, which is the invoice. A public-sector
    buyer must receive e-invoices (lag (2018:1277) om elektroniska fakturor till följd av offentlig
    upphandling), so without a Peppol address it is refused rather than sent a PDF.
    """
    if has_peppol_address(buyer):
        return True
    if client.public_sector:
        raise RuleViolation(
            f"{client.name} is a public-sector buyer and must receive an e-invoice (lag (2018:1277)); record "
            f"its Peppol address (peppol_scheme and peppol_id) or Swedish organisation number on client "
            f"{client.id}",
            code="peppol_address_missing",
            field="peppol_id",
        )
    return False
