"""A test-only document kind: the payslips as the pipeline renders them, except that a worker whose
environment names a gate folder stops before it renders the payslip held there (``held``), says so
(``started``) and waits for the ``release`` file, so that a test can kill it in the middle of a job."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from kooperativet.documents.pipeline import register_kind
from kooperativet.payroll.service.payslip_pdfs import PAYSLIP_PDF, PayslipJob
from tests.jobs.handlers import record_effect

GATE = "KOOPERATIVET_TEST_RENDER_GATE"


def _render_at_the_gate(job: PayslipJob) -> bytes:
    gate = os.environ.get(GATE)
    if gate and job[0] == int((Path(gate) / "held").read_text()):
        record_effect(str(Path(gate) / "started"), f"{job[0]} {os.getpid()}")
        deadline = time.monotonic() + 30
        while not (Path(gate) / "release").exists():
            if time.monotonic() > deadline:
                raise TimeoutError("never released")
            time.sleep(0.02)
    return PAYSLIP_PDF.render(job)


#: One payslip at a time, in the worker's own process (no pool), so that the gate is where the job is.
GATED_PAYSLIP_PDF = register_kind(
    replace(PAYSLIP_PDF, name="test_gated_payslip", render=_render_at_the_gate, render_many=None)
)
