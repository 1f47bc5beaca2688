"""Every job handler, imported once so that a worker knows every kind of work (like ``all_models``)."""

from kooperativet.mail import send_job
from kooperativet.workflows import password_reset

__all__ = ["password_reset", "send_job"]
