"""``python -m tests.jobs.worker_main worker …``: the ``kooperativet worker`` command with the test-only
job kinds registered too (a real worker process for the tests that kill one)."""

from kooperativet.cli import app
from tests.jobs import handlers

assert handlers

if __name__ == "__main__":
    app()
