"""Why background work failed, in the office's words: the stored code of a failure (``Job.error_code``,
``OutgoingMail.error_code``) said as a sentence, its text kept beside it for whoever mends the cause.

The text is what the code raised (``kooperativet.mail.smtp.NoMailServer: no SMTP server is configured``):
English, with module paths and the server's answer. The treasurer reads the sentence; the admin opens the
text (a ``<details>`` on the page, the API's ``last_error``). An error without a code (recorded before the
codes were kept, or one no handler foresaw) is said by what the work was.
"""

from __future__ import annotations

from dataclasses import dataclass

from kooperativet.web.i18n import N_

#: The known failures (``mail.smtp.MailFailure``, ``jobs.queue.WORKER_STOPPED``) in words.
FAILURES = {
    "no_mail_server": N_("No e-mail server is configured, so no e-mail can be sent. An admin sets one up."),
    "connection_failed": N_("The connection to the e-mail server failed."),
    "login_refused": N_("The e-mail server did not accept the cooperative's user name or password."),
    "server_refused": N_("The e-mail server refused the message."),
    "recipient_refused": N_("The e-mail server refused the recipient's address."),
    "not_built": N_("The e-mail could not be put together: an attachment, such as a PDF, could not be made."),
    "worker_stopped": N_("The background worker stopped during the last try."),
}
#: A failure without a known code, by the kind of work that failed.
BY_KIND = {
    "send_mail": N_("The e-mail could not be sent."),
    "render_documents": N_("A document could not be made into a PDF."),
}
UNKNOWN = N_("The work failed.")


@dataclass(frozen=True, slots=True)
class Failure:
    #: The message id of the sentence (translated by the page).
    words: str
    #: The stored error text, for the admin.
    detail: str | None


def failure(code: str | None, text: str | None, *, kind: str = "send_mail") -> Failure | None:
    """The failure a code and text recorded, or ``None`` when nothing failed."""
    if code is None and text is None:
        return None
    words = FAILURES.get(code or "") or BY_KIND.get(kind, UNKNOWN)
    return Failure(words=words, detail=text)
