"""The purge tests reuse the month-end exports' approved run (three members paid on 25 November 2026)."""

from tests.exports.conftest import approved_run, export_day, exporter
from tests.payroll.conftest import paid_assignment, payroll_ready

__all__ = ["approved_run", "export_day", "exporter", "paid_assignment", "payroll_ready"]
