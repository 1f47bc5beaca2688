"""``python -m tests.jobs.worker_main worker …``: the ``kooperativet worker`` command with the test-only
job kinds and document kinds registered too (a real worker process for the tests that kill one)."""

from kooperativet.cli import app
from tests.jobs import handlers, render_gate

assert handlers
assert render_gate

if __name__ == "__main__":
    app()
