"""The seller and the buyer as they stand at issue: copied into the snapshot, so that a later change of the
cooperative or the client never changes an issued document."""

from __future__ import annotations

from kooperativet.core.identifiers import InvalidIdentifier, swedish_vat_number
from kooperativet.invoices.snapshot import Address, Buyer, PeppolEndpoint, Seller
from kooperativet.parties.models import Client, ClientKind, Cooperative


def seller_at_issue(cooperative: Cooperative) -> Seller:
    vat_number = cooperative.vat_number
    if not vat_number and cooperative.organisation_number:
        try:
            vat_number = swedish_vat_number(cooperative.organisation_number)
        except InvalidIdentifier:
            vat_number = None
    return Seller(
        name=cooperative.name,
        org_number=cooperative.organisation_number or "",
        vat_number=vat_number or "",
        f_skatt=cooperative.f_tax_approved,
        address=Address(
            street=cooperative.street or "",
            postal_code=cooperative.postal_code or "",
            city=cooperative.city or "",
            country=cooperative.country,
        ),
        bankgiro=cooperative.bankgiro or "",
        contact_name=cooperative.contact_name,
        email=cooperative.contact_email,
        iban=cooperative.iban,
        bic=cooperative.bic,
    )


def buyer_at_issue(client: Client) -> Buyer:
    endpoint = (
        PeppolEndpoint(scheme=client.peppol_scheme, identifier=client.peppol_id)
        if client.peppol_scheme and client.peppol_id
        else None
    )
    return Buyer(
        name=client.name,
        address=Address(
            street=client.street or "",
            postal_code=client.postal_code or "",
            city=client.city or "",
            country=client.country,
        ),
        org_number=client.organisation_number,
        vat_number=client.vat_number,
        peppol_endpoint=endpoint,
        email=client.email,
        private_person=client.kind == ClientKind.person,
    )
