"""Every job handler, imported once so that a worker knows every kind of work (like ``all_models``)."""

from kooperativet.mail import send_job

__all__ = ["send_job"]
