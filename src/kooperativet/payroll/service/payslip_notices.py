"""Telling each member of an approved run that her payslip is ready, with the PDF attached.

Approval stays set-based: it only enqueues one ``notify_payslips_ready`` job for the run (``approval``). The
worker then composes every member's message in a constant number of statements, however large the run
(the payslips, their members, their preferences, the messages, their send jobs). The PDF is attached when
each message is sent, so one still rendering is rendered first (``documents.pipeline.stored_pdf``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from kooperativet.documents.pipeline import pdf_attachment_source
from kooperativet.jobs import JobContext, enqueue, handler
from kooperativet.mail import attachment
from kooperativet.mail.addresses import domain_of
from kooperativet.notifications import PAYSLIP_READY, Notice, member_recipients, notify_many
from kooperativet.payroll.models import Payslip
from kooperativet.payroll.service.payslip_pdfs import PAYSLIP_PDF

NOTIFY_PAYSLIPS_READY: Final = "notify_payslips_ready"
PAYSLIP_ATTACHMENT: Final = "payslip_pdf"


def enqueue_payslip_notices(session: Session, *, run_id: int) -> None:
    """In the approval's transaction: one job for the whole run, once per run."""
    enqueue(session, NOTIFY_PAYSLIPS_READY, {"run_id": run_id}, key=f"{NOTIFY_PAYSLIPS_READY}:{run_id}")


pdf_attachment_source(PAYSLIP_ATTACHMENT, PAYSLIP_PDF, lambda payslip: f"{payslip.number}.pdf")


@handler(NOTIFY_PAYSLIPS_READY)
def notify_payslips_ready(context: JobContext, payload: Mapping[str, Any]) -> None:
    domain = domain_of(context.settings.smtp_from)
    queue_payslip_notices(context.session, run_id=int(payload["run_id"]), domain=domain)
    context.session.commit()


def notice_message_id(payslip_id: int, domain: str) -> str:
    """The Message-ID of the notice of a payslip: chosen here, so that a job run twice queues it once (the
    notice records its member too, for the purge after retention: ``privacy.purge``). Its domain is the From
    address's, as every other message's (docs/mail.md, "Headers"): one fixed domain for every installation
    gave two cooperatives' notices of their first payslip the same Message-ID, and a mail program that
    keeps one message per Message-ID (Gmail does) would drop the second cooperative's."""
    return f"<payslip-{payslip_id}@{domain}>"


def queue_payslip_notices(session: Session, *, run_id: int, domain: str) -> int:
    """Queue a message for each payslip of the run whose member wants it, with Message-IDs of ``domain`` (the
    From address's); how many were queued."""
    rows = session.execute(
        select(Payslip.id, Payslip.member_id, Payslip.number, Payslip.pay_date, Payslip.net_pay)
        .where(Payslip.run_id == run_id)
        .order_by(Payslip.id)
    ).all()
    members = member_recipients(session, [row.member_id for row in rows])
    # A member paid twice in one run (a correction) has two payslips: a message for each.
    notices = [
        Notice(
            members[row.member_id],
            {"number": row.number, "pay_date": row.pay_date, "net_pay": row.net_pay},
            attachments=[attachment(PAYSLIP_ATTACHMENT, row.id)],
            message_id=notice_message_id(row.id, domain),
        )
        for row in rows
        if row.member_id in members
    ]
    return len(notify_many(session, PAYSLIP_READY, notices))
