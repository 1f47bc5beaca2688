"""The treasurer stops reminders for an invoice (a payment plan agreed, the claim disputed …) and resumes
them; each stop is kept with who, when and why, and who resumed it when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kooperativet.audit.service import append_event
from kooperativet.auth.models import User
from kooperativet.errors import Conflict, RuleViolation
from kooperativet.invoices.mailing.models import ReminderStop
from kooperativet.invoices.mailing.reminders import current_stop
from kooperativet.invoices.models import Invoice, InvoiceKind
from kooperativet.invoices.service.read import UNPAID


def stop_reminders(
    session: Session, *, invoice: Invoice, actor: User, reason: str, now: datetime
) -> ReminderStop:
    if invoice.kind != InvoiceKind.invoice:
        raise RuleViolation("a credit note gets no reminders", code="not_an_invoice")
    if invoice.status not in UNPAID:
        # Paid or credited, it gets no reminder any more: a stop would record and audit a decision about
        # nothing, and read later as if the claim had been disputed.
        raise Conflict(
            f"invoice {invoice.number} is {invoice.status}: no reminder comes for it, none to stop",
            code="nothing_to_remind",
        )
    if not reason.strip():
        raise RuleViolation("say why reminders stop", code="reason_required", field="reason")
    if current_stop(session, invoice_id=invoice.id) is not None:
        raise Conflict(f"reminders for {invoice.number} are stopped already", code="reminders_stopped")
    stop = ReminderStop(invoice_id=invoice.id, reason=reason.strip(), stopped_by_id=actor.id, stopped_at=now)
    session.add(stop)
    session.flush()
    append_event(
        session,
        kind="reminders_stopped",
        payload={"invoice": invoice.number, "reason": stop.reason, "by": actor.id},
        now=now,
    )
    return stop


def resume_reminders(session: Session, *, invoice: Invoice, actor: User, now: datetime) -> ReminderStop:
    stop = current_stop(session, invoice_id=invoice.id)
    if stop is None:
        raise Conflict(f"reminders for {invoice.number} are not stopped", code="reminders_not_stopped")
    stop.resumed_by_id = actor.id
    stop.resumed_at = now
    session.flush()
    append_event(
        session, kind="reminders_resumed", payload={"invoice": invoice.number, "by": actor.id}, now=now
    )
    return stop
