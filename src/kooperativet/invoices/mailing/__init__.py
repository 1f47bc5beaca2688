"""Sending issued invoices and credit notes to the client by e-mail, and reminding of overdue invoices
(docs/reminders.md).

- ``models``: the record of each sending (``InvoiceDispatch``), each reminder and each stop of reminders.
- ``attachments``: where the attached PDF and UBL come from (``mail.attachment_source``).
- ``dispatch``: send an issued document to the client, again if asked.
- ``interest``: late-payment interest (räntelagen) and the reminder fee, from dated parameters.
- ``reminders``: the schedule, ``send_due_reminders`` and stopping and resuming reminders.
- ``reminder_pdf``: the reminder as a document in the document pipeline.
- ``jobs``: the daily job that sends the reminders due.
"""
