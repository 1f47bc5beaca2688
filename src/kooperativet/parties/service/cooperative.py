"""The cooperative's identity: the one row, seeded from settings on an empty database, changed by an admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.auth.service import check_version
from kooperativet.config import Settings
from kooperativet.core import agi_formats
from kooperativet.core import identifiers as ids
from kooperativet.errors import NotFound, RuleViolation
from kooperativet.parties.models import Cooperative
from kooperativet.parties.schemas import CooperativeUpdate
from kooperativet.parties.service.checks import postal_code_for, validated


def get_cooperative(session: Session) -> Cooperative:
    cooperative = session.scalar(select(Cooperative).order_by(Cooperative.id).limit(1))
    if cooperative is None:
        raise NotFound("the cooperative has not been set up; run `kooperativet db upgrade`")
    return cooperative


def seed_cooperative(session: Session, *, settings: Settings) -> Cooperative | None:
    """Create the cooperative's row from settings on an empty database; afterwards the database rules."""
    if session.scalar(select(func.count(Cooperative.id))):
        return None
    cooperative = Cooperative(name=settings.cooperative_name, f_tax_approved=settings.cooperative_f_tax)
    _apply_cooperative(
        cooperative,
        {
            "organisation_number": settings.cooperative_organisation_number,
            "vat_number": settings.cooperative_vat_number,
            "street": settings.cooperative_street,
            "postal_code": settings.cooperative_postal_code,
            "city": settings.cooperative_city,
            "bankgiro": settings.cooperative_bankgiro,
            "iban": settings.cooperative_iban,
            "bic": settings.cooperative_bic,
            "contact_name": settings.cooperative_contact_name,
            "contact_email": settings.cooperative_contact_email,
            "contact_phone": settings.cooperative_contact_phone,
        },
    )
    session.add(cooperative)
    session.flush()
    return cooperative


def update_cooperative(
    session: Session, *, update: CooperativeUpdate, actor: User, now: datetime
) -> Cooperative:
    """Change the cooperative's identity; the fields that changed are an audit event (``cooperative_changed``)
    naming who changed them, with old and new values."""
    cooperative = get_cooperative(session)
    check_version(cooperative, update.version, what="the cooperative's settings")
    changes = update.model_dump(exclude_unset=True, exclude={"version"})
    for field in ("name", "f_tax_approved", "country", "vat_base_above_40_million"):
        if field in changes and changes[field] is None:
            raise RuleViolation(f"{field} cannot be empty", field=field)
    before = {field: getattr(cooperative, field) for field in changes}
    _apply_cooperative(cooperative, changes)
    _record_change(session, cooperative, before, actor=actor, now=now)
    cooperative.version += 1
    session.flush()
    return cooperative


def _record_change(
    session: Session, cooperative: Cooperative, before: dict[str, Any], *, actor: User, now: datetime
) -> None:
    """Append ``cooperative_changed`` naming the fields whose stored value changed, old and new as stored.

    Unmasked, unlike a member's account: the cooperative's bankgiro, IBAN and numbers are printed on every
    invoice, and the auditor must see to which account the invoices were redirected, and by whom."""
    changed = {
        field: {"old": old, "new": getattr(cooperative, field)}
        for field, old in before.items()
        if getattr(cooperative, field) != old
    }
    if changed:
        append_event(
            session,
            kind="cooperative_changed",
            payload={"cooperative_id": cooperative.id, "changed_by_user_id": actor.id, "changes": changed},
            now=now,
        )


_COOPERATIVE_PARSERS: dict[str, Callable[[str], str]] = {
    "organisation_number": ids.normalise_organisation_number,
    "vat_number": ids.normalise_vat_number,
    "bankgiro": ids.normalise_bankgiro,
    "iban": ids.normalise_iban,
    "bic": ids.normalise_bic,
}


#: The contact details go into every arbetsgivardeklaration (``Kontaktperson``), which needs them and which
#: Skatteverket refuses whole when one is outside its format (docs/exports.md): so a value the AGI cannot
#: take is refused here, where it is typed, with the field and what it must be. The name is only checked for
#: ``<``, ``>`` and blankness: the AGI cuts a long name to 50 characters with a note. In the settings form's
#: order.
_AGI_CONTACT_FORMATS: dict[str, agi_formats.AgiFormat] = {
    "contact_name": agi_formats.CONTACT_NAME,
    "contact_email": agi_formats.CONTACT_EMAIL,
    "contact_phone": agi_formats.CONTACT_PHONE,
}


def _check_agi_contact(changes: dict[str, Any]) -> None:
    """Refuse the contact details the AGI cannot take: one 422 naming the first such field (``field``, by its
    own ``code``) and listing them all in ``errors``."""
    refused = []
    for field, fmt in _AGI_CONTACT_FORMATS.items():
        value = changes.get(field)
        if value is None:
            continue
        fits = agi_formats.TEXT.fullmatch(value) if fmt is agi_formats.CONTACT_NAME else fmt.accepts(value)
        if not fits:
            refused.append((field, fmt))
    if refused:
        field, fmt = refused[0]
        raise RuleViolation(
            "; ".join(
                f"{name}: Skatteverket's employer declaration (AGI) takes {each.requirement}"
                for name, each in refused
            ),
            code=f"agi_{field}_format",
            field=field,
            errors=[{"field": name, "reason": each.requirement} for name, each in refused],
        )


def _apply_cooperative(cooperative: Cooperative, changes: dict[str, Any]) -> None:
    _check_agi_contact(changes)
    for field, value in changes.items():
        parse = _COOPERATIVE_PARSERS.get(field)
        if parse is not None and value is not None:
            value = validated(field, parse, value)
        setattr(cooperative, field, value)
    if {"postal_code", "country"} & set(changes):
        # The sender's address on every invoice and in the AGI: checked as a member's and a client's are.
        # Seeding sets no country, and the row's default is Sweden.
        cooperative.postal_code = postal_code_for(cooperative.country or "SE", cooperative.postal_code)
