"""Clients: register and change them, and who may see which (a private person is personal data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.orm import Session

from kooperativet.auth.service import check_version
from kooperativet.core import identifiers as ids
from kooperativet.db import contains_text, fetch_page
from kooperativet.errors import Conflict, NotFound, RuleViolation
from kooperativet.parties.models import Client, ClientKind
from kooperativet.parties.schemas import ClientCreate, ClientUpdate
from kooperativet.parties.service.checks import postal_code_for, unique_rows, validated

CLIENT_REQUIRED_FIELDS = frozenset(
    {
        "name",
        "kind",
        "country",
        "language",
        "payment_terms_days",
        "public_sector",
        "invoice_xml_by_email",
        "reminder_fee_agreed",
    }
)


DUPLICATE_CLIENT = "a client with this organisation or VAT number already exists"


def create_client(session: Session, *, data: ClientCreate) -> Client:
    client = Client()
    with unique_rows(session, DUPLICATE_CLIENT, "organisation_number"):
        _apply_client(session, client, data.model_dump())
        session.add(client)
    return client


def update_client(session: Session, *, client: Client, update: ClientUpdate) -> Client:
    check_version(client, update.version, what=f"client {client.id}")
    changes = update.model_dump(exclude_unset=True, exclude={"version"})
    for field in CLIENT_REQUIRED_FIELDS & set(changes):
        if changes[field] is None:
            raise RuleViolation(f"{field} cannot be empty", field=field)
    with unique_rows(session, DUPLICATE_CLIENT, "organisation_number"):
        _apply_client(session, client, changes)
        client.version += 1
    return client


def client_visibility(worked_for: Select[int] | None) -> ColumnElement[bool]:
    """Which clients the asker may see. A private person (kind ``person``) is personal data about someone who
    is not a member (GDPR art. 5(1)(c), data minimisation): only the office (``worked_for`` None) and the
    members who work for her (``worked_for``: the ids of the clients the asking member has assignments for)
    see her. Organisations are visible to every user."""
    if worked_for is None:
        return true()
    return or_(Client.kind != ClientKind.person, Client.id.in_(worked_for))


def get_client(session: Session, *, client_id: int, worked_for: Select[int] | None) -> Client:
    """One client; a private person the asker may not see is 404, as if she did not exist."""
    client = session.scalar(select(Client).where(Client.id == client_id, client_visibility(worked_for)))
    if client is None:
        raise NotFound(f"client {client_id} does not exist")
    return client


def list_clients(
    session: Session,
    *,
    worked_for: Select[int] | None,
    limit: int,
    offset: int,
    q: str | None = None,
    public_sector: bool | None = None,
    country: str | None = None,
) -> tuple[list[Client], int]:
    """Clients matching the filters, among those the asker may see (:func:`client_visibility`)."""
    query = select(Client).where(client_visibility(worked_for))
    if q:
        query = query.where(contains_text(Client.name, q))
    if public_sector is not None:
        query = query.where(Client.public_sector == public_sector)
    if country:
        query = query.where(Client.country == country.upper())
    return fetch_page(session, query, limit=limit, offset=offset, order=[Client.name], tiebreak=Client.id)


def _apply_client(session: Session, client: Client, changes: dict[str, Any]) -> None:
    if changes.get("organisation_number") is not None:
        number = validated(
            "organisation_number", ids.normalise_organisation_number, changes["organisation_number"]
        )
        other = session.scalar(
            select(Client.id).where(Client.organisation_number == number, Client.id != client.id)
        )
        if other is not None:
            raise Conflict(
                f"client {other} already has organisation number {number}",
                code="duplicate_organisation_number",
                field="organisation_number",
            )
        changes["organisation_number"] = number
    if changes.get("vat_number") is not None:
        number = validated("vat_number", ids.normalise_vat_number, changes["vat_number"])
        other = session.scalar(select(Client.id).where(Client.vat_number == number, Client.id != client.id))
        if other is not None:
            raise Conflict(
                f"client {other} already has VAT number {number}",
                code="duplicate_vat_number",
                field="vat_number",
            )
        changes["vat_number"] = number
    if changes.get("personal_identity_number") is not None:
        identity = validated(
            "personal_identity_number", ids.parse_personal_identity, changes["personal_identity_number"]
        )
        changes["personal_identity_number"] = identity.number
    for field, value in changes.items():
        setattr(client, field, value.strip() if isinstance(value, str) else value)
    if {"postal_code", "country"} & set(changes):
        client.postal_code = postal_code_for(client.country, client.postal_code)
    _check_client(client)


def _check_client(client: Client) -> None:
    if client.peppol_scheme == "0007" and client.peppol_id is not None:
        client.peppol_id = validated(
            "peppol_id", ids.normalise_organisation_number, client.peppol_id
        ).replace("-", "")
    if (client.peppol_scheme is None) != (client.peppol_id is None):
        raise RuleViolation(
            "give both peppol_scheme and peppol_id, or neither", code="peppol_incomplete", field="peppol_id"
        )
    if client.kind == ClientKind.person and client.organisation_number is not None:
        raise RuleViolation(
            "a private person has no organisation number",
            code="private_person_organisation_number",
            field="organisation_number",
        )
    vat_prefix = "EL" if client.country == "GR" else client.country  # Greece uses EL in VAT numbers
    if client.vat_number is not None and not client.vat_number.startswith(vat_prefix):
        raise RuleViolation(
            f"the VAT number {client.vat_number} does not belong to country {client.country}",
            code="vat_number_country",
            field="vat_number",
        )
