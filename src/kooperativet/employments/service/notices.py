"""What the member is told when her commission is approved: the anställningsbevis, attached as its PDF.

LAS 6 c § obliges the employer to give the employee written information on the terms; the e-mail carries
the issued certificate, so it is a required notification (``notifications.topics``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kooperativet.documents.pipeline import pdf_attachment_source
from kooperativet.employments.models import Employment
from kooperativet.employments.service.certificate import CERTIFICATE_PDF
from kooperativet.mail import attachment
from kooperativet.notifications import COMMISSION_APPROVED, member_recipient, notify

CERTIFICATE_ATTACHMENT = "employment_certificate"


pdf_attachment_source(
    CERTIFICATE_ATTACHMENT, CERTIFICATE_PDF, lambda employment: f"anstallningsbevis-{employment.id}.pdf"
)


def tell_member_approved(session: Session, *, employment: Employment) -> None:
    assignment = employment.assignment
    notify(
        session,
        COMMISSION_APPROVED,
        member_recipient(session, assignment.member),
        {
            "assignment_id": assignment.id,  # the page the message links to
            "title": assignment.title,
            "client": assignment.client.name,
            "start": employment.start,
            "end": employment.end,
        },
        attachments=[attachment(CERTIFICATE_ATTACHMENT, employment.id)],
    )
